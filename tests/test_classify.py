"""The phase classifier: the estimator contract, synthetic cycles, features as of a date,
determinism, evaluation metrics, and persistence that cannot run foreign code."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from hypecycle import classify, synthetic
from hypecycle.errors import LabelError, ModelError, UntrustedModelError
from hypecycle.labels import PHASES, label_points, read_timeline

GROUPS = ("attention", "events", "language", "dilution")


@parametrize_with_checks([classify.PhaseClassifier()])
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_synthetic_cycles_carry_their_phases_in_order():
    seen_trough = seen_plain = 0
    for seed in range(60):
        c = synthetic.draw(seed)
        order = [PHASES.index(p) for p in c.phases]
        assert order == sorted(order), "phases go forward along the curve"
        assert c.frame["topic_articles"].le(c.frame["articles"]).all()
        if c.params["trough"]:
            seen_trough += "trough" in set(c.phases) or c.phases[-1] in ("trigger", "peak")
        else:
            assert "trough" not in set(c.phases), "a cycle without a trough never enters one"
            seen_plain += 1
    assert seen_trough > 10 and seen_plain > 10


def test_synthetic_draws_are_deterministic():
    a, b = synthetic.draw(42), synthetic.draw(42)
    assert a.frame.equals(b.frame) and list(a.phases) == list(b.phases)
    assert not synthetic.draw(43).frame.equals(a.frame)


def test_features_read_nothing_after_the_as_of_row():
    c = synthetic.draw(5, n_periods=36)
    for t in (10, 20, 30):
        head = classify.frame_features(c.frame.iloc[:t + 1])
        changed = c.frame.copy()
        changed.loc[t + 1:, ["topic_articles", "failures", "skeptic_articles"]] *= 5
        assert classify.frame_features(changed.iloc[:t + 1]) == head


@pytest.fixture(scope="module")
def synth_sets():
    return classify.synthetic_set(150, 0, groups=GROUPS), classify.synthetic_set(60, 1, groups=GROUPS)


def test_a_model_learnt_on_synthetic_cycles_beats_chance_on_unseen_ones(synth_sets):
    train, test = synth_sets
    model = classify.fit_model(train)
    proba = classify.full_proba(model, test.X.to_numpy(dtype=float))
    pred = np.asarray(PHASES)[proba.argmax(1)]
    s = classify.scores(list(test.y), list(pred), proba)
    majority = max(set(test.y), key=list(test.y).count)
    baseline = max(np.mean(test.y == majority), np.mean(classify.rule_baseline(test.X) == test.y))
    assert s["accuracy"] > baseline + 0.15
    assert s["brier"] < 0.7 and 0 <= s["ece"] < 0.12


def test_same_data_and_seed_give_the_same_model(synth_sets, tmp_path):
    train, test = synth_sets
    X = test.X.to_numpy(dtype=float)
    a = classify.fit_model(train).predict_proba(X)
    b = classify.fit_model(train).predict_proba(X)
    assert np.array_equal(a, b)


def test_contributions_add_up_to_the_log_odds_of_the_called_phase(synth_sets):
    train, test = synth_sets
    model = classify.fit_model(train)
    x = test.X.to_numpy(dtype=float)[7]
    for phase in PHASES:
        c = classify.contributions(model, x, phase)
        assert c is not None and len(c) == x.shape[0]
        # per fold: decision(phase) - mean decision = sum of contributions + intercept difference
        want = []
        for cc in model.model_.calibrated_classifiers_:
            base = cc.estimator
            k = list(model.model_.classes_).index(phase)
            d = base.decision_function(x.reshape(1, -1))[0]
            b = base.estimator_.intercept_
            want.append(d[k] - d.mean() - (b[k] - b.mean()))
        assert sum(c.values()) == pytest.approx(np.mean(want), abs=1e-8)


def test_a_feature_beyond_the_training_range_is_not_extrapolated(synth_sets):
    train, test = synth_sets
    model = classify.fit_model(train)
    X = train.X.to_numpy(dtype=float)
    j = list(train.X.columns).index("funding_rate")
    x = test.X.to_numpy(dtype=float)[3].copy()
    x[j] = np.nanmax(X[:, j])
    far = x.copy()
    far[j] = 50 * np.nanmax(X[:, j]) + 1
    assert np.allclose(model.predict_proba(x.reshape(1, -1)), model.predict_proba(far.reshape(1, -1)))



def test_the_call_names_the_features_beyond_the_training_range(synth_sets):
    """What the model reads as the edge of its training data is said, so a report can warn
    that its probabilities extrapolate (and the report does, in a caveat)."""
    from hypecycle.jobs import _beyond_caveat

    train, test = synth_sets
    model = classify.fit_model(train)
    card = {"features": list(train.X.columns)}
    inside = dict(zip(train.X.columns, train.X.to_numpy(dtype=float)[5]))
    assert classify.call_phase(model, card, inside).beyond == {}
    top = float(np.nanmax(train.X["funding_rate"]))
    far = {**inside, "funding_rate": 3 * top + 1, "hype_lift": float("nan")}
    call = classify.call_phase(model, card, far)
    assert set(call.beyond) == {"funding_rate"}
    value, low, high = call.beyond["funding_rate"]
    assert value == 3 * top + 1 and high == pytest.approx(top) and low <= high
    assert "funding_rate" in _beyond_caveat(call) and "extrapolation" in _beyond_caveat(call)
    assert call.to_dict()["beyond"]["funding_rate"][0] == pytest.approx(3 * top + 1)

def test_metrics_on_a_known_case():
    s = classify.scores(["peak", "trough", "peak", "slope"], ["peak", "peak", "peak", "plateau"],
                        classify.one_hot(["peak", "peak", "peak", "plateau"]))
    assert s["accuracy"] == 0.5 and s["phase_distance"] == pytest.approx((0 + 1 + 0 + 1) / 4)
    m = s["confusion"]["matrix"]  # rows: true phase, columns: called
    assert s["brier"] == pytest.approx(1.0) and m[1][1] == 2 and m[2][1] == 1 and m[3][4] == 1


# ---------------------------------------------------------------------------------------------
# persistence
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def saved(tmp_path_factory, synth_sets):
    train, _ = synth_sets
    model = classify.fit_model(train)
    d = tmp_path_factory.mktemp("model")
    path, card = classify.save_model(model, d / "m.skops", {"features": classify.feature_names(GROUPS),
                                                             "feature_groups": list(GROUPS)})
    return model, path, card


def test_a_saved_model_loads_with_identical_predictions(saved, synth_sets):
    model, path, card = saved
    loaded, c, notes = classify.load_model(path)
    X = synth_sets[1].X.to_numpy(dtype=float)
    assert np.array_equal(model.predict_proba(X), loaded.predict_proba(X))
    assert notes == [] and c["versions"]["scikit-learn"] and len(c["features"]) == X.shape[1]


def test_a_pickle_is_refused_unless_trusted(saved, tmp_path):
    model, path, card = saved
    p = tmp_path / "m.joblib"
    import joblib

    joblib.dump(model, p)
    (tmp_path / "m.card.json").write_text(card.read_text())
    with pytest.raises(UntrustedModelError, match="pickle"):
        classify.load_model(p)
    loaded, _, notes = classify.load_model(p, trust=True)
    assert isinstance(loaded, classify.PhaseClassifier) and "--trust" in notes[0]


class _Payload:
    """Writes a marker file when unpickled or restored: a stand-in for foreign code."""

    marker = None

    def __reduce__(self):
        return (open, (str(self.marker), "w"))

    def __setstate__(self, state):  # skops restores state through this
        open(str(self.marker), "w").close()


def test_a_crafted_file_is_refused_and_its_payload_never_runs(tmp_path, saved):
    import skops.io as sio

    _, _, card = saved
    marker = tmp_path / "PAYLOAD_RAN"
    _Payload.marker = marker
    evil = tmp_path / "evil.skops"
    evil.write_bytes(sio.dumps({"model": _Payload()}))
    (tmp_path / "evil.card.json").write_text(card.read_text())
    with pytest.raises(UntrustedModelError, match="does not trust"):
        classify.load_model(evil)
    # a pickle with an os-level payload, renamed to look like a skops model
    disguised = tmp_path / "disguised.skops"
    disguised.write_bytes(pickle.dumps(_Payload()))
    (tmp_path / "disguised.card.json").write_text(card.read_text())
    with pytest.raises(UntrustedModelError, match="not a skops file"):
        classify.load_model(disguised)
    assert not marker.exists()


def test_missing_card_and_version_drift(saved, tmp_path):
    model, path, card = saved
    lone = tmp_path / "lone.skops"
    lone.write_bytes(path.read_bytes())
    with pytest.raises(ModelError, match="no model card"):
        classify.load_model(lone)
    (tmp_path / "lone.card.json").write_text(json.dumps({**json.loads(card.read_text()),
                                                          "versions": {"scikit-learn": "0.1", "hypecycle": "0.0"}}))
    _, _, notes = classify.load_model(lone)
    assert any("trained with scikit-learn 0.1" in n for n in notes)


# ---------------------------------------------------------------------------------------------
# labels
# ---------------------------------------------------------------------------------------------

HEADER = "technology,topic,terms,start,end,phase,corpus,kind,source,source_date,evidence\n"


@pytest.mark.parametrize("row, message", [
    ("cloud,cloud,,2009-08-01,,summit,,gartner,src,,", r"row 2: unknown phase 'summit'; expected one of trigger"),
    ("cloud,cloud,,2009-13-01,,peak,,gartner,src,,", r"row 2: bad start date '2009-13-01'"),
    ("cloud,cloud,,2009-08-01,,peak,,gartner,,,", r"row 2: no source"),
    ("cloud,,,2009-08-01,,peak,,gartner,src,,", r"row 2: no topic and no terms"),
])
def test_bad_label_rows_are_named(tmp_path, row, message):
    p = tmp_path / "l.csv"
    p.write_text(HEADER + row + "\n")
    with pytest.raises(LabelError, match=message):
        read_timeline(p)


def test_ranges_become_points_and_disagreements_are_resolved(tmp_path):
    p = tmp_path / "l.csv"
    p.write_text(HEADER + "cloud,cloud,,2009-08-01,,peak,,gartner,a,,\n"
                          "cloud,cloud,,2009-08-01,,trigger,,market-history,b,,\n"
                          "cloud,cloud,,2009-08-01,,peak,,facts,c,,\n"
                          "solar,cleantech,,2011-01-01,2011-12-31,trough,,market-history,d,,\n")
    pts = label_points(read_timeline(p))
    cloud = [q for q in pts if q.group == "cloud"]
    assert len(cloud) == 1 and cloud[0].phase == "peak" and cloud[0].kind == "facts"
    solar = [q.date.isoformat() for q in pts if q.group == "solar"]
    assert solar == ["2011-03-31", "2011-06-30", "2011-09-30", "2011-12-31"]


def test_the_shipped_labels_load_with_a_source_on_every_row():
    from pathlib import Path

    labels = read_timeline(Path(__file__).resolve().parents[1] / "corpora" / "labels" / "timeline.csv")
    assert len(labels) >= 40 and len({lab.group for lab in labels}) >= 10
    assert all(lab.source for lab in labels)
