"""The PTC corpus formats (SemEval-2020 Task 11) for `presslens techniques detect|classify`.

Articles are ``articleNNN.txt`` files in one folder; offsets index each file's text exactly as
``open(path, encoding="utf-8").read()`` returns it (nothing stripped or normalised).

- detect:   every technique the analysis finds -> ``id<TAB>technique<TAB>start<TAB>end`` lines
- classify: each ``id<TAB>?<TAB>start<TAB>end`` (or ``id<TAB>start<TAB>end``) line -> the same
            line with the predicted technique in the second column
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import EmptyInput, EvalDataError, InputNotFound, UndecodableInput, UsageError

_ARTICLE = re.compile(r"^article(\w+)\.txt$")


def article_files(folder: Path | str) -> list[tuple[str, Path]]:
    """(article id, path) for every ``article<ID>.txt`` in the folder, ordered by id."""
    root = Path(folder)
    if not root.exists():
        raise InputNotFound(f"{root} does not exist")
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder; give the folder that holds the articleNNN.txt files")
    found = []
    for path in root.iterdir():
        m = _ARTICLE.match(path.name)
        if m and path.is_file():
            found.append((m.group(1), path))
    if not found:
        raise EvalDataError(f"{root} holds no articles (files named article<ID>.txt)")
    return sorted(found, key=lambda item: (len(item[0]), item[0]))


def read_article(path: Path) -> str:
    """The file's text exactly as PTC offsets index it."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise UndecodableInput(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputNotFound(f"cannot read {path} ({exc.strerror or exc})") from None


def detect(folder: Path | str) -> Iterator[str]:
    """TC-format lines for every technique found in every article, article by article."""
    from .. import analyze_articles, ingest

    files = article_files(folder)
    batch: list[tuple[str, object]] = []

    def flush() -> Iterator[str]:
        articles = [a for _, a in batch]
        for (art_id, _), analysis in zip(batch, analyze_articles(articles)):  # type: ignore[arg-type]
            for t in analysis.techniques:
                yield f"{art_id}\t{t.technique}\t{t.span[0]}\t{t.span[1]}"
        batch.clear()

    for art_id, path in files:
        text = read_article(path)
        try:
            article = ingest.from_text(text).model_copy(update={"origin": str(path)})
        except EmptyInput:
            continue  # an empty article has no techniques
        batch.append((art_id, article))
        if len(batch) >= 16:
            yield from flush()
    if batch:
        yield from flush()


@dataclass(frozen=True)
class SpanLine:
    lineno: int
    article: str
    start: int
    end: int


def read_spans(path: Path | str, articles: dict[str, Path]) -> list[SpanLine]:
    """Parse a spans file; a bad line is an error naming the file and the line."""
    p = Path(path)
    if not p.exists():
        raise InputNotFound(f"{p} does not exist")
    if p.is_dir():
        raise UsageError(f"{p} is a folder; give the spans file (article_id<TAB>?<TAB>start<TAB>end lines)")
    try:
        with open(p, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except UnicodeDecodeError as exc:
        raise UndecodableInput(f"{p} is not UTF-8 text ({exc.reason})") from None
    out = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) == 4:
            art, _, s, e = cols
        elif len(cols) == 3:
            art, s, e = cols
        else:
            raise EvalDataError(
                f"{p} line {lineno}: expected article_id<TAB>?<TAB>start<TAB>end or article_id<TAB>start<TAB>end, "
                f"found {len(cols)} tab-separated columns"
            )
        art = art.strip()
        if art.startswith("article"):
            art = art[7:]
        try:
            start, end = int(s), int(e)
        except ValueError:
            raise EvalDataError(f"{p} line {lineno}: start and end must be whole numbers, not {s!r} and {e!r}") from None
        if start < 0 or end <= start:
            raise EvalDataError(f"{p} line {lineno}: the span {start}-{end} is empty or negative")
        if art not in articles:
            raise EvalDataError(f"{p} line {lineno}: no file article{art}.txt in the articles folder")
        out.append(SpanLine(lineno, art, start, end))
    return out


def classify(folder: Path | str, spans_file: Path | str) -> Iterator[str]:
    """TC-format lines, one per line of the spans file, in its order, with the predicted technique."""
    from . import classify_spans

    files = dict(article_files(folder))
    spans = read_spans(spans_file, files)
    by_article: dict[str, list[SpanLine]] = {}
    for sp in spans:
        by_article.setdefault(sp.article, []).append(sp)
    predicted: dict[int, str] = {}
    for art, items in by_article.items():
        text = read_article(files[art])
        for sp in items:
            if sp.end > len(text):
                raise EvalDataError(
                    f"{spans_file} line {sp.lineno}: the span {sp.start}-{sp.end} runs past the end of article{art}.txt ({len(text)} characters)"
                )
        labels = classify_spans(text, [(sp.start, sp.end) for sp in items])
        for sp, label in zip(items, labels):
            predicted[sp.lineno] = label
    for sp in spans:
        yield f"{sp.article}\t{predicted[sp.lineno]}\t{sp.start}\t{sp.end}"
