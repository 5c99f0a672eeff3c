"""Kleinberg burst detection (hypecycle.bursts) on seeded synthetic streams."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypecycle.bursts import burst_intervals, emerging_terms, kleinberg_bursts


def stream(seed: int, n: int = 60, base: float = 0.01, lift: float = 4.0,
           burst: tuple[int, int] | None = (30, 39), docs: tuple[int, int] = (800, 1200)):
    """A seeded stream of (r, d) with the true burst interval (inclusive) or None."""
    rng = np.random.default_rng(seed)
    d = rng.integers(*docs, size=n)
    p = np.full(n, base)
    if burst is not None:
        p[burst[0]:burst[1] + 1] = base * lift
    return rng.binomial(d, p), d, burst


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("burst", [(30, 39), (5, 12), (50, 59)])
def test_known_burst_is_found(seed, burst):
    r, d, truth = stream(seed, burst=burst)
    states = kleinberg_bursts(r, d)
    found = burst_intervals(states, range(len(r)), r=r, d=d)
    assert len(found) == 1
    start, end, weight = found[0]
    assert abs(start - truth[0]) <= 1
    assert abs(end - truth[1]) <= 1
    assert weight > 0


@pytest.mark.parametrize("seed", range(10))
def test_flat_term_has_no_burst(seed):
    r, d, _ = stream(seed, burst=None)
    assert not kleinberg_bursts(r, d).any()


def test_all_zero_and_empty_periods():
    assert not kleinberg_bursts(np.zeros(10), np.full(10, 100)).any()
    assert not kleinberg_bursts([0, 0, 0], [0, 0, 0]).any()
    assert kleinberg_bursts([], []).size == 0
    # periods without documents carry no evidence and do not break a burst apart
    r = [1, 1, 1, 1, 30, 0, 30, 1, 1, 1]
    d = [100, 100, 100, 100, 100, 0, 100, 100, 100, 100]
    assert kleinberg_bursts(r, d).tolist() == [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]


@pytest.mark.parametrize("k", [2, 3, 10])
def test_scaling_counts_equals_dividing_gamma(k):
    """k*r out of k*d keeps both rates and multiplies cost differences by k."""
    r, d, _ = stream(7, lift=2.0, burst=(20, 24))
    scaled = kleinberg_bursts(k * r, k * d, gamma=1.0)
    assert np.array_equal(scaled, kleinberg_bursts(r, d, gamma=1.0 / k))
    w1 = burst_intervals(scaled, range(len(r)), r=r, d=d)
    wk = burst_intervals(scaled, range(len(r)), r=k * r, d=k * d)
    assert [w for *_, w in wk] == pytest.approx([k * w for *_, w in w1])


@pytest.mark.parametrize("seed", range(3))
def test_more_documents_find_a_weak_burst(seed):
    """The same rates over a hundred times more documents: the weak burst becomes visible."""
    r, d, truth = stream(seed, lift=2.5, burst=(20, 29), docs=(20, 30))
    big_r, big_d, _ = stream(seed, lift=2.5, burst=(20, 29), docs=(2000, 3000))
    found = burst_intervals(kleinberg_bursts(big_r, big_d), range(60), r=big_r, d=big_d)
    assert [(abs(a - truth[0]) <= 1, abs(b - truth[1]) <= 1) for a, b, _ in found] == [(True, True)]
    weak = burst_intervals(kleinberg_bursts(r, d), range(60), r=r, d=d)
    assert sum(w for *_, w in weak) < found[0][2]


def test_gamma_makes_bursts_harder():
    r, d, _ = stream(11, lift=2.5, burst=(10, 14))
    sums = [kleinberg_bursts(r, d, gamma=g).sum() for g in (0.0, 1.0, 5.0, 50.0)]
    assert sums == sorted(sums, reverse=True)
    assert sums[-1] == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=40),
       st.floats(1.1, 5.0), st.floats(0.0, 3.0))
def test_states_are_binary_and_match_length(pairs, s, gamma):
    r = [min(a, b) for a, b in pairs]
    d = [max(a, b) for a, b in pairs]
    states = kleinberg_bursts(r, d, s=s, gamma=gamma)
    assert states.shape == (len(pairs),)
    assert set(np.unique(states).tolist()) <= {0, 1}
    for _, _, weight in burst_intervals(states, list(range(len(pairs))), r=r, d=d, s=s):
        assert weight > 0  # a burst on the optimal path always saves cost


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1), max_size=30))
def test_intervals_cover_exactly_the_ones(states):
    periods = [f"p{i}" for i in range(len(states))]
    covered = []
    for start, end, weight in burst_intervals(states, periods):
        a, b = periods.index(start), periods.index(end)
        assert a <= b and np.isnan(weight)
        covered.extend(range(a, b + 1))
    assert covered == [i for i, x in enumerate(states) if x == 1]


@pytest.mark.parametrize("args,kwargs,match", [
    (([1, 2], [3]), {}, "same length"),
    (([5], [3]), {}, "must not exceed"),
    (([-1], [3]), {}, "non-negative"),
    (([np.nan], [3]), {}, "finite"),
    (([1], [3]), {"s": 1.0}, "s must be"),
    (([1], [3]), {"gamma": -1}, "gamma must be"),
])
def test_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kleinberg_bursts(*args, **kwargs)


def test_burst_intervals_bad_input():
    with pytest.raises(ValueError, match="same length"):
        burst_intervals([0, 1], ["a"])
    with pytest.raises(ValueError, match="only 0 and 1"):
        burst_intervals([0, 2], ["a", "b"])
    with pytest.raises(ValueError, match="both r and d"):
        burst_intervals([0, 1], ["a", "b"], r=[1, 2])


# ----------------------------------------------------------------- emerging_terms


def tidy(seed: int = 0, n: int = 48):
    """Monthly tidy counts for four terms with known bursts, and the truth."""
    periods = pd.period_range("2008-01", periods=n, freq="M")
    rng = np.random.default_rng(seed)
    total = rng.integers(3000, 5000, size=n)
    truth = {"early": (6, 11), "late": (36, 41), "late-small": (40, 45), "flat": None}
    lifts = {"early": 4.0, "late": 4.0, "late-small": 6.0, "flat": 1.0}
    base = {"early": 0.004, "late": 0.004, "late-small": 0.0004, "flat": 0.004}
    frames = []
    for term, burst in truth.items():
        p = np.full(n, base[term])
        if burst:
            p[burst[0]:burst[1] + 1] *= lifts[term]
        docs = rng.binomial(total, p)
        frames.append(pd.DataFrame({"period": periods, "term": term, "docs": docs,
                                    "total_docs": total}))
    counts = pd.concat(frames, ignore_index=True)
    counts = counts[counts["docs"] > 0]  # tidy frames omit zero rows
    return counts.sample(frac=1, random_state=seed), periods, truth


def test_emerging_terms_finds_recent_bursts():
    counts, periods, truth = tidy()
    out = emerging_terms(counts, since="2010-06")
    assert list(out.columns) == ["term", "burst_start", "burst_end", "weight", "docs_in_burst",
                                 "rate_before", "rate_in_burst"]
    assert set(out["term"]) == {"late", "late-small"}
    row = out.set_index("term").loc["late"]
    assert abs((row["burst_start"] - periods[truth["late"][0]]).n) <= 1
    assert row["rate_in_burst"] > 2 * row["rate_before"]
    assert out["weight"].is_monotonic_decreasing


def test_emerging_terms_without_since_and_min_docs():
    counts, _, _ = tidy()
    every = emerging_terms(counts)
    assert set(every["term"]) == {"early", "late", "late-small"}
    big = emerging_terms(counts, min_docs=200)
    assert "late-small" not in set(big["term"])
    assert (big["docs_in_burst"] >= 200).all()
    assert len(emerging_terms(counts, top=1)) == 1


def test_emerging_terms_is_deterministic_and_order_free():
    counts, _, _ = tidy(seed=4)
    a = emerging_terms(counts)
    b = emerging_terms(counts.sort_values(["term", "period"]))
    pd.testing.assert_frame_equal(a, b)


def test_emerging_terms_ties_break_by_term():
    periods = pd.period_range("2020-01", periods=12, freq="M")
    docs = [2] * 8 + [40] * 4
    frames = [pd.DataFrame({"period": periods, "term": t, "docs": docs, "total_docs": 1000})
              for t in ("b", "a", "c")]
    out = emerging_terms(pd.concat(frames))
    assert out["term"].tolist() == ["a", "b", "c"]


def test_emerging_terms_with_timestamps():
    counts, periods, _ = tidy()
    counts = counts.assign(period=counts["period"].dt.to_timestamp())
    out = emerging_terms(counts, since="2010-06-01")
    assert set(out["term"]) == {"late", "late-small"}
    assert isinstance(out["burst_start"].iloc[0], pd.Timestamp)


def test_emerging_terms_empty_and_bad_frames():
    empty = emerging_terms(pd.DataFrame(columns=["period", "term", "docs", "total_docs"]))
    assert empty.empty and "weight" in empty.columns
    counts, _, _ = tidy()
    with pytest.raises(ValueError, match="lacks column"):
        emerging_terms(counts.drop(columns="total_docs"))
    bad = counts.copy()
    first_early = bad.index[bad["term"] == "early"][0]
    bad.loc[first_early, "total_docs"] += 1
    with pytest.raises(ValueError, match="total_docs differs"):
        emerging_terms(bad)
    with pytest.raises(ValueError, match="must not exceed"):
        emerging_terms(counts.assign(docs=counts["total_docs"] + 1))
    with pytest.raises(ValueError, match="more than one row"):
        emerging_terms(pd.concat([counts, counts.iloc[:1]]))
