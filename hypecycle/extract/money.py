"""Money amounts in news text: "$1.5 billion", "€25 million", "£4m", "USD 400 million",
"12 million dollars", "1.5 billion yuan", "Rs 300 crore", "$500K", "$1.2bn", "5 bln euros".

The vocabulary (currency symbols, codes and names, scale words) and the yearly exchange
rates are data files in :mod:`hypecycle.data.events` (``money.json``, ``fx_annual.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from hypecycle.errors import LexiconError
from hypecycle.extract.resources import load_csv, load_json

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"


@dataclass(frozen=True, slots=True)
class Money:
    """One money amount found in a text.

    ``start``/``end`` are character offsets of the whole expression in the searched text;
    ``per_unit`` is true for prices such as "$12 a share" (never an event amount).
    """

    amount: float
    currency: str
    start: int
    end: int
    text: str
    per_unit: bool = False


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class MoneyParser:
    """Find money amounts in text.

    The compiled expressions are built once from ``money.json``; use :func:`money_parser`
    to share one instance.
    """

    def __init__(self) -> None:
        data = load_json("money.json")
        try:
            self.symbols: dict[str, str] = dict(data["symbols"])
            self.names: dict[str, str] = {k.lower(): v for k, v in data["names"].items()}
            self.scales: dict[str, float] = {k.lower(): float(v) for k, v in data["scales"].items()}
            self.attached: dict[str, float] = {k: float(v) for k, v in data["attached_scales"].items()}
            self.need_scale = set(data.get("names_need_scale", []))
            per_unit = list(data.get("per_unit_after", []))
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"money.json: missing or malformed key ({exc}); see its _about.") from exc
        scale = _alt(list(self.scales))
        attached = _alt(list(self.attached))
        # Symbols glued to or spaced from the number; alphabetic codes need a word boundary.
        sym = _alt(list(self.symbols))
        names = _alt(list(self.names))
        #: An opening bracket before anything :meth:`find` could read as money: a symbol or code,
        #: or a number, after at most one word ("($2.8 billion)", "(about 1.5 billion euros)",
        #: "(RM1.2 billion)"). A cheap test for a bracketed conversion, never narrower than the parser.
        self.bracketed = re.compile(rf"\(\s*(?:[A-Za-z]+\.?\s+)?(?:(?:{sym})\s?)?\.?\d", re.IGNORECASE)
        self._prefix = re.compile(
            rf"(?<![\w$€£¥₹₩₪])(?P<sym>{sym})\s?(?P<num>{_NUM})"
            rf"(?:(?P<att>{attached})(?![\w])|\s?-?\s?(?P<scale>{scale})\b|(?![\w.]\w))"
            rf"(?:\s+(?P<name2>{names})\b)?",
            re.IGNORECASE,
        )
        self._suffix = re.compile(
            rf"(?<![\w$€£¥₹₩₪.,])(?P<num>{_NUM})(?:(?P<att>{attached})|\s?-?(?P<scale>{scale}))?"
            rf"(?:\s+(?:of\s+)?|-)(?P<name>{names})\b",  # "9.9 billion pounds", "a 9.9 billion-pound bid"
            re.IGNORECASE,
        )
        # "$12 a share", "1,700 yen ($14.31) a share" (a conversion between), "a 1,700 yen-per-share bid"
        units = _alt(per_unit).replace(r"\ ", r"[\s-]")
        self._per_unit = re.compile(rf"\)?(?:\s*\([^()]{{1,40}}\))?[\s-]*(?:{units})\b", re.IGNORECASE) \
            if per_unit else None

    def _value(self, num: str, mult: float) -> float | None:
        try:
            v = Decimal(num.replace(",", "")) * Decimal(repr(mult))
        except InvalidOperation:
            return None
        f = float(v)
        return float(round(f)) if f >= 1000 and v == v.to_integral_value() else f

    def find(self, text: str) -> list[Money]:
        """Return the money amounts in ``text`` in order of position.

        Parameters
        ----------
        text : str
            Any text; amounts are found without tokenisation.

        Returns
        -------
        list of Money
            Non-overlapping amounts. A bare number with a scale word and no currency is
            not money.
        """
        if not text:
            return []
        found: list[Money] = []
        taken: list[tuple[int, int]] = []
        for m in self._prefix.finditer(text):
            sym = m.group("sym")
            cur = self.symbols.get(sym) or self.symbols.get(sym.upper())
            if cur is None:
                continue
            if sym.isalpha() and sym not in self.symbols:  # codes must be upper case ("usd" is not money)
                continue
            mult = 1.0
            if m.group("att"):
                mult = self.attached.get(m.group("att"), self.attached.get(m.group("att").lower(), 1.0))
            elif m.group("scale"):
                mult = self.scales[m.group("scale").lower()]
            name2 = (m.group("name2") or "").lower()
            if name2 and cur == "USD" and sym == "$" and self.names.get(name2, "USD") != "USD":
                cur = self.names[name2]
            val = self._value(m.group("num"), mult)
            if val is None:
                continue
            found.append(self._make(text, val, cur, m.start(), m.end()))
            taken.append((m.start(), m.end()))
        for m in self._suffix.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            name = m.group("name").lower()
            has_scale = bool(m.group("att") or m.group("scale"))
            if name in self.need_scale and not has_scale:
                continue
            if name.upper() in self.symbols and not m.group("name").isupper():
                continue  # "usd" written in lower case is not a code
            mult = 1.0
            if m.group("att"):
                mult = self.attached.get(m.group("att"), self.attached.get(m.group("att").lower(), 1.0))
            elif m.group("scale"):
                mult = self.scales[m.group("scale").lower()]
            val = self._value(m.group("num"), mult)
            if val is None:
                continue
            found.append(self._make(text, val, self.names[name], m.start(), m.end()))
        found.sort(key=lambda x: x.start)
        return found

    def _make(self, text: str, val: float, cur: str, start: int, end: int) -> Money:
        per_unit = bool(self._per_unit and self._per_unit.match(text, end))
        return Money(val, cur, start, end, text[start:end], per_unit)


@lru_cache(maxsize=1)
def money_parser() -> MoneyParser:
    """Return the shared :class:`MoneyParser` (built once per process)."""
    return MoneyParser()


def parse_money(text: str) -> Money | None:
    """Parse the first money amount in ``text``, or return ``None``.

    Examples
    --------
    >>> parse_money("$1.5 billion").amount
    1500000000.0
    >>> parse_money("Rs 300 crore").currency
    'INR'
    """
    found = money_parser().find(text)
    return found[0] if found else None


class FxTable:
    """Yearly average exchange rates (units of currency per US dollar) from ``fx_annual.csv``."""

    def __init__(self) -> None:
        rows = load_csv("fx_annual.csv")
        self.rates: dict[str, dict[int, float]] = {"USD": {}}
        try:
            for row in rows:
                year = int(row["year"])
                self.rates["USD"][year] = 1.0
                for cur, val in row.items():
                    if cur == "year" or not val:
                        continue
                    self.rates.setdefault(cur, {})[year] = float(val)
        except (KeyError, ValueError) as exc:
            raise LexiconError(f"fx_annual.csv: malformed row ({exc}); expected year and one rate a currency.") from exc
        self.years = sorted(self.rates["USD"])

    def rate(self, currency: str, year: int) -> float | None:
        """Units of ``currency`` per US dollar in ``year`` (nearest year in the table), or ``None``."""
        table = self.rates.get(currency)
        if not table:
            return None
        if year in table:
            return table[year]
        nearest = min(table, key=lambda y: abs(y - year))
        return table[nearest]

    def to_usd(self, amount: float | None, currency: str | None, year: int) -> float | None:
        """Convert ``amount`` of ``currency`` to US dollars at the year's average rate.

        Returns ``None`` when either is missing or the currency is not in the table.
        """
        if amount is None or currency is None:
            return None
        if currency == "USD":
            return amount
        r = self.rate(currency, year)
        if not r:
            return None
        return round(amount / r, 2)


@lru_cache(maxsize=1)
def fx_table() -> FxTable:
    """Return the shared :class:`FxTable`."""
    return FxTable()
