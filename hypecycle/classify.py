"""The phase classifier: features of a trajectory as of a date, the estimator, training data,
evaluation that cannot flatter, and persistence that cannot run foreign code.

Features (:data:`FEATURE_NAMES`) are computed from a trajectory frame up to its last row
(the as-of period) and, optionally, from the hype-curve fit and the analog comparison of
the same trajectory. They are scale-free (shares, ratios, logs of ratios), so that a
model learnt on one corpus and its topic sizes applies to another.

The estimator, :class:`PhaseClassifier`, follows the scikit-learn contract: a Pipeline
(median imputation, scaling, multinomial logistic regression or gradient boosting)
inside :class:`~sklearn.calibration.CalibratedClassifierCV`, so its probabilities are
calibrated.

Models are saved with skops (:func:`save_model`), which records every type in the file;
:func:`load_model` refuses any file holding a type outside :data:`TRUSTED_TYPES`, and
refuses pickle/joblib files unless ``trust=True``. A JSON model card sits beside each model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y

from .errors import LabelError, ModelError, UntrustedModelError
from .labels import PHASE_ORDER, PHASES

EPS = 1e-6

#: Feature groups; a model card records which a model used.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "attention": ("att_vs_max", "periods_since_max", "growth_1", "growth_2", "growth_4", "accel",
                  "att_vs_low_since_max", "age", "log_topic_articles"),
    "events": ("failure_share", "failure_share_change", "failure_rate", "failure_momentum", "funding_rate",
               "funding_momentum", "large_round_share", "ipo_rate", "acquisition_rate"),
    "language": ("hype_lift", "skeptic_lift", "hype_change", "skeptic_change"),
    "dilution": ("peripheral_share", "peripheral_change", "new_company_share"),
    "fit": ("fit_converged", "fit_peak_passed", "fit_since_peak"),
    "analog": ("analog_trigger", "analog_peak", "analog_trough", "analog_slope", "analog_plateau",
               "analog_similarity"),
}
FEATURE_NAMES: tuple[str, ...] = tuple(f for names in FEATURE_GROUPS.values() for f in names)


# ---------------------------------------------------------------------------------------------
# features
# ---------------------------------------------------------------------------------------------

def _pooled(k: np.ndarray, n: np.ndarray, end: int, w: int) -> float:
    """Pooled share of the ``w`` periods ending at index ``end`` (inclusive); NaN when empty."""
    lo = max(0, end - w + 1)
    if end < 0:
        return math.nan
    nn = float(np.nansum(n[lo:end + 1]))
    return float(np.nansum(k[lo:end + 1])) / nn if nn > 0 else math.nan


def _lr(a: float, b: float, eps: float) -> float:
    """log((a + eps) / (b + eps)), NaN if either is NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return math.log((a + eps) / (b + eps))


def _sum(x: np.ndarray, end: int, w: int) -> float:
    lo = max(0, end - w + 1)
    return float(np.nansum(x[lo:end + 1])) if end >= 0 else 0.0


def frame_features(frame: pd.DataFrame) -> dict[str, float]:
    """The attention, events, language and dilution features of a trajectory frame, as of its
    last row. Only rows up to the last are read."""
    f = frame
    n = len(f)
    if n == 0:
        return {name: math.nan for names in list(FEATURE_GROUPS.values())[:4] for name in names}
    K = f["topic_articles"].to_numpy(dtype=float)
    N = f["articles"].to_numpy(dtype=float)
    now = n - 1
    # attention, pooled over two periods against thin counts
    a2 = np.array([_pooled(K, N, i, 2) for i in range(n)])
    level = float(np.nanmean(a2)) if np.isfinite(a2).any() else 0.0
    eps = max(level * 0.05, 1e-7)
    finite = np.where(np.isfinite(a2), a2, -np.inf)
    i_max = int(np.argmax(finite))
    a_max = float(a2[i_max]) if np.isfinite(a2[i_max]) else math.nan
    nonzero = np.where(K > 0)[0]
    first = int(nonzero[0]) if len(nonzero) else now
    out: dict[str, float] = {}
    out["att_vs_max"] = _lr(a2[now], a_max, eps)
    out["periods_since_max"] = min(now - i_max, 20) / 20.0
    for w in (1, 2, 4):
        out[f"growth_{w}"] = _lr(_pooled(K, N, now, w), _pooled(K, N, now - w, w), eps) if now - w >= 0 else 0.0
    g_now = _lr(_pooled(K, N, now, 2), _pooled(K, N, now - 2, 2), eps) if now >= 2 else 0.0
    g_before = _lr(_pooled(K, N, now - 2, 2), _pooled(K, N, now - 4, 2), eps) if now >= 4 else 0.0
    out["accel"] = g_now - g_before
    low = float(np.nanmin(a2[i_max:now + 1])) if now >= i_max else math.nan
    out["att_vs_low_since_max"] = _lr(a2[now], low, eps)
    out["age"] = math.log1p(max(0, now - first))
    out["log_topic_articles"] = math.log1p(_sum(K, now, 4))

    ev = f["events"].to_numpy(dtype=float)
    fail = f["failures"].to_numpy(dtype=float)
    fund = f["funding"].to_numpy(dtype=float)
    k4, k4p = _sum(K, now, 4), _sum(K, now - 4, 4)
    e4, e4p = _sum(ev, now, 4), _sum(ev, now - 4, 4)
    f4, f4p = _sum(fail, now, 4), _sum(fail, now - 4, 4)
    out["failure_share"] = (f4 + 0.5) / (e4 + 2.0)
    out["failure_share_change"] = out["failure_share"] - (f4p + 0.5) / (e4p + 2.0)
    out["failure_rate"] = f4 / (k4 + 1.0)
    out["failure_momentum"] = math.log((f4 + 1) / (f4p + 1))
    fu4, fu4p = _sum(fund, now, 4), _sum(fund, now - 4, 4)
    out["funding_rate"] = fu4 / (k4 + 1.0)
    out["funding_momentum"] = math.log((fu4 + 1) / (fu4p + 1))
    out["large_round_share"] = (_sum(f["rounds_100m"].to_numpy(dtype=float), now, 4) + 0.1) / (fu4 + 1.0)
    out["ipo_rate"] = _sum(f["ipo"].to_numpy(dtype=float), now, 4) / (k4 + 1.0)
    out["acquisition_rate"] = _sum(f["acquisition"].to_numpy(dtype=float), now, 4) / (k4 + 1.0)

    for cue in ("hype", "skeptic"):
        c = f[f"{cue}_articles"].to_numpy(dtype=float)
        base = f[f"corpus_{cue}_share"].to_numpy(dtype=float)
        share = (_sum(c, now, 4) + 0.5) / (k4 + 1.0)
        share_p = (_sum(c, now - 4, 4) + 0.5) / (k4p + 1.0)
        b = float(np.nanmean(base[max(0, now - 3):now + 1])) if np.isfinite(base[max(0, now - 3):now + 1]).any() \
            else math.nan
        out[f"{cue}_lift"] = math.log(share / (b + 0.01)) if not math.isnan(b) else 0.0
        out[f"{cue}_change"] = share - share_p
    per = f["peripheral_articles"].to_numpy(dtype=float)
    known = f["topic_articles"].to_numpy(dtype=float)
    out["peripheral_share"] = (_sum(per, now, 4) + 0.5) / (_sum(known, now, 4) + 1.0)
    out["peripheral_change"] = out["peripheral_share"] - (_sum(per, now - 4, 4) + 0.5) / (_sum(known, now - 4, 4) + 1.0)
    comp = f["companies"].to_numpy(dtype=float)
    out["new_company_share"] = (_sum(f["new_companies"].to_numpy(dtype=float), now, 4) + 0.5) / (
        _sum(comp, now, 4) + 1.0)
    return out


def fit_features(fit: Any, frame: pd.DataFrame) -> dict[str, float]:
    """Features of the hype-curve fit (:func:`hypecycle.fit.fit_hype_curve`)."""
    if fit is None or not getattr(fit, "converged", False):
        return {"fit_converged": 0.0, "fit_peak_passed": 0.5, "fit_since_peak": 0.0}
    passed = fit.peak_passed
    since = 0.0
    if fit.peak_date is not None and len(frame):
        last = pd.Timestamp(frame["end"].iloc[-1])
        days = (last - pd.Timestamp(fit.peak_date)).days
        width = max(91.0, (pd.Timestamp(fit.peak_hi) - pd.Timestamp(fit.peak_lo)).days / 2.0) \
            if fit.peak_lo is not None and fit.peak_hi is not None else 365.0
        since = float(np.clip(days / width, -5, 5))
    return {"fit_converged": 1.0, "fit_peak_passed": 0.5 if passed is None else float(bool(passed)),
            "fit_since_peak": since}


def analog_features(comparison: Any) -> dict[str, float]:
    """A similarity-weighted vote of the analogs' phases at their matched positions."""
    out = {f"analog_{p}": 0.0 for p in PHASES}
    out["analog_similarity"] = 0.0
    analogs = list(getattr(comparison, "analogs", []) or [])
    total = sum(max(a.similarity, 0.0) for a in analogs)
    if not analogs or total <= 0:
        return out
    for a in analogs:
        if a.phase in PHASES:
            out[f"analog_{a.phase}"] += max(a.similarity, 0.0) / total
    out["analog_similarity"] = float(max(a.similarity for a in analogs))
    return out


def trajectory_features(traj: Any, *, fit: Any = None, comparison: Any = None,
                        groups: Sequence[str] = tuple(FEATURE_GROUPS)) -> dict[str, float]:
    """Every feature of a :class:`~hypecycle.trajectories.Trajectory` as of its date.

    ``fit`` and ``comparison`` are computed here when their groups are asked for and they
    are not given.
    """
    feats = frame_features(traj.frame)
    if "fit" in groups:
        if fit is None:
            from .fit import fit_hype_curve

            fit = fit_hype_curve(traj)
        feats.update(fit_features(fit, traj.frame))
    if "analog" in groups:
        if comparison is None:
            from .compare import compare
            from .reference import shipped_cycles

            comparison = compare(traj, shipped_cycles())
        feats.update(analog_features(comparison))
    return {name: feats.get(name, math.nan) for g in groups for name in FEATURE_GROUPS[g]}


def feature_names(groups: Sequence[str]) -> list[str]:
    """The feature names of the given groups, in order."""
    unknown = [g for g in groups if g not in FEATURE_GROUPS]
    if unknown:
        raise ModelError(f"unknown feature group(s) {', '.join(unknown)}; expected {', '.join(FEATURE_GROUPS)}")
    return [n for g in groups for n in FEATURE_GROUPS[g]]


# ---------------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------------

#: Calibration methods of :class:`~sklearn.calibration.CalibratedClassifierCV`. Temperature
#: scaling keeps a multinomial model's probabilities jointly calibrated; one-vs-rest sigmoid
#: or isotonic calibration made them underconfident on synthetic held-out cycles (ECE 0.19
#: and 0.14 against 0.03; ``benchmarks/classifier_calibration.py``).
CALIBRATIONS = ("temperature", "sigmoid", "isotonic")


class PhaseClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated classifier of the cycle phase from trajectory features.

    Parameters
    ----------
    model : {"logistic", "boosting"}
        The base estimator: multinomial logistic regression on scaled features, or
        histogram gradient boosting.
    C : float
        Inverse regularisation strength of the logistic regression.
    calibration : {"temperature", "sigmoid", "isotonic"}
        How :class:`~sklearn.calibration.CalibratedClassifierCV` calibrates probabilities
        (:data:`CALIBRATIONS`).
    cv : int
        Folds of the calibration (fewer when a class has fewer examples; no calibration when
        a class has only one).
    random_state : int
        Seeds the folds and the boosting, so that the same data give the same model.

    Attributes
    ----------
    classes_ : ndarray
        The class labels seen in ``fit``.
    model_ : estimator
        The fitted calibrated pipeline.
    n_features_in_ : int
    """

    def __init__(self, model: str = "logistic", C: float = 0.5, calibration: str = "temperature", cv: int = 5,
                 random_state: int = 0):
        self.model = model
        self.C = C
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def _base(self):
        return _ScaledModel(model=self.model, C=self.C, random_state=self.random_state)

    def fit(self, X, y, sample_weight=None):
        """Fit on features ``X`` (n_samples, n_features) and phases ``y``."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold

        X, y = check_X_y(X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        if self.calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be one of {', '.join(CALIBRATIONS)}, got {self.calibration!r}")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.n_features_in_ = X.shape[1]
        if len(self.classes_) < 2:
            raise ValueError(f"PhaseClassifier needs samples of at least two classes; got 1 class "
                             f"({self.classes_[0]!r})")
        if isinstance(self.cv, (int, np.integer)):
            if self.cv < 2:
                raise ValueError(f"cv must be an integer >= 2 or a splitter, got {self.cv!r}")
            folds = int(min(self.cv, counts.min()))
            split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state) \
                if folds >= 2 else None
        else:
            split = self.cv
        if split is not None:
            self.model_ = CalibratedClassifierCV(self._base(), method=self.calibration, cv=split)
        else:
            self.model_ = self._base()
        self.model_.fit(X, y, sample_weight=sample_weight)
        return self

    def predict_proba(self, X):
        """Calibrated probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self)
        X = check_array(X, ensure_all_finite="allow-nan", dtype=np.float64)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but PhaseClassifier is expecting "
                             f"{self.n_features_in_} features as input")
        proba = self.model_.predict_proba(X)
        order = [list(self.model_.classes_).index(c) for c in self.classes_]
        return proba[:, order]

    def predict(self, X):
        """The most probable phase of each row."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class _ScaledModel(ClassifierMixin, BaseEstimator):
    """Median imputation, clipping to the range seen in training, scaling and the base model in
    one estimator that takes ``sample_weight`` (a Pipeline inside CalibratedClassifierCV would
    drop the weights)."""

    def __init__(self, model: str = "logistic", C: float = 0.5, random_state: int = 0):
        self.model = model
        self.C = C
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        if self.model == "logistic":
            est = LogisticRegression(C=self.C, max_iter=5000)
        elif self.model == "boosting":
            est = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                                 l2_regularization=1.0, random_state=self.random_state)
        else:
            raise ValueError(f"model must be 'logistic' or 'boosting', got {self.model!r}")
        X = np.asarray(X, dtype=float)
        self.impute_ = SimpleImputer(strategy="median", keep_empty_features=True).fit(X)
        Z = self.impute_.transform(X)
        # the range seen in training: a value beyond it (a curated corpus dense in events, say)
        # is read as the extreme seen, never extrapolated linearly
        self.low_, self.high_ = Z.min(axis=0), Z.max(axis=0)
        self.scale_ = StandardScaler().fit(Z, sample_weight=sample_weight)
        self.estimator_ = est.fit(self.scale_.transform(Z), y, sample_weight=sample_weight)
        self.classes_ = self.estimator_.classes_
        return self

    def _z(self, X):
        check_is_fitted(self)
        return self.scale_.transform(self.clip(self.impute_.transform(np.asarray(X, dtype=float))))

    def clip(self, Z):
        """Imputed features held to the range seen in training."""
        return np.clip(Z, self.low_, self.high_)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(self._z(X))

    def decision_function(self, X):
        if hasattr(self.estimator_, "decision_function"):
            return self.estimator_.decision_function(self._z(X))
        return self.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def rule_baseline(X: pd.DataFrame) -> np.ndarray:
    """A simple rule baseline on the same features, for comparison in evaluation.

    Rising attention (two-period growth above 0.15) before any fall from the maximum is a
    trigger, or a peak once within 30% of the running maximum; attention 40% or more below
    its maximum is a trough unless it has recovered 20% from its low (slope); flat
    attention long after the maximum is a plateau.
    """
    out = []
    for r in X.itertuples(index=False):
        g = getattr(r, "growth_2", 0.0) or 0.0
        vs_max = getattr(r, "att_vs_max", 0.0) or 0.0
        since = getattr(r, "periods_since_max", 0.0) or 0.0
        recov = getattr(r, "att_vs_low_since_max", 0.0) or 0.0
        if vs_max > math.log(0.7) and since <= 0.1:
            out.append("peak" if g < 0.6 or vs_max > math.log(0.9) else "trigger")
        elif vs_max <= math.log(0.6):
            out.append("slope" if recov > math.log(1.2) else "trough")
        elif since > 0.4 and abs(g) < 0.15:
            out.append("plateau")
        elif g > 0.15:
            out.append("trigger")
        else:
            out.append("peak")
    return np.array(out, dtype=object)


# ---------------------------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------------------------

def phase_distance(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Mean absolute distance along the curve (trigger 0 ... plateau 4)."""
    d = [abs(PHASE_ORDER[a] - PHASE_ORDER[b]) for a, b in zip(y_true, y_pred)]
    return float(np.mean(d)) if d else math.nan


def brier(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> float:
    """Multiclass Brier score (mean over rows of the squared error summed over classes)."""
    onehot = np.array([[1.0 if y == c else 0.0 for c in classes] for y in y_true])
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1))) if len(onehot) else math.nan


def expected_calibration_error(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str],
                               bins: int = 10) -> float:
    """Expected calibration error of the top-class probability, ``bins`` equal-width bins."""
    if not len(y_true):
        return math.nan
    conf = proba.max(axis=1)
    pred = np.asarray(classes)[proba.argmax(axis=1)]
    right = (pred == np.asarray(y_true)).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(right[m].mean() - conf[m].mean())
    return float(ece)


def scores(y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray | None = None,
           classes: Sequence[str] = PHASES) -> dict[str, Any]:
    """Accuracy, macro-F1, mean phase distance, Brier score, ECE and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    y_true, y_pred = list(y_true), list(y_pred)
    present = [c for c in classes if c in set(y_true) | set(y_pred)]
    out: dict[str, Any] = {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)) if y_true else math.nan,
        "macro_f1": float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0))
        if y_true else math.nan,
        "phase_distance": phase_distance(y_true, y_pred),
        "confusion": {"labels": list(classes),
                      "matrix": confusion_matrix(y_true, y_pred, labels=list(classes)).tolist() if y_true else []},
    }
    if proba is not None:
        out["brier"] = brier(y_true, proba, classes)
        out["ece"] = expected_calibration_error(y_true, proba, classes)
    return out


def full_proba(model: PhaseClassifier, X: np.ndarray) -> np.ndarray:
    """Probabilities over all five phases (zero for a phase the model never saw)."""
    p = model.predict_proba(X)
    out = np.zeros((len(X), len(PHASES)))
    for j, c in enumerate(model.classes_):
        out[:, PHASES.index(c)] = p[:, j]
    return out


def one_hot(labels: Sequence[str]) -> np.ndarray:
    """Probabilities of a hard prediction (for the Brier score of baselines)."""
    out = np.zeros((len(labels), len(PHASES)))
    for i, lab in enumerate(labels):
        out[i, PHASES.index(lab)] = 1.0
    return out


# ---------------------------------------------------------------------------------------------
# training data and cross-validation
# ---------------------------------------------------------------------------------------------

@dataclass
class TrainingSet:
    """Feature rows with their phases, groups (technologies) and sources (real / synthetic)."""

    X: pd.DataFrame
    y: np.ndarray
    groups: np.ndarray
    source: np.ndarray                                   # "real" or "synthetic"
    meta: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, mask: np.ndarray) -> TrainingSet:
        return TrainingSet(self.X[mask].reset_index(drop=True), self.y[mask], self.groups[mask], self.source[mask],
                           self.meta[mask].reset_index(drop=True) if len(self.meta) else self.meta)

    @staticmethod
    def concat(parts: Sequence[TrainingSet]) -> TrainingSet:
        parts = [p for p in parts if len(p)]
        if not parts:
            raise LabelError("no training example at all")
        return TrainingSet(pd.concat([p.X for p in parts], ignore_index=True), np.concatenate([p.y for p in parts]),
                           np.concatenate([p.groups for p in parts]), np.concatenate([p.source for p in parts]),
                           pd.concat([p.meta for p in parts], ignore_index=True))

    def digest(self) -> str:
        """A hash of the training data (features, phases, groups), for the model card."""
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(np.round(self.X.to_numpy(dtype=float), 9)).tobytes())
        h.update("|".join(map(str, self.y)).encode())
        h.update("|".join(map(str, self.groups)).encode())
        return h.hexdigest()[:16]


def _synthetic_rows(seeds: Sequence[int], groups: Sequence[str], points_per_cycle: int) -> list[tuple]:
    """(features, phase, group) rows of the cycles drawn with ``seeds``; each cycle's as-of
    points are chosen with a generator of its own seed, so that the rows do not depend on
    how cycles are split between processes."""
    from . import synthetic
    from .trajectories import Trajectory

    out = []
    for s in seeds:
        rng = np.random.default_rng([s, 7])
        # a start year such that the as-of dates fall from the mid-1990s to the 2020s, so that
        # the reference cycles usable as analogs vary as they do for real labels (none before
        # the first cycle ended, all three from 2014 on)
        cyc = synthetic.draw(s, start=f"{int(rng.integers(1994, 2017))}Q1")
        T = len(cyc.phases)
        candidates = np.arange(5, T)
        if not len(candidates):
            continue
        # favour rarer phases: pick points phase by phase
        chosen: list[int] = []
        by_phase = {p: candidates[cyc.phases[candidates] == p] for p in PHASES}
        order = [p for p in PHASES if len(by_phase[p])]
        for j in range(points_per_cycle):
            p = order[j % len(order)]
            pool = [c for c in by_phase[p] if c not in chosen]
            if pool:
                chosen.append(int(rng.choice(pool)))
        for t in sorted(chosen):
            frame = cyc.frame.iloc[:t + 1].reset_index(drop=True)
            traj = Trajectory(topic=f"synthetic-{s}", spec={"synthetic": s}, freq="quarter",
                              as_of=frame["end"].iloc[-1], frame=frame)
            out.append((trajectory_features(traj, groups=groups), str(cyc.phases[t]), f"synthetic-{s}"))
    return out


def synthetic_set(n_cycles: int, seed: int, *, groups: Sequence[str] = tuple(FEATURE_GROUPS),
                  points_per_cycle: int = 4, n_jobs: int = 1) -> TrainingSet:
    """Feature rows from seeded synthetic cycles (:mod:`hypecycle.synthetic`): up to
    ``points_per_cycle`` as-of points per cycle, spread over its phases; cycle ``i`` is drawn
    with seed ``seed * 1_000_003 + i``. ``n_jobs`` processes share the work (the result is the
    same)."""
    seeds = [seed * 1_000_003 + i for i in range(n_cycles)]
    groups = tuple(groups)
    if n_jobs > 1 and n_cycles >= 20:
        from joblib import Parallel, delayed

        chunks = [seeds[k::n_jobs * 4] for k in range(n_jobs * 4)]
        parts = Parallel(n_jobs=n_jobs)(delayed(_synthetic_rows)(c, groups, points_per_cycle) for c in chunks)
        by_seed = {}
        for part in parts:
            for row in part:
                by_seed.setdefault(row[2], []).append(row)
        rows = [r for s in seeds for r in by_seed.get(f"synthetic-{s}", [])]
    else:
        rows = _synthetic_rows(seeds, groups, points_per_cycle)
    X = pd.DataFrame([r[0] for r in rows], columns=feature_names(groups))
    return TrainingSet(X, np.array([r[1] for r in rows], dtype=object), np.array([r[2] for r in rows], dtype=object),
                       np.array(["synthetic"] * len(rows), dtype=object))


def real_weight_for(train: TrainingSet, real_weight: float | str = "balanced") -> float:
    """The weight of a real example against a synthetic one: a number, or ``"balanced"``, so
    that the real and the synthetic examples weigh as much in all (at least 1)."""
    if real_weight != "balanced":
        return float(real_weight)
    n_real = int((train.source == "real").sum())
    n_syn = int((train.source == "synthetic").sum())
    return max(1.0, n_syn / n_real) if n_real else 1.0


def fit_model(train: TrainingSet, *, model: str = "logistic", real_weight: float | str = "balanced",
              random_state: int = 0) -> PhaseClassifier:
    """Fit a :class:`PhaseClassifier`; a real example weighs ``real_weight`` synthetic ones
    (:func:`real_weight_for`)."""
    w = np.where(train.source == "real", real_weight_for(train, real_weight), 1.0)
    clf = PhaseClassifier(model=model, random_state=random_state)
    return clf.fit(train.X.to_numpy(dtype=float), train.y, sample_weight=w)


def leave_one_topic_out(real: TrainingSet, synthetic: TrainingSet | None = None, *, model: str = "logistic",
                        real_weight: float | str = "balanced", random_state: int = 0) -> dict[str, Any]:
    """Leave-one-topic-out cross-validation on the real labels: each technology is predicted
    by a model that never saw it (the synthetic rows, if any, are in every training fold).
    The majority-class baseline (of the training fold) and :func:`rule_baseline` are scored
    on the same folds."""
    groups = np.unique(real.groups)
    if len(groups) < 2:
        raise LabelError(f"leave-one-topic-out needs labels of at least two technologies, got {len(groups)}")
    y_true, y_model, y_major, y_rule = [], [], [], []
    proba_rows = []
    per_group = {}
    for g in groups:
        test = real.groups == g
        train_parts = [real.subset(~test)] + ([synthetic] if synthetic is not None and len(synthetic) else [])
        tr = TrainingSet.concat(train_parts)
        if len(np.unique(tr.y)) < 2:
            continue
        clf = fit_model(tr, model=model, real_weight=real_weight, random_state=random_state)
        Xt = real.X[test].to_numpy(dtype=float)
        proba = full_proba(clf, Xt)
        pred = np.asarray(PHASES)[proba.argmax(axis=1)]
        majority = pd.Series(real.y[~test]).mode().iloc[0] if (~test).any() else pd.Series(tr.y).mode().iloc[0]
        yt = list(real.y[test])
        y_true += yt
        y_model += list(pred)
        y_major += [majority] * len(yt)
        y_rule += list(rule_baseline(real.X[test]))
        proba_rows.append(proba)
        per_group[g] = {"n": len(yt), "correct": int(sum(a == b for a, b in zip(yt, pred)))}
    proba_all = np.vstack(proba_rows) if proba_rows else np.zeros((0, len(PHASES)))
    return {
        "model": scores(y_true, y_model, proba_all),
        "majority": scores(y_true, y_major, one_hot(y_major)),
        "rule": scores(y_true, y_rule, one_hot(y_rule)),
        "folds": len(per_group),
        "per_topic": per_group,
        "predictions": {"true": y_true, "model": y_model},
    }


# ---------------------------------------------------------------------------------------------
# persistence
# ---------------------------------------------------------------------------------------------

#: The only types a model file may hold beyond those skops trusts by default: the model's
#: own classes and the scikit-learn/NumPy pieces a calibrated classifier is made of.
TRUSTED_TYPES = ("hypecycle.classify.PhaseClassifier", "hypecycle.classify._ScaledModel",
                 "sklearn.calibration._CalibratedClassifier", "sklearn.calibration._TemperatureScaling",
                 "sklearn.calibration._SigmoidCalibration", "sklearn.model_selection._split.StratifiedKFold",
                 "numpy.dtype")
MODEL_SUFFIX = ".skops"
_PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")


def card_path(model_path: str | Path) -> Path:
    """The model card beside a model file: ``name.card.json``."""
    p = Path(model_path)
    return p.with_name(p.name[: -len(p.suffix)] + ".card.json") if p.suffix else p.with_name(p.name + ".card.json")


def versions() -> dict[str, str]:
    """Versions recorded in a model card."""
    import sklearn
    import spacy

    from . import __version__

    return {"hypecycle": __version__, "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
            "python": platform.python_version(), "numpy": np.__version__}


def save_model(model: PhaseClassifier, path: str | Path, card: dict[str, Any]) -> tuple[Path, Path]:
    """Save ``model`` with skops to ``path`` (``.skops``) and its card beside it."""
    import skops.io as sio

    p = Path(path)
    if p.suffix != MODEL_SUFFIX:
        raise ModelError(f"{path}: models are saved as {MODEL_SUFFIX} files (skops), which load without running "
                         "foreign code; choose a name ending in .skops")
    p.parent.mkdir(parents=True, exist_ok=True)
    data = sio.dumps(model)
    try:
        p.write_bytes(data)
        c = card_path(p)
        full = {**card, "versions": versions(), "file_sha256": hashlib.sha256(data).hexdigest()}
        c.write_text(json.dumps(full, indent=1, sort_keys=False, default=_json_default) + "\n", encoding="utf-8")
    except OSError as e:
        raise ModelError(f"{path}: cannot write the model: {e.strerror or e}") from None
    return p, c


def _json_default(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if math.isnan(float(v)) else float(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (dt.date,)):
        return v.isoformat()
    return str(v)


def load_model(path: str | Path, *, trust: bool = False) -> tuple[PhaseClassifier, dict[str, Any], list[str]]:
    """Load a model and its card; returns ``(model, card, warnings)``.

    Raises
    ------
    UntrustedModelError
        A pickle or joblib file (unless ``trust``), a file that is not what its name says, or
        a skops file holding a type outside :data:`TRUSTED_TYPES`. Nothing of the file runs.
    ModelError
        No such file, or no card beside it.
    """
    p = Path(path)
    if not p.exists():
        raise ModelError(f"{path}: no such model file; train one with `hypecycle train`")
    notes: list[str] = []
    suffix = p.suffix.lower()
    if suffix in _PICKLE_SUFFIXES:
        if not trust:
            raise UntrustedModelError(f"{path}: a {suffix} file is a pickle, and loading a pickle can run any code "
                                      "it holds; use a .skops model, or pass --trust if you made this file yourself")
        import joblib

        model = joblib.load(p)
        notes.append(f"{path}: loaded a pickle because --trust was given")
    elif suffix == MODEL_SUFFIX:
        import skops.io as sio

        if not zipfile.is_zipfile(p):
            raise UntrustedModelError(f"{path}: not a skops file (a skops model is a zip archive); refusing to load it")
        try:
            untrusted = sio.get_untrusted_types(file=p)
        except Exception as e:  # noqa: BLE001 - any malformed archive
            raise UntrustedModelError(f"{path}: not a readable skops file ({type(e).__name__}); refusing to load it") \
                from None
        foreign = [t for t in untrusted if t not in TRUSTED_TYPES]
        if foreign:
            raise UntrustedModelError(f"{path}: the file holds types hypecycle does not trust "
                                      f"({', '.join(foreign[:5])}); refusing to load it")
        try:
            model = sio.load(p, trusted=list(untrusted))
        except Exception as e:  # noqa: BLE001
            raise ModelError(f"{path}: cannot load the model: {type(e).__name__}: {e}") from None
    else:
        raise UntrustedModelError(f"{path}: unknown model format {suffix or '(no suffix)'!r}; expected a .skops file")
    if not isinstance(model, PhaseClassifier):
        raise ModelError(f"{path}: holds a {type(model).__name__}, not a hypecycle phase model")
    c = card_path(p)
    try:
        card = json.loads(c.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no model card ({c.name}) beside the model") from None
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(f"{c}: unreadable model card: {e}") from None
    if suffix == MODEL_SUFFIX and card.get("file_sha256") and \
            card["file_sha256"] != hashlib.sha256(p.read_bytes()).hexdigest():
        notes.append(f"{path}: the model file differs from the one its card describes (sha256)")
    now = versions()
    for k in ("hypecycle", "scikit-learn"):
        was = card.get("versions", {}).get(k)
        if was and was != now[k]:
            notes.append(f"{path}: trained with {k} {was}, running {now[k]}; predictions may differ slightly")
    names = card.get("features")
    if names is not None and len(names) != model.n_features_in_:
        raise ModelError(f"{path}: the card lists {len(names)} features, the model expects {model.n_features_in_}")
    return model, card, notes


def default_model_path() -> Path:
    """The model shipped in the repository's ``models/`` folder, or installed with the package."""
    here = Path(__file__).resolve().parent
    for p in (here.parent / "models" / "phase-default.skops", here / "data" / "models" / "phase-default.skops"):
        if p.exists():
            return p
    return here.parent / "models" / "phase-default.skops"


# ---------------------------------------------------------------------------------------------
# prediction
# ---------------------------------------------------------------------------------------------

@dataclass
class PhaseCall:
    """The model's call for a topic as of a date."""

    phase: str
    probabilities: dict[str, float]
    features: dict[str, float]
    confidence: float
    #: feature name -> its push towards ``phase`` (log-odds), largest first; empty without coefficients
    drivers: dict[str, float] = field(default_factory=dict)
    #: feature name -> (value, lowest, highest seen in training) for the features outside the
    #: training range, which the model reads as the edge of that range
    beyond: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
                "confidence": round(self.confidence, 4),
                "drivers": {k: round(v, 4) for k, v in self.drivers.items()},
                "beyond": {k: [round(float(v), 6) for v in t] for k, t in self.beyond.items()},
                "features": {k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else round(v, 6))
                             for k, v in self.features.items()}}


def contributions(model: PhaseClassifier, x: np.ndarray, phase: str) -> dict[int, float] | None:
    """How much each feature pushed row ``x`` towards ``phase`` against the other phases:
    for the logistic model, the coefficient times the scaled value, for that phase minus
    the mean over phases (log-odds units), averaged over the calibration folds. ``None``
    for a model without coefficients (boosting)."""
    fitted = getattr(model.model_, "calibrated_classifiers_", None)
    bases = [c.estimator for c in fitted] if fitted is not None else [model.model_]
    outer = list(getattr(model.model_, "classes_", model.classes_))
    totals = np.zeros(x.shape[-1])
    used = 0
    for base in bases:
        est = getattr(base, "estimator_", None)
        if est is None or not hasattr(est, "coef_"):
            return None
        classes = list(est.classes_)
        if phase not in classes and phase in outer and outer.index(phase) in classes:
            phase_key = outer.index(phase)  # CalibratedClassifierCV fits its folds on encoded labels
        elif phase in classes:
            phase_key = phase
        else:
            continue
        z = base._z(x.reshape(1, -1))[0]
        coef = est.coef_
        if coef.shape[0] == 1:  # two classes: one row, for classes[1]
            row = coef[0] if classes.index(phase_key) == 1 else -coef[0]
            totals += row * z / 2
        else:
            totals += (coef[classes.index(phase_key)] - coef.mean(axis=0)) * z
        used += 1
    if not used:
        return None
    return {j: float(v / used) for j, v in enumerate(totals)}


def training_range(model: PhaseClassifier) -> tuple[np.ndarray, np.ndarray] | None:
    """The lowest and highest value of each feature the model saw in training (over all its
    calibration folds), or ``None`` for a model that does not keep them."""
    fitted = getattr(model.model_, "calibrated_classifiers_", None)
    bases = [c.estimator for c in fitted] if fitted is not None else [model.model_]
    lows = [b.low_ for b in bases if hasattr(b, "low_")]
    highs = [b.high_ for b in bases if hasattr(b, "high_")]
    if not lows or len(lows) != len(bases):
        return None
    return np.min(lows, axis=0), np.max(highs, axis=0)


def call_phase(model: PhaseClassifier, card: dict[str, Any], features: dict[str, float]) -> PhaseCall:
    """The phase call of one feature row (names as in the model card)."""
    names = card["features"]
    x = np.array([[features.get(n, math.nan) for n in names]], dtype=float)
    proba = full_proba(model, x)[0]
    probs = {p: float(proba[i]) for i, p in enumerate(PHASES)}
    best = max(probs, key=probs.get)
    contrib = contributions(model, x[0], best) or {}
    drivers = dict(sorted(((names[j], v) for j, v in contrib.items()), key=lambda kv: -abs(kv[1])))
    beyond = {}
    span = training_range(model)
    if span is not None:
        for j, (v, lo, hi) in enumerate(zip(x[0], *span)):
            if not math.isnan(v) and (v < lo - 1e-9 or v > hi + 1e-9):
                beyond[names[j]] = (float(v), float(lo), float(hi))
    return PhaseCall(best, probs, {n: features.get(n, math.nan) for n in names}, probs[best], drivers, beyond)


__all__ = ["FEATURE_GROUPS", "FEATURE_NAMES", "PhaseCall", "PhaseClassifier", "TRUSTED_TYPES", "TrainingSet",
           "analog_features", "call_phase", "card_path", "contributions", "default_model_path", "feature_names", "fit_features",
           "fit_model", "frame_features", "leave_one_topic_out", "load_model", "rule_baseline", "save_model",
           "scores", "synthetic_set", "training_range", "trajectory_features"]
