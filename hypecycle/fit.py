"""The hype-curve fit: a bell-shaped pulse plus a Gompertz S-curve on a topic's attention.

Hype in the news is well described as a pulse of inflated expectations on top of an
S-shaped rise of lasting use; Gompertz fits news better than the logistic (Sasaki 2015,
IJMIT 7(2), on 4,772 newspaper articles; Tattershall et al. 2021, Scientometrics, on 200
topics; see ``../shared/FACTS.md``). The model, in periods ``t`` since the record's first:

    attention(t) = A * exp(-((t - mu) / sigma)**2 / 2) + K * exp(-exp(-(t - t0) / tau))

fitted by weighted least squares (scipy's ``least_squares``, bounded, from several
starting points) to the share of articles mentioning the topic, each period weighted by
its binomial standard error at the fitted share (re-weighted twice). The **peak** is
the pulse's centre ``mu``; its ~95% interval is ``mu +- 1.96 se(mu)`` from the fit's
covariance (scaled by the residual dispersion when it exceeds the binomial). The peak has
**passed** when the whole interval lies before the as-of date, has not when it lies after,
and is unknown (``None``) otherwise.

The fit says it has not converged (``converged=False`` with a ``reason``) when the record
is too short or too thin, when attention is flat (a constant explains it within its
noise), when the pulse does not stand out of the noise (an F-test against the S-curve alone,
and its height against its standard error), when the optimiser fails, or when
the peak cannot be placed (its interval is wider than the record, or it runs to the bound
of where the fit may put it: still rising).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Fewer periods with articles than this is too short to fit.
MIN_FIT_PERIODS = 8
#: Fewer topic articles than this over the record is too thin to fit.
MIN_FIT_ARTICLES = 20
#: The pulse's centre may lie at most this fraction of the record's length after its end.
AHEAD = 0.5
Z95 = 1.959964
PARAM_NAMES = ("A", "mu", "sigma", "K", "t0", "tau")


@dataclass
class HypeFit:
    """The result of :func:`fit_hype_curve` (see the module docstring)."""

    converged: bool
    reason: str | None
    peak_date: dt.date | None
    peak_lo: dt.date | None
    peak_hi: dt.date | None
    peak_passed: bool | None
    params: dict = field(default_factory=dict)
    rmse: float | None = None
    fitted: pd.Series | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``converged, reason, peak_date, peak_lo, peak_hi, peak_passed, params,
        rmse, fitted`` (``{period: share}``), ``model``."""
        def iso(d):
            return None if d is None else d.isoformat()

        return {"converged": self.converged, "reason": self.reason, "peak_date": iso(self.peak_date),
                "peak_lo": iso(self.peak_lo), "peak_hi": iso(self.peak_hi), "peak_passed": self.peak_passed,
                "params": {k: (None if v is None else (round(v, 6) if isinstance(v, float) else v))
                           for k, v in self.params.items()},
                "rmse": None if self.rmse is None else round(self.rmse, 8),
                "fitted": None if self.fitted is None else {str(k): round(float(v), 8)
                                                            for k, v in self.fitted.items()},
                "model": "A*exp(-((t-mu)/sigma)^2/2) + K*exp(-exp(-(t-t0)/tau)), t in periods since the first"}


def _model(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    a, mu, sigma, k, t0, tau = p
    return a * np.exp(-0.5 * ((t - mu) / sigma) ** 2) + k * np.exp(-np.exp(-(t - t0) / tau))


def _jacobian(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """d model / d (A, mu, sigma, K, t0, tau), one row per period."""
    a, mu, sigma, k, t0, tau = p
    z = (t - mu) / sigma
    g = np.exp(-0.5 * z ** 2)
    e = np.exp(-(t - t0) / tau)
    h = np.exp(-e)
    return np.column_stack([g, a * g * z / sigma, a * g * z ** 2 / sigma, h, -k * h * e / tau,
                            -k * h * e * (t - t0) / tau ** 2])


def _not(reason: str, **kw) -> HypeFit:
    return HypeFit(converged=False, reason=reason, peak_date=None, peak_lo=None, peak_hi=None, peak_passed=None,
                   **kw)


def fit_hype_curve(traj) -> HypeFit:
    """Fit the pulse-plus-Gompertz hype curve to a trajectory's attention (module docstring).

    Uses the trajectory's ``topic_articles`` and ``articles`` per period (periods before
    the first article are left out) and its ``as_of`` date for ``peak_passed``.
    """
    f = traj.frame
    return fit_counts(list(f["period"]), f["topic_articles"].to_numpy(), f["articles"].to_numpy(),
                      starts=list(f["start"]), ends=list(f["end"]), as_of=traj.as_of)


def fit_counts(labels: list[str], k, n, *, starts: list[dt.date], ends: list[dt.date], as_of: dt.date
               ) -> HypeFit:
    """:func:`fit_hype_curve` on plain arrays: topic articles ``k`` of all articles ``n`` per
    period, the periods' labels, first and last days, and the as-of date."""
    from scipy.optimize import least_squares

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if not (len(labels) == len(k) == len(n) == len(starts) == len(ends)):
        raise ValueError("fit_counts: labels, k, n, starts and ends must have one entry per period")
    has = np.flatnonzero(n > 0)
    if not len(has):
        return _not("no article in the record: nothing to fit")
    first = int(has[0])
    k, n = k[first:], n[first:]
    labels, starts, ends = labels[first:], starts[first:], ends[first:]
    t_all = np.arange(len(k), dtype=float)
    ok = n > 0
    t, kk, nn = t_all[ok], k[ok], n[ok]
    p_obs = kk / nn
    if len(t) < MIN_FIT_PERIODS:
        return _not(f"too few periods to fit: {len(t)} with articles, at least {MIN_FIT_PERIODS} needed")
    if kk.sum() < MIN_FIT_ARTICLES:
        return _not(f"too thin to fit: {int(kk.sum())} topic articles, at least {MIN_FIT_ARTICLES} needed")

    # flat? a constant share explains the counts within binomial noise (chi-square test)
    from scipy.stats import chi2

    p_bar = kk.sum() / nn.sum()
    se_bar = np.sqrt(p_bar * (1 - p_bar) / nn)
    chi_const = float((((p_obs - p_bar) / se_bar) ** 2).sum())
    p_flat = float(chi2.sf(chi_const, len(t) - 1))
    if p_flat > 0.05:
        return _not(f"flat: a constant share explains attention within its noise (chi-square p = {p_flat:.2f}); "
                    "no rise to fit")

    span = float(len(t_all))
    top = float(p_obs.max())
    lower = np.array([0.0, -0.25 * span, 0.5, 0.0, -span, 0.5])
    upper = np.array([3 * top, (span - 1) + AHEAD * span, span, 3 * top, 2 * span, span])
    starts_p = []
    peak_at = float(t[int(np.argmax(p_obs))])
    for mu0 in sorted({peak_at, 0.35 * span, 0.7 * span, span}):
        for share_k in (0.0, 0.4):
            starts_p.append([top, mu0, span / 6, share_k * top, mu0 + span / 6, max(1.0, span / 8)])

    def residuals(p, w):
        return (p_obs - _model(t, p)) / w

    def jac(p, w):
        return -_jacobian(t, p) / w[:, None]

    w0 = np.sqrt(np.maximum(p_obs, 0.5 / nn) * (1 - p_obs) / nn)
    best = None
    for p0 in starts_p:
        p0 = np.clip(np.asarray(p0, dtype=float), lower + 1e-9, upper - 1e-9)
        res = least_squares(residuals, p0, jac=jac, args=(w0,), bounds=(lower, upper), method="trf",
                            x_scale="jac", max_nfev=400)
        if res.status > 0 and (best is None or res.cost < best.cost):
            best = res
    if best is None:
        return _not("the optimiser failed from every starting point")
    w = w0
    for _ in range(2):  # re-weight at the fitted share
        fit_p = np.clip(_model(t, best.x), 0.25 / nn, 1 - 1e-9)
        w = np.sqrt(fit_p * (1 - fit_p) / nn)
        again = least_squares(residuals, best.x, jac=jac, args=(w,), bounds=(lower, upper), method="trf",
                              x_scale="jac", max_nfev=400)
        if again.status <= 0:
            return _not(f"the optimiser failed when re-weighting: {again.message}")
        best = again
    best = (best, w)
    res, w = best
    p = res.x
    fitted_all = pd.Series(_model(t_all, p), index=labels, name="attention_fit")
    rmse = float(np.sqrt(np.mean((p_obs - _model(t, p)) ** 2)))
    params = dict(zip(PARAM_NAMES, (float(v) for v in p)))
    dof = max(1, len(t) - len(p))
    dispersion = max(1.0, float((res.fun ** 2).sum()) / dof)
    jac = res.jac
    try:
        cov = np.linalg.pinv(jac.T @ jac) * dispersion
    except np.linalg.LinAlgError:
        return _not("the peak cannot be placed: the fit's covariance is singular", params=params, rmse=rmse,
                    fitted=fitted_all)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    params.update({f"se_{k}": float(v) for k, v in zip(PARAM_NAMES, se)})
    params["dispersion"] = dispersion
    mu, se_mu, a, se_a = p[1], se[1], p[0], se[0]
    kw = {"params": params, "rmse": rmse, "fitted": fitted_all}
    if not np.isfinite(se_mu) or not np.isfinite(se_a):
        return _not("the peak cannot be placed: the fit's uncertainty is undefined", **kw)
    p_pulse = _pulse_test(t, p_obs, w, res, lower, upper)
    params["pulse_p"] = p_pulse
    if p_pulse > 0.05:
        return _not("no pulse stands out of the noise: an S-curve alone explains attention as well (F-test "
                    f"p = {p_pulse:.2f}); it rises or levels off without a peak the data can place", **kw)
    if a < 2 * se_a or a < 1e-12:
        return _not("no pulse stands out of the noise: attention rises or falls without a peak the data can "
                    f"place (pulse height {a:.3g} +- {se_a:.2g})", **kw)
    if mu >= upper[1] - 1e-3 * span or mu <= lower[1] + 1e-3 * span:
        return _not("the peak lies beyond what the record can place (the fit runs to its bound): "
                    "attention may still be rising", **kw)
    if 2 * Z95 * se_mu > span:
        return _not(f"the peak cannot be placed: its 95% interval spans {2 * Z95 * se_mu:.1f} periods, more "
                    f"than the record's {int(span)}", **kw)
    lo, hi = mu - Z95 * se_mu, mu + Z95 * se_mu
    to_date = _period_clock(starts, ends)
    now = _date_to_t(as_of, starts, ends)
    passed = True if hi < now else (False if lo > now else None)
    params["peak_period"] = _label_at(mu, labels)
    return HypeFit(converged=True, reason=None, peak_date=to_date(mu), peak_lo=to_date(lo), peak_hi=to_date(hi),
                   peak_passed=passed, **kw)


def _pulse_test(t, p_obs, w, full, lower, upper) -> float:
    """p-value of the F-test of the pulse: does the full model fit better than the Gompertz
    S-curve alone (same weights) by more than its three extra parameters would by chance?"""
    from scipy.optimize import least_squares
    from scipy.stats import f as f_dist

    lo, hi = lower[3:], upper[3:]

    def residuals(q):
        return (p_obs - _model(t, np.r_[0.0, 1.0, 1.0, q])) / w

    def jac(q):
        return -_jacobian(t, np.r_[0.0, 1.0, 1.0, q])[:, 3:] / w[:, None]

    span = float(t[-1] + 1)
    best = None
    for t0 in (0.25 * span, 0.5 * span, 0.75 * span):
        q0 = np.clip([float(p_obs.max()), t0, max(1.0, span / 8)], lo + 1e-9, hi - 1e-9)
        r = least_squares(residuals, q0, jac=jac, bounds=(lo, hi), method="trf", x_scale="jac", max_nfev=400)
        if best is None or r.cost < best.cost:
            best = r
    rss_s, rss_f = 2 * best.cost, 2 * full.cost
    dof = len(t) - 6
    if dof <= 0 or rss_f <= 0:
        return 0.0 if rss_s > rss_f else 1.0
    stat = max(0.0, (rss_s - rss_f) / 3) / (rss_f / dof)
    return float(f_dist.sf(stat, 3, dof))


def _period_clock(starts: list[dt.date], ends: list[dt.date]):
    """Map a (fractional) period index to a date: index i is the middle of period i (its
    share is read over the whole period), i - 0.5 its first day; beyond the record the
    median period length is extrapolated."""
    s0 = pd.Timestamp(starts[0])
    lengths = [(e - s).days + 1 for s, e in zip(starts, ends)]
    step = float(np.median(lengths))

    def to_date(x: float) -> dt.date:
        x = x + 0.5
        i = math.floor(x)
        if 0 <= i < len(starts):
            return (pd.Timestamp(starts[i]) + pd.Timedelta(days=(x - i) * lengths[i])).date()
        if i < 0:
            return (s0 + pd.Timedelta(days=x * step)).date()
        last = pd.Timestamp(ends[-1]) + pd.Timedelta(days=1)
        return (last + pd.Timedelta(days=(x - len(starts)) * step)).date()

    return to_date


def _date_to_t(d: dt.date, starts: list[dt.date], ends: list[dt.date]) -> float:
    for i, (s, e) in enumerate(zip(starts, ends)):
        if s <= d <= e:
            return i - 0.5 + ((d - s).days + 1) / ((e - s).days + 1)
    return float(len(starts)) - 0.5 if d > ends[-1] else -0.5


def _label_at(x: float, labels: list[str]) -> str | None:
    i = math.floor(x + 0.5)
    return labels[i] if 0 <= i < len(labels) else None


__all__ = ["HypeFit", "fit_counts", "fit_hype_curve"]
