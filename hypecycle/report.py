"""Render a phase report (text, JSON, Markdown, self-contained HTML). Computes nothing.

The report is a plain dict (assembled by :func:`hypecycle.jobs.build_report`) with these
stable keys, documented in the README:

``topic``, ``spec``, ``as_of``, ``freq``
    What was asked, and the date the report is computed as of.
``phase``
    ``{"phase", "name", "confidence"}``: the call.
``probabilities``
    Calibrated probability of each of the five phases.
``analogs``
    The nearest reference cycles: ``cycle``, ``name``, ``similarity``, ``position`` (where
    "now" falls in it), ``phase`` there, ``next_turn`` and ``after`` (what happened next),
    ``spread`` (how firm the match is).
``signals``
    The signals behind the call: ``name``, ``label``, ``value``, ``interval`` (95%, for
    shares), ``previous`` (the four periods before), ``trend`` and ``push`` (how far the
    signal moved the model towards the call, log-odds; absent for models without
    coefficients).
``evidence``
    ``events`` (the largest events, the latest failures and the largest events of the
    as-of period, with dates, article ids and titles) and ``articles`` (representative
    articles), so a reader can check the call.
``caveats``
    Thin data, low confidence, gaps in the corpus, a fit that did not converge, ...
``fit``, ``model``, ``store``
    The hype-curve fit, the model used (file, training figures) and the store read.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from .errors import UsageError

FORMATS = ("text", "json", "markdown", "html")
REPORT_KEYS = ("topic", "spec", "as_of", "freq", "phase", "probabilities", "analogs", "signals", "evidence",
               "caveats", "fit", "model", "store")
PHASE_NAMES = {"trigger": "innovation trigger", "peak": "peak of inflated expectations",
               "trough": "trough of disillusionment", "slope": "slope of enlightenment",
               "plateau": "plateau of productivity"}


def _money(v: Any) -> str:
    if v is None:
        return ""
    v = float(v)
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"${v / div:.3g}{unit}"
    return f"${v:,.0f}"


def _num(v: Any, signal: str = "") -> str:
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if signal.endswith("_usd") or signal.startswith("valuation"):
        return _money(v)
    if isinstance(v, float) and (signal.endswith("share") or signal in ("attention",)):
        return f"{v * 100:.2f}%"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def _interval(s: dict) -> str:
    iv = s.get("interval")
    if not iv or iv[0] is None:
        return ""
    return f" (95% {_num(iv[0], s['name'])}-{_num(iv[1], s['name'])})"


def _event_line(e: dict) -> str:
    money = " ".join(x for x in (_money(e.get("amount_usd")),
                                 f"valued {_money(e['valuation_usd'])}" if e.get("valuation_usd") else "") if x)
    what = e["type"] + (f" ({e['round'].replace('_', ' ')})" if e.get("round") else "")
    by = f" by {e['acquirer']}" if e.get("acquirer") else ""
    return f"{e['date']}  {what}: {e['company']}{by} {money}".rstrip() + f"  [{e['article_id']}] {e.get('title', '')}"


def to_text(r: dict) -> str:
    """A report readable in a terminal."""
    p = r["phase"]
    lines = [f"{r['topic']} as of {r['as_of']}: {p['phase'].upper()} ({p['name']}), "
             f"probability {p['confidence']:.0%}", ""]
    lines.append("phase probabilities (calibrated):")
    for k, v in r["probabilities"].items():
        lines.append(f"  {k:<8} {v:6.1%}  {'#' * int(round(v * 40))}")
    lines.append("")
    if r["analogs"]:
        lines.append("nearest analogs (where the topic stands in each, and what came next):")
        for a in r["analogs"]:
            nxt = a.get("next_turn") or {}
            turn = (f"; next turn: {nxt.get('from_phase')} -> {nxt.get('to_phase')} at {nxt.get('date')} "
                    f"({nxt.get('periods_ahead')} periods ahead)" if nxt else "; no later turn in its record")
            lines.append(f"  {a['name']} ({a['cycle']}): like {a['position']}, in its {a.get('phase') or '?'} "
                         f"phase; similarity {a['similarity']:.2f}{turn}")
            after = a.get("after") or {}
            if after:
                bits = [f"{k} {v.get('change'):+.0%}" if isinstance(v.get("change"), (int, float)) else f"{k} n/a"
                        for k, v in list(after.items())[:4]]
                lines.append(f"    after that point: {', '.join(bits)}")
            spread = a.get("spread") or {}
            if spread.get("positions"):
                lines.append(f"    other close alignments: {', '.join(map(str, spread['positions'][:4]))}")
        lines.append("")
    lines.append("signals (last four periods, against the four before):")
    for s in r["signals"]:
        push = f"  push {s['push']:+.2f}" if s.get("push") is not None else ""
        lines.append(f"  {s['label']:<44} {_num(s['value'], s['name']):>10}{_interval(s)}  "
                     f"before {_num(s.get('previous'), s['name'])}  {s.get('trend', '')}{push}")
    fit = r.get("fit") or {}
    if fit:
        if fit.get("converged"):
            lines.append(f"\nhype-curve fit: attention peak {fit.get('peak_date')} (95% {fit.get('peak_lo')} to "
                         f"{fit.get('peak_hi')}), peak {'passed' if fit.get('peak_passed') else 'not passed yet'}")
        else:
            lines.append(f"\nhype-curve fit: did not converge ({fit.get('reason')})")
    ev = r["evidence"]
    if ev.get("events"):
        lines.append("\nevents: the largest, the latest failures, the news of the last period (check them in the articles):")
        lines += ["  " + _event_line(e) for e in ev["events"]]
    if ev.get("articles"):
        lines.append("\nrepresentative articles:")
        lines += [f"  {a['date']}  [{a['article_id']}] {a['title']}" for a in ev["articles"]]
    if r["caveats"]:
        lines.append("\ncaveats:")
        lines += [f"  - {c}" for c in r["caveats"]]
    m = r.get("model") or {}
    if m:
        lines.append(f"\nmodel: {m.get('file')} ({m.get('summary', '')})")
    return "\n".join(lines) + "\n"


def to_markdown(r: dict) -> str:
    """The report as Markdown."""
    p = r["phase"]
    out = [f"# {r['topic']}: {p['name']}", "",
           f"As of **{r['as_of']}** the model calls **{p['phase']}** with probability {p['confidence']:.0%}.", "",
           "| phase | probability |", "|---|---|"]
    out += [f"| {k} | {v:.1%} |" for k, v in r["probabilities"].items()]
    if r["analogs"]:
        out += ["", "## Nearest analogs", "", "| analog | like | its phase there | similarity | next turn |",
                "|---|---|---|---|---|"]
        for a in r["analogs"]:
            nxt = a.get("next_turn") or {}
            turn = f"{nxt.get('to_phase')} at {nxt.get('date')} (+{nxt.get('periods_ahead')})" if nxt else "none"
            out.append(f"| {a['name']} | {a['position']} | {a.get('phase') or ''} | {a['similarity']:.2f} | {turn} |")
    out += ["", "## Signals", "", "| signal | last 4 periods | 95% interval | the 4 before | trend | push |",
            "|---|---|---|---|---|---|"]
    for s in r["signals"]:
        iv = s.get("interval") or [None, None]
        ivs = f"{_num(iv[0], s['name'])}-{_num(iv[1], s['name'])}" if iv[0] is not None else ""
        push = f"{s['push']:+.2f}" if s.get("push") is not None else ""
        out.append(f"| {s['label']} | {_num(s['value'], s['name'])} | {ivs} | {_num(s.get('previous'), s['name'])} "
                   f"| {s.get('trend', '')} | {push} |")
    ev = r["evidence"]
    if ev.get("events"):
        out += ["", "## Events: the largest, the latest failures, the news of the last period", ""] + [f"- {_event_line(e)}" for e in ev["events"]]
    if ev.get("articles"):
        out += ["", "## Representative articles", ""] + [f"- {a['date']} `{a['article_id']}` {a['title']}"
                                                         for a in ev["articles"]]
    if r["caveats"]:
        out += ["", "## Caveats", ""] + [f"- {c}" for c in r["caveats"]]
    return "\n".join(out) + "\n"


_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;font-size:.92em}
th{background:#f4f4f4}.bar{display:inline-block;height:.8em;background:#1f5fa8}.call{font-size:1.25em;padding:.6em;
background:#f4f7fb;border-left:4px solid #1f5fa8}img{max-width:100%;height:auto;border:1px solid #eee}
.caveat{color:#8a4b00}small{color:#666}"""


def to_html(r: dict, figures: dict[str, bytes] | None = None) -> str:
    """A self-contained HTML page (plots embedded as PNG data URIs, no external resource)."""
    e = html.escape
    p = r["phase"]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(r['topic'])}: "
             f"{e(p['name'])} as of {e(r['as_of'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(r['topic'])}</h1>",
             f"<p class='call'>As of <b>{e(r['as_of'])}</b>: <b>{e(p['phase'])}</b> ({e(p['name'])}), "
             f"probability {p['confidence']:.0%}.</p>", "<table><tr><th>phase</th><th>probability</th></tr>"]
    for k, v in r["probabilities"].items():
        parts.append(f"<tr><td>{e(k)}</td><td><span class='bar' style='width:{v * 300:.0f}px'></span> "
                     f"{v:.1%}</td></tr>")
    parts.append("</table>")
    for name, data in (figures or {}).items():
        b64 = base64.b64encode(data).decode("ascii")
        parts.append(f"<h2>{e(name)}</h2><img class='plot' alt='{e(name)}' src='data:image/png;base64,{b64}'>")
    if r["analogs"]:
        parts.append("<h2>Nearest analogs</h2><table><tr><th>analog</th><th>like</th><th>its phase there</th>"
                     "<th>similarity</th><th>next turn</th><th>other alignments</th></tr>")
        for a in r["analogs"]:
            nxt = a.get("next_turn") or {}
            turn = f"{nxt.get('to_phase')} at {nxt.get('date')} (+{nxt.get('periods_ahead')})" if nxt else "none"
            spread = ", ".join(map(str, (a.get("spread") or {}).get("positions", [])[:4]))
            parts.append(f"<tr><td>{e(a['name'])}</td><td>{e(str(a['position']))}</td><td>{e(a.get('phase') or '')}"
                         f"</td><td>{a['similarity']:.2f}</td><td>{e(turn)}</td><td>{e(spread)}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Signals</h2><table><tr><th>signal</th><th>last 4 periods</th><th>95% interval</th>"
                 "<th>the 4 before</th><th>trend</th><th>push</th></tr>")
    for s in r["signals"]:
        iv = s.get("interval") or [None, None]
        ivs = f"{_num(iv[0], s['name'])}-{_num(iv[1], s['name'])}" if iv[0] is not None else ""
        push = f"{s['push']:+.2f}" if s.get("push") is not None else ""
        parts.append(f"<tr><td>{e(s['label'])}</td><td>{e(_num(s['value'], s['name']))}</td><td>{e(ivs)}</td>"
                     f"<td>{e(_num(s.get('previous'), s['name']))}</td><td>{e(s.get('trend', ''))}</td>"
                     f"<td>{e(push)}</td></tr>")
    parts.append("</table>")
    ev = r["evidence"]
    if ev.get("events"):
        parts.append("<h2>Events: the largest, the latest failures, the news of the last period</h2><ul>" + "".join(f"<li>{e(_event_line(x))}</li>" for x in ev["events"])
                     + "</ul>")
    if ev.get("articles"):
        parts.append("<h2>Representative articles</h2><ul>" + "".join(
            f"<li>{e(str(a['date']))} <code>{e(a['article_id'])}</code> {e(a['title'])}</li>" for a in ev["articles"])
            + "</ul>")
    if r["caveats"]:
        parts.append("<h2>Caveats</h2><ul>" + "".join(f"<li class='caveat'>{e(c)}</li>" for c in r["caveats"])
                     + "</ul>")
    m = r.get("model") or {}
    parts.append(f"<p><small>hypecycle report; model {e(str(m.get('file', '')))}; {e(str(m.get('summary', '')))}; "
                 f"store {e(str((r.get('store') or {}).get('path', '')))}</small></p>")
    parts.append("<script>document.body.dataset.plots=[...document.images].filter(i=>i.complete&&i.naturalWidth>0)"
                 ".length;</script></body></html>")
    return "\n".join(parts)


def render(report: dict, fmt: str = "text", figures: dict[str, bytes] | None = None) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n"
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report, figures)
    return to_text(report)


__all__ = ["FORMATS", "PHASE_NAMES", "REPORT_KEYS", "render", "to_html", "to_markdown", "to_text"]
