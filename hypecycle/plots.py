"""Plots of trajectories, comparisons and reference cycles (matplotlib, Agg backend).

Each function draws one figure and writes it to a file whose suffix (``.png`` or
``.svg``) chooses the format; :func:`to_bytes` gives the same figure as bytes for the
report's self-contained HTML. Nothing here computes a signal: the figures show what the
frames hold, intervals included.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import UsageError

#: File suffixes a plot can be written to.
PLOT_FORMATS = (".png", ".svg")
PHASE_COLOURS = {"trigger": "#cfe8ff", "peak": "#ffd6d1", "trough": "#e3e3e3", "slope": "#d8f0d2",
                 "plateau": "#fff2c2"}
PHASE_NAMES = {"trigger": "innovation trigger", "peak": "peak of inflated expectations",
               "trough": "trough of disillusionment", "slope": "slope of enlightenment",
               "plateau": "plateau of productivity"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def check_plot_path(path: str | Path) -> Path:
    """The plot path if its suffix is one of :data:`PLOT_FORMATS`, else a UsageError."""
    p = Path(path)
    if p.suffix.lower() not in PLOT_FORMATS:
        raise UsageError(f"{path}: a plot is written as .png or .svg; got {p.suffix or 'no suffix'!r}")
    return p


def save(fig, path: str | Path) -> Path:
    """Write a figure to ``path`` (PNG or SVG by suffix) and close it."""
    p = check_plot_path(path)
    plt = _plt()
    try:
        fig.savefig(p, dpi=110, bbox_inches="tight", metadata=_metadata(p))
    except OSError as e:
        raise UsageError(f"{path}: cannot write the plot: {e.strerror or e}") from None
    finally:
        plt.close(fig)
    return p


def _metadata(p: Path) -> dict[str, Any]:
    # fixed metadata so that the same data gives the same file
    if p.suffix.lower() == ".svg":
        return {"Date": None}
    return {"Software": "hypecycle"}


def to_bytes(fig, fmt: str = "png") -> bytes:
    """A figure as PNG or SVG bytes (closed afterwards)."""
    plt = _plt()
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format=fmt, dpi=100, bbox_inches="tight",
                    metadata={"Date": None} if fmt == "svg" else {"Software": "hypecycle"})
    finally:
        plt.close(fig)
    return buf.getvalue()


def _x(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(frame["start"]).to_numpy()


#: Intervals of shares among a topic's articles are drawn only where the period has at least
#: this many topic articles (below it they span most of [0, 1] and hide the series).
BAND_MIN_ARTICLES = 5


def _band(ax, x, lo, hi, colour: str, mask=None) -> None:
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    ok = ~(np.isnan(lo) | np.isnan(hi))
    if mask is not None:
        ok &= np.asarray(mask, dtype=bool)
    if ok.any():
        ax.fill_between(x, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), color=colour, alpha=0.2,
                        linewidth=0, step=None)


def trajectory_figure(traj, phases: pd.DataFrame | None = None):
    """Four panels over the trajectory's periods: attention (with its 95% interval and the
    smoothed series), money and exits, failures and language, dilution. ``phases`` (columns
    ``start``, ``end``, ``phase``) shades phase spans, e.g. a backtest's calls."""
    plt = _plt()
    f = traj.frame
    x = _x(f)
    fig, axes = plt.subplots(4, 1, figsize=(10, 10.5), sharex=True)
    ax = axes[0]
    ax.plot(x, f["attention"] * 100, color="#1f5fa8", marker="o", ms=3, lw=1.2, label="attention")
    _band(ax, x, f["attention_lo"] * 100, f["attention_hi"] * 100, "#1f5fa8")
    if f["attention_smooth"].notna().any():
        ax.plot(x, f["attention_smooth"] * 100, color="#0b2f57", lw=2, label=f"trailing {traj.smooth}-period")
    ax.set_ylabel("% of all articles")
    ax.set_title(f"{traj.topic}: trajectory as of {traj.as_of} ({traj.freq})", loc="left")
    ax.legend(loc="upper left", fontsize=8)
    ax2 = ax.twinx()
    ax2.bar(x, f["topic_articles"], width=_width(f), color="#1f5fa8", alpha=0.15)
    ax2.set_ylabel("topic articles", color="#557")

    ax = axes[1]
    w = _width(f)
    ax.bar(x, f["funding"], width=w, color="#2e8b57", label="funding rounds")
    ax.bar(x, f["ipo"], width=w, bottom=f["funding"], color="#9acd32", label="IPOs")
    ax.bar(x, f["acquisition"], width=w, bottom=f["funding"] + f["ipo"], color="#daa520", label="acquisitions")
    ax.set_ylabel("events")
    ax.legend(loc="upper left", fontsize=8)
    ax3 = ax.twinx()
    usd = f["funding_usd"] / 1e9
    ax3.plot(x, usd, color="#145a32", lw=1.5, marker=".", label="funding $bn")
    ax3.set_ylabel("funding, $bn", color="#145a32")

    ax = axes[2]
    ax.bar(x, f["bankruptcy"], width=w, color="#8b0000", label="bankruptcies")
    ax.bar(x, f["shutdown"], width=w, bottom=f["bankruptcy"], color="#cd5c5c", label="shutdowns")
    ax.bar(x, f["layoff"], width=w, bottom=f["bankruptcy"] + f["shutdown"], color="#f4a460", label="layoffs")
    ax.set_ylabel("failure events")
    ax.legend(loc="upper left", fontsize=8)
    ax4 = ax.twinx()
    enough = f["topic_articles"].to_numpy() >= BAND_MIN_ARTICLES
    for col, colour, name in (("hype", "#d2691e", "hype-cue share"), ("skeptic", "#4b0082", "sceptic-cue share")):
        ax4.plot(x, f[f"{col}_share"] * 100, color=colour, lw=1.3, label=name)
        _band(ax4, x, f[f"{col}_lo"] * 100, f[f"{col}_hi"] * 100, colour, enough)
        ax4.plot(x, f[f"corpus_{col}_share"] * 100, color=colour, lw=0.8, ls=":", label=f"{name}, corpus")
    ax4.set_ylabel("% of topic articles")
    ax4.legend(loc="upper right", fontsize=7, title=f"95% bands where {BAND_MIN_ARTICLES}+ topic articles",
               title_fontsize=7)

    ax = axes[3]
    ax.plot(x, f["peripheral_share"] * 100, color="#6a5acd", lw=1.3, label="peripheral share (dilution)")
    _band(ax, x, f["peripheral_lo"] * 100, f["peripheral_hi"] * 100, "#6a5acd", enough)
    ax.set_ylabel("% of topic articles")
    ax.legend(loc="upper left", fontsize=8)
    ax5 = ax.twinx()
    ax5.plot(x, f["companies"], color="#444", lw=1, marker=".", label="companies named")
    ax5.plot(x, f["new_companies"], color="#999", lw=1, ls="--", label="named for the first time")
    ax5.set_ylabel("companies")
    ax5.legend(loc="upper right", fontsize=7)
    if phases is not None and len(phases):
        for axx in axes:
            shade_phases(axx, phases)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _width(frame: pd.DataFrame) -> float:
    if len(frame) < 2:
        return 20.0
    days = (pd.to_datetime(frame["end"]) - pd.to_datetime(frame["start"])).dt.days.median()
    return float(days) * 0.8


def shade_phases(ax, phases: pd.DataFrame, *, label: bool = False) -> None:
    """Shade each ``start``-``end`` span of ``phases`` in its phase's colour."""
    seen = set()
    for row in phases.itertuples():
        colour = PHASE_COLOURS.get(row.phase, "#eeeeee")
        name = row.phase if label and row.phase not in seen else None
        seen.add(row.phase)
        ax.axvspan(pd.Timestamp(row.start), pd.Timestamp(row.end), color=colour, alpha=0.45, lw=0, label=name,
                   zorder=0)


def save_trajectory(traj, path: str | Path, phases: pd.DataFrame | None = None) -> Path:
    """Draw :func:`trajectory_figure` and write it to ``path``."""
    check_plot_path(path)
    return save(trajectory_figure(traj, phases), path)


#: Where each phase lies along the canonical curve's time axis (0 to 1).
PHASE_SPANS = {"trigger": (0.0, 0.2), "peak": (0.2, 0.34), "trough": (0.34, 0.52), "slope": (0.52, 0.78),
               "plateau": (0.78, 1.0)}


def canonical_curve(x: np.ndarray) -> np.ndarray:
    """The familiar hype-cycle shape (a pulse plus an S-curve) on x in [0, 1], height in [0, 1]."""
    pulse = np.exp(-0.5 * ((x - 0.27) / 0.075) ** 2)
    s_curve = 0.55 / (1 + np.exp(-(x - 0.66) / 0.06))
    return pulse + s_curve


def curve_position(probabilities: dict[str, float]) -> tuple[float, float]:
    """A topic's place along the curve from its phase probabilities: the probability-weighted
    mean of the phases' centres, and its standard deviation (the horizontal uncertainty)."""
    centres = {k: (a + b) / 2 for k, (a, b) in PHASE_SPANS.items()}
    mean = sum(probabilities.get(k, 0.0) * c for k, c in centres.items())
    var = sum(probabilities.get(k, 0.0) * (c - mean) ** 2 for k, c in centres.items())
    return float(mean), float(np.sqrt(var))


#: A label that would overlap one drawn before it is raised by this many points at a time,
#: at most to this height above its topic.
LABEL_STEP = 4
LABEL_RISE_MAX = 240


def hype_cycle_figure(calls: list[dict], title: str = ""):
    """The hype-cycle curve with each topic placed from the model's output.

    ``calls``: ``{"topic", "phase", "probabilities", "confidence"}`` each. The dot sits at the
    probability-weighted position along the curve; the bar spans one standard deviation of
    that position; the label gives the called phase and its probability.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 6))
    x = np.linspace(0, 1, 500)
    y = canonical_curve(x)
    ax.plot(x, y, color="#333", lw=2.2)
    for phase, (a, b) in PHASE_SPANS.items():
        ax.axvspan(a, b, color=PHASE_COLOURS[phase], alpha=0.5, lw=0)
        ax.text((a + b) / 2, -0.07, PHASE_NAMES[phase].replace(" of ", "\nof "), ha="center", va="top", fontsize=8.5)
    labels = []
    for c in sorted(calls, key=lambda c: curve_position(c["probabilities"])[0]):
        mx, sd = curve_position(c["probabilities"])
        my = float(canonical_curve(np.array([mx]))[0])
        ax.errorbar([mx], [my], xerr=[[sd], [sd]], fmt="o", color="#1f5fa8", ms=8, capsize=4, lw=1.2, zorder=5)
        labels.append(ax.annotate(f"{c['topic']}\n{c['phase']} {c['confidence']:.0%}", (mx, my), xytext=(8, 10),
                                  textcoords="offset points", fontsize=9, color="#0b2f57",
                                  arrowprops={"arrowstyle": "-", "color": "#999", "lw": 0.6}))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.25, 1.35)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("time (phases along the curve)")
    ax.set_ylabel("expectations")
    ax.set_title(title or "Where each topic stands, placed by the phase model", loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    _unstack(fig, labels)
    return fig


def _unstack(fig, labels) -> None:
    """Raise each label (left to right) until it overlaps none placed before it, so that topics
    close on the curve keep readable labels."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()

    def text_box(label):  # the text alone: an annotation's own extent takes in its arrow
        return Text.get_window_extent(label, renderer)

    placed = []
    for label in labels:
        x, y = label.xyann
        box = text_box(label)
        while any(box.overlaps(b) for b in placed) and y < LABEL_RISE_MAX:
            y += LABEL_STEP
            label.xyann = (x, y)
            box = text_box(label)
        placed.append(box)


def backtest_figure(bt):
    """The topic's attention as of the backtest's end, with each step's call shaded in its
    phase's colour, and the labels (where given) marked above."""
    plt = _plt()
    traj = bt.trajectory
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    steps = bt.steps.dropna(subset=["phase"])
    dates = pd.to_datetime(steps["as_of"])
    prev = None
    for d, ph in zip(dates, steps["phase"]):
        start = prev if prev is not None else d - pd.Timedelta(days=91)
        ax.axvspan(start, d, color=PHASE_COLOURS.get(ph, "#eee"), alpha=0.6, lw=0)
        prev = d
    if traj is not None:
        f = traj.frame
        x = pd.to_datetime(f["end"])
        ax.plot(x, f["attention"] * 100, color="#1f5fa8", marker="o", ms=3, lw=1.2)
        _band(ax, x.to_numpy(), f["attention_lo"] * 100, f["attention_hi"] * 100, "#1f5fa8")
    ax.set_ylabel("attention, % of articles")
    acc = f"accuracy {bt.accuracy:.0%} on {int(steps['label'].notna().sum())} labelled steps" \
        if bt.accuracy is not None else "no labels"
    ax.set_title(f"{bt.spec.name}: phase called at each step with what was known then ({acc})", loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=PHASE_COLOURS[p], alpha=0.6) for p in PHASE_COLOURS]
    ax.legend(handles, list(PHASE_COLOURS), loc="upper left", fontsize=8, title="called", title_fontsize=8)
    order = {p: i for i, p in enumerate(PHASE_COLOURS)}
    ax2.plot(dates, [order[p] for p in steps["phase"]], drawstyle="steps-post", color="#333", lw=1.5, label="called")
    lab = steps.dropna(subset=["label"])
    if len(lab):
        ax2.scatter(pd.to_datetime(lab["as_of"]), [order[p] for p in lab["label"]], color="#c0392b", marker="x",
                    s=30, zorder=5, label="label")
    ax2.set_yticks(range(len(order)), list(order))
    ax2.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# comparisons and reference cycles
# ---------------------------------------------------------------------------------------------

ANALOG_COLOURS = ("#c0392b", "#8e44ad", "#16a085", "#d35400", "#2c3e50")


def _phase_legend(ax, phases) -> None:
    from matplotlib.patches import Patch

    seen = list(dict.fromkeys(phases))
    handles = [Patch(color=PHASE_COLOURS.get(p, "#eeeeee"), alpha=0.6, label=PHASE_NAMES.get(p, p)) for p in seen]
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=7, ncol=len(handles), frameon=False,
                  bbox_to_anchor=(0, 1.0))


def compare_figure(traj, comparison, cycles):
    """The topic's attention (95% interval, the hype-curve fit and its peak interval when it
    converged) with each analog laid on the topic's time axis (rescaled, its course after the
    matched position dashed), then one panel per analog with its phases shaded on that axis."""
    from .compare import overlay, overlay_phases

    plt = _plt()
    by_id = {c.id: c for c in cycles}
    analogs = [a for a in comparison.analogs if a.cycle in by_id]
    f = traj.frame
    x = _x(f) + np.timedelta64(45, "D")
    rows = 1 + len(analogs)
    fig, axes = plt.subplots(rows, 1, figsize=(10, 3.4 + 2.9 * len(analogs)), sharex=True, squeeze=False)
    axes = axes[:, 0]
    ax = axes[0]
    ax.plot(x, f["attention"] * 100, color="#1f5fa8", marker="o", ms=3, lw=1.4, label=f"{traj.topic}: attention")
    _band(ax, x, f["attention_lo"] * 100, f["attention_hi"] * 100, "#1f5fa8")
    fit = comparison.fit
    if fit is not None and fit.fitted is not None:
        fx = [x[list(f["period"]).index(p)] for p in fit.fitted.index if p in set(f["period"])]
        ax.plot(fx, fit.fitted.to_numpy()[-len(fx):] * 100, color="black", lw=1.2, ls="--",
                label="hype-curve fit" + ("" if fit.converged else " (no peak placed)"))
        if fit.converged:
            ax.axvspan(pd.Timestamp(fit.peak_lo), pd.Timestamp(fit.peak_hi), color="#999999", alpha=0.25, lw=0,
                       label=f"fitted peak {fit.peak_date} (95%)")
    laid = {}
    for k, a in enumerate(analogs):
        lay = overlay(traj, a, by_id[a.cycle])
        laid[a.cycle] = lay
        colour = ANALOG_COLOURS[k % len(ANALOG_COLOURS)]
        m = lay[lay["part"] == "matched"]
        after = lay[lay["part"] != "matched"]
        ax.plot(m["date"], m["value"] * 100, color=colour, lw=1.6,
                label=f"{a.cycle} at {a.position} (similarity {a.similarity:.2f})")
        if len(after):
            ax.plot(pd.concat([m["date"].tail(1), after["date"]]), pd.concat([m["value"].tail(1), after["value"]]) * 100,
                    color=colour, lw=1.6, ls=":")
    ax.axvline(pd.Timestamp(traj.as_of), color="#333", lw=1, ls="-")
    ax.text(pd.Timestamp(traj.as_of), ax.get_ylim()[1], " as of", fontsize=8, va="top")
    ax.set_ylabel("% of all articles")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{traj.topic} as of {traj.as_of}: attention and its closest reference cycles "
                 "(dotted: what the cycle did next)", loc="left", fontsize=10)
    ax.legend(loc="upper left", fontsize=7.5)
    if not analogs:
        ax.text(0.5, 0.5, "no analog: " + ("; ".join(comparison.caveats[:1]) or "none usable"),
                transform=ax.transAxes, ha="center", fontsize=9, wrap=True)
    for k, a in enumerate(analogs):
        ax = axes[k + 1]
        cycle = by_id[a.cycle]
        colour = ANALOG_COLOURS[k % len(ANALOG_COLOURS)]
        lay = laid[a.cycle]
        ph = overlay_phases(a, cycle, lay)
        shade_phases(ax, ph)
        _phase_legend(ax, list(ph["phase"]))
        ax.plot(x, f["attention"] * 100, color="#1f5fa8", lw=1, alpha=0.6)
        m = lay[lay["part"] == "matched"]
        after = lay[lay["part"] != "matched"]
        ax.plot(m["date"], m["value"] * 100, color=colour, lw=1.8)
        if len(after):
            ax.plot(pd.concat([m["date"].tail(1), after["date"]]), pd.concat([m["value"].tail(1), after["value"]]) * 100,
                    color=colour, lw=1.8, ls=":")
        for d, lab in ((m["date"].iloc[0], m["period"].iloc[0]), (m["date"].iloc[-1], m["period"].iloc[-1])):
            ax.annotate(lab, (d, float(m.loc[m["date"] == d, "value"].iloc[0]) * 100), fontsize=7, color=colour,
                        xytext=(0, 6), textcoords="offset points", ha="center")
        ax.axvline(pd.Timestamp(traj.as_of), color="#333", lw=1)
        nt = a.next_turn
        nxt = (f"next: {nt['to_phase']} on {nt['date']}, {nt['periods_ahead']} quarter(s) on" if nt
               else "no turning point after it in the record")
        ax.set_title(f"{a.cycle} {a.stretch[0]}..{a.stretch[1]} (similarity {a.similarity:.2f}): now in its "
                     f"{PHASE_NAMES.get(a.phase, a.phase or 'unknown phase')}; {nxt}", loc="left", fontsize=9)
        ax.set_ylabel("% (rescaled)")
        ax.set_ylim(bottom=0, top=max(1e-9, ax.get_ylim()[1]) * 1.25)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def save_comparison(traj, comparison, cycles, path: str | Path) -> Path:
    """Draw :func:`compare_figure` and write it to ``path``."""
    check_plot_path(path)
    return save(compare_figure(traj, comparison, cycles), path)


#: Panels of a cycle figure: title, signals, scale (values are multiplied by it), how drawn
#: ("line": one axis; "step": counts as steps on one axis; "twin": each signal on its own axis).
CYCLE_PANELS = (
    ("attention, % of all articles", ("attention", "nyt_attention"), 100, "line"),
    ("language, % of the topic's articles", ("skeptic_share", "hype_share"), 100, "line"),
    ("events a quarter", ("funding", "acquisition", "listed_funding", "listed_ipos", "listed_failures",
                          "telecom_bankruptcies", "failures"), 1, "step"),
    ("US IPOs a quarter (the year's count spread)", ("ipo_count",), 1, "step"),
    ("money a quarter, USD bn", ("funding_usd", "ipo_proceeds_usd", "telecom_vc_usd"), 1e-9, "line"),
    ("spending a year, USD bn", ("equipment_spending_usd", "carrier_capex_usd"), 1e-9, "line"),
    ("market and shares (each on its own axis)", ("nasdaq", "ipo_first_day_return", "funding_share"), 1, "twin"),
)


def cycle_figure(cycle):
    """A reference cycle's signals, grouped in panels, with its phases shaded and its turning
    points marked; panels whose series the cycle lacks are left out."""
    plt = _plt()
    series = cycle.series
    x = series.index.to_timestamp(how="start") + pd.Timedelta(days=45)
    panels = [(t, [s for s in sigs if s in series and series[s].notna().any()], scale, how)
              for t, sigs, scale, how in CYCLE_PANELS]
    panels = [p for p in panels if p[1]]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 1.4 + 2.0 * len(panels)), sharex=True, squeeze=False)
    axes = axes[:, 0]
    phases = cycle.phases.assign(start=pd.to_datetime(cycle.phases["start"]), end=pd.to_datetime(cycle.phases["end"]))
    for ax, (title, sigs, scale, how) in zip(axes, panels):
        shade_phases(ax, phases)
        for row in cycle.turning_points().itertuples():
            ax.axvline(pd.Timestamp(row.date), color="#555", lw=0.8, ls="--")
        handles = []
        for k, sig in enumerate(sigs):
            target = ax
            if how == "twin" and k > 0:
                target = ax.twinx()
                target.spines["right"].set_position(("axes", 1 + 0.09 * (k - 1)))
            values = series[sig] * scale
            if how == "step":
                (h,) = target.step(x, values, where="mid", lw=1.4, color=f"C{k}", label=sig)
            else:
                (h,) = target.plot(x, values, marker=".", ms=4, lw=1.4, color=f"C{k}", label=sig)
            handles.append(h)
            if how == "twin":
                target.set_ylabel(sig, color=f"C{k}", fontsize=7)
                target.tick_params(axis="y", labelsize=7, colors=f"C{k}")
        ax.set_title(title, loc="left", fontsize=9)
        ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.8)
    top = axes[0]
    for row in cycle.turning_points().itertuples():
        top.annotate(f"{row.to_phase} {row.date}", (pd.Timestamp(row.date), 1.0), xycoords=("data", "axes fraction"),
                     fontsize=7, ha="left", va="top", xytext=(2, -2), textcoords="offset points")
    fig.suptitle(f"{cycle.id}: {cycle.name}", x=0.01, ha="left", fontsize=11)
    from matplotlib.patches import Patch

    seen = list(dict.fromkeys(cycle.phases["phase"]))
    fig.legend(handles=[Patch(color=PHASE_COLOURS.get(p, "#eee"), alpha=0.6, label=PHASE_NAMES.get(p, p))
                        for p in seen], loc="lower center", ncol=len(seen), fontsize=8, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def save_cycle(cycle, path: str | Path) -> Path:
    """Draw :func:`cycle_figure` and write it to ``path``."""
    check_plot_path(path)
    return save(cycle_figure(cycle), path)


__all__ = ["PHASE_COLOURS", "PHASE_NAMES", "PHASE_SPANS", "PLOT_FORMATS", "backtest_figure", "canonical_curve",
           "check_plot_path", "compare_figure", "curve_position", "cycle_figure", "hype_cycle_figure", "save",
           "save_comparison", "save_cycle", "save_trajectory", "shade_phases", "to_bytes", "trajectory_figure"]
