"""Seeded synthetic hype cycles that carry their true phases (a documented generative model).

Real phase labels are scarce, so the classifier also learns from trajectories drawn from
this model. Each draw returns a trajectory frame with the columns of
:data:`hypecycle.trajectories.COLUMNS` and the true phase of every period, like ruptures'
``pw_constant`` returns a signal with its change points.

The generative model (quarters)
-------------------------------
*Latent attention.* The share of all articles that mention the topic is

    a(t) = base + P(t) + S(t)

with an asymmetric bell-shaped **pulse** ``P`` (height ``A_p``, centre ``mu``, rise width
``s_up``, fall width ``s_down``) and a Gompertz **S-curve** ``S`` (height ``A_s``, centre
``t_s >= mu``, rate ``c``): the hype and the lasting adoption that Sasaki (2015) and
Tattershall et al. (2021) fit to news counts. In a cycle **with a trough** the S-curve is
lower than the pulse (``A_s / A_p`` in 0.15-0.7), so attention falls after the peak; in a
cycle **without one** it is as high (0.8-1.4) and starts near ``mu``, so attention never
falls far, as for about half of the technologies Gartner tracked. In a **bust** variant
failures themselves make news, so attention keeps up during the trough while failures and
sceptical language carry the signal.

*Phases* follow the latent curve: **trigger** until the pulse's steepest rise
(``mu - s_up``, where Gartner's peak sits, before the attention maximum); **peak** from there
to ``mu + 0.6 s_down``; **trough** (only with a trough) until attention reaches its low after
the peak; **slope** until the S-curve reaches 85% of its height; **plateau** after. A cycle
may end (the corpus stops) in any phase.

*The record* is a window of 20-44 quarters on the cycle: the pulse's centre falls anywhere
from just before the window opens to late in it, so a record may open before the trigger
or after the peak, as a corpus's years do.

*Observations.* The corpus holds ``N(t)`` articles a quarter (60 to 6,000, log-uniform,
growing or not, with noise); the pulse's top is 0.1% to 2.5% of all articles; topic
articles are binomial, ``K ~ Bin(N, a)``, typically 0-60 a quarter.
Cue shares, the peripheral share (dilution, rising from before the peak) and event rates
per topic article depend on the phase: funding and large rounds climb through the trigger
and peak, IPOs cluster at the peak, failures (bankruptcies, shutdowns, layoffs) and
sceptical language rise in the trough, acquisitions in the trough and slope. Counts are
Poisson or binomial, amounts log-normal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .trajectories import COLUMNS, wilson

PHASES = ("trigger", "peak", "trough", "slope", "plateau")


@dataclass
class SyntheticCycle:
    """One draw: the trajectory frame and the true phase per period."""

    frame: pd.DataFrame
    phases: np.ndarray
    params: dict
    seed: int

    @property
    def turning_points(self) -> list[tuple[int, str, str]]:
        """``(period index, from, to)`` where the true phase changes."""
        out = []
        for i in range(1, len(self.phases)):
            if self.phases[i] != self.phases[i - 1]:
                out.append((i, str(self.phases[i - 1]), str(self.phases[i])))
        return out


def _gompertz(t, height, centre, rate):
    return height * np.exp(-np.exp(-rate * (t - centre)))


def _pulse(t, height, centre, up, down):
    w = np.where(t <= centre, up, down)
    return height * np.exp(-0.5 * ((t - centre) / w) ** 2)


def draw(seed: int, *, n_periods: int | None = None, trough: bool | None = None, bust: bool | None = None,
         start: str = "2000Q1") -> SyntheticCycle:
    """Draw one synthetic cycle.

    Parameters
    ----------
    seed
        Seeds everything; the same seed gives the same cycle.
    n_periods
        Quarters observed (default: 20-44 at random). The record may start late and end in
        any phase.
    trough, bust
        Force a cycle with (or without) a trough, and the bust variant; default: at random
        (about half of cycles have a trough, a third of those are busts).
    """
    rng = np.random.default_rng(seed)
    T = int(n_periods if n_periods is not None else rng.integers(20, 45))
    has_trough = bool(rng.random() < 0.55) if trough is None else bool(trough)
    is_bust = (bool(rng.random() < 0.35) if bust is None else bool(bust)) and has_trough
    # latent curve on a time line that may start before the record and end anywhere in the cycle
    # the record is a window on the cycle: it may open before the trigger or well after it,
    # as a corpus's years do (Reuters 2006-2013 opens after social media's trigger)
    mu = rng.uniform(-0.1, 0.8) * T
    s_up = rng.uniform(2.0, 6.0)
    s_down = rng.uniform(2.0, 7.0)
    # 0.1% to 2.5% of all articles at the pulse's top: a quarter's 5-50 topic articles among
    # 3,000-5,000 (FACTS.md, measured on Reuters), and smaller and larger topics
    peak_share = 10 ** rng.uniform(-3.0, -1.6)
    base = peak_share * rng.uniform(0.01, 0.08)
    if has_trough:
        ratio = rng.uniform(0.15, 0.7)
        t_s = mu + rng.uniform(1.0, 2.5) * s_down
    else:
        ratio = rng.uniform(0.8, 1.4)
        t_s = mu + rng.uniform(-1.0, 1.0) * s_up
    A_p = peak_share
    A_s = ratio * peak_share
    rate = rng.uniform(0.25, 0.8)
    t = np.arange(T, dtype=float)
    pulse = _pulse(t, A_p, mu, s_up, s_down)
    scurve = _gompertz(t, A_s, t_s, rate)
    share = base + pulse + scurve

    # phases from the latent curve
    fine = np.linspace(0, T + 40, 4000)
    total_fine = base + _pulse(fine, A_p, mu, s_up, s_down) + _gompertz(fine, A_s, t_s, rate)
    peak_start = mu - s_up
    peak_end = mu + 0.6 * s_down
    after = fine > mu
    if has_trough:
        seg = np.where(after)[0]
        low_i = seg[np.argmin(total_fine[seg][: max(1, np.searchsorted(fine[seg], t_s + 2 / rate))])]
        trough_end = max(float(fine[low_i]), peak_end + 1.0)
    else:
        trough_end = peak_end
    s_frac = _gompertz(fine, 1.0, t_s, rate)
    plateau_start = max(float(fine[np.argmax(s_frac >= 0.85)]), trough_end + 1.0)
    mid = t + 0.5
    phases = np.select([mid < peak_start, mid < peak_end, mid < trough_end, mid < plateau_start],
                       ["trigger", "peak", "trough", "slope"], "plateau").astype(object)
    in_trough = (phases == "trough").astype(float)
    if is_bust:  # failures are news: attention keeps up while the sector fails
        share = share + in_trough * pulse.max() * rng.uniform(0.2, 0.6)

    # the corpus and the topic's articles
    n0 = 10 ** rng.uniform(1.8, 3.8)                  # 60 to 6,000 articles a quarter
    growth = rng.uniform(-0.01, 0.04)
    N = np.maximum(50, np.round(n0 * np.exp(growth * t) * rng.lognormal(0, 0.12, T))).astype(int)
    share = np.clip(share * rng.lognormal(0, 0.08, T), 0, 0.5)
    K = rng.binomial(N, share)

    phase_idx = np.array([PHASES.index(p) for p in phases])

    def by_phase(values: dict[str, tuple[float, float]]) -> np.ndarray:
        lo = np.array([values[p][0] for p in PHASES])
        hi = np.array([values[p][1] for p in PHASES])
        draw_ = rng.uniform(lo, hi)
        return draw_[phase_idx]

    # language: the topic's cue rates against a corpus baseline that follows the business cycle
    corpus_hype = rng.uniform(0.03, 0.08) * np.exp(rng.normal(0, 0.15, T))
    corpus_skeptic = rng.uniform(0.05, 0.12) * np.exp(rng.normal(0, 0.15, T))
    hype_p = np.clip(corpus_hype * by_phase({"trigger": (1.2, 2.0), "peak": (1.6, 3.0), "trough": (0.8, 1.3),
                                             "slope": (0.9, 1.4), "plateau": (0.7, 1.1)}), 0, 0.9)
    skeptic_p = np.clip(corpus_skeptic * by_phase({"trigger": (0.6, 1.1), "peak": (0.9, 1.6),
                                                   "trough": (1.6, 3.2), "slope": (0.9, 1.4),
                                                   "plateau": (0.7, 1.1)}), 0, 0.9)
    if is_bust:
        skeptic_p = np.clip(skeptic_p * (1 + in_trough * 0.5), 0, 0.9)
    hype_k = rng.binomial(K, hype_p)
    skeptic_k = rng.binomial(K, skeptic_p)
    # dilution: the word spreads to articles about something else from before the peak on
    spread = 1 / (1 + np.exp(-(t - (mu - s_up * rng.uniform(0.5, 1.5))) / rng.uniform(1.5, 4)))
    periph_p = np.clip(rng.uniform(0.15, 0.3) + rng.uniform(0.1, 0.3) * spread, 0, 0.95)
    periph_k = rng.binomial(K, periph_p)
    lead_k = K - periph_k - rng.binomial(K - periph_k, rng.uniform(0.05, 0.2))

    # events per topic article, by phase
    scale = rng.uniform(0.3, 1.6)
    fund_rate = scale * by_phase({"trigger": (0.06, 0.14), "peak": (0.08, 0.18), "trough": (0.01, 0.05),
                                  "slope": (0.03, 0.08), "plateau": (0.02, 0.05)})
    ipo_rate = scale * by_phase({"trigger": (0.0, 0.01), "peak": (0.01, 0.04), "trough": (0.0, 0.005),
                                 "slope": (0.003, 0.015), "plateau": (0.003, 0.01)})
    acq_rate = scale * by_phase({"trigger": (0.01, 0.03), "peak": (0.02, 0.05), "trough": (0.03, 0.08),
                                 "slope": (0.03, 0.07), "plateau": (0.02, 0.05)})
    fail_rate = scale * by_phase({"trigger": (0.0, 0.01), "peak": (0.0, 0.015), "trough": (0.04, 0.12),
                                  "slope": (0.01, 0.04), "plateau": (0.005, 0.02)})
    if is_bust:
        fail_rate = fail_rate * (1 + in_trough)
    funding = rng.poisson(fund_rate * K)
    ipo = rng.poisson(ipo_rate * K)
    acquisition = rng.poisson(acq_rate * K)
    failures = rng.poisson(fail_rate * K)
    split = rng.dirichlet([2, 1, 3])
    bankruptcy = rng.binomial(failures, split[0])
    shutdown = rng.binomial(failures - bankruptcy, split[1] / (split[1] + split[2]))
    layoff = failures - bankruptcy - shutdown
    size = by_phase({"trigger": (15, 17.2), "peak": (16.5, 18.5), "trough": (15, 16.8), "slope": (15.8, 17.8),
                     "plateau": (15.8, 17.5)})
    funding_usd = np.zeros(T)
    rounds_100m = np.zeros(T, dtype=int)
    val_med = np.full(T, np.nan)
    val_max = np.full(T, np.nan)
    for i in range(T):
        if funding[i]:
            amounts = np.exp(rng.normal(size[i], 1.0, funding[i])) * rng.binomial(1, 0.7, funding[i])
            funding_usd[i] = amounts.sum()
            rounds_100m[i] = int((amounts >= 100e6).sum())
            n_val = rng.binomial(funding[i], 0.3)
            if n_val:
                vals = np.exp(rng.normal(size[i] + 1.8, 0.8, n_val))
                val_med[i], val_max[i] = float(np.median(vals)), float(vals.max())
    companies = rng.poisson(K * rng.uniform(0.6, 1.4))
    novelty = np.clip(1.0 - 0.6 * spread * rng.uniform(0.6, 1.0) - 0.2 * (t / T), 0.1, 1.0)
    new_companies = rng.binomial(companies, novelty)

    periods = pd.period_range(start, periods=T, freq="Q")
    f: dict[str, object] = {"period": periods.astype(str).to_numpy(),
                            "start": periods.start_time.date, "end": periods.end_time.date,
                            "partial": np.zeros(T, dtype=bool), "articles": N, "topic_articles": K}
    safe_k = np.maximum(K, 1)
    f["attention"] = K / N
    f["attention_lo"], f["attention_hi"] = wilson(K, N)
    f["attention_smooth"] = f["attention_smooth_lo"] = f["attention_smooth_hi"] = np.full(T, np.nan)
    f["mentions"] = K + rng.poisson(K * 0.8)
    f["lead_articles"] = lead_k
    for name, k, corpus in (("hype", hype_k, corpus_hype), ("skeptic", skeptic_k, corpus_skeptic)):
        f[f"{name}_articles"] = k
        f[f"{name}_share"] = np.where(K > 0, k / safe_k, np.nan)
        f[f"{name}_lo"], f[f"{name}_hi"] = wilson(k, K)
        f[f"corpus_{name}_share"] = corpus
    events = funding + ipo + acquisition + failures
    f.update({"funding": funding, "funding_usd": funding_usd, "rounds_100m": rounds_100m,
              "valuation_median": val_med, "valuation_max": val_max, "ipo": ipo, "acquisition": acquisition,
              "bankruptcy": bankruptcy, "shutdown": shutdown, "layoff": layoff,
              "laid_off": layoff * rng.integers(50, 2000), "events": events, "failures": failures,
              "failure_share": np.where(events > 0, failures / np.maximum(events, 1), np.nan),
              "peripheral_articles": periph_k, "peripheral_share": np.where(K > 0, periph_k / safe_k, np.nan)})
    f["peripheral_lo"], f["peripheral_hi"] = wilson(periph_k, K)
    f["companies"] = companies
    f["new_companies"] = new_companies
    frame = pd.DataFrame({c: f[c] for c in COLUMNS})
    params = {"trough": has_trough, "bust": is_bust, "mu": mu, "s_up": s_up, "s_down": s_down,
              "peak_share": peak_share, "ratio": ratio, "t_s": t_s, "rate": rate, "n0": n0}
    return SyntheticCycle(frame=frame, phases=phases.astype(str), params=params, seed=seed)


def draw_many(n: int, seed: int = 0) -> list[SyntheticCycle]:
    """``n`` cycles from one seed (cycle ``i`` uses seed ``seed * 1_000_003 + i``)."""
    return [draw(seed * 1_000_003 + i) for i in range(n)]


__all__ = ["PHASES", "SyntheticCycle", "draw", "draw_many"]
