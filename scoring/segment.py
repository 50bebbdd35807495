"""Split an answer into clauses: Chinese and English punctuation, line breaks, enumerations."""

from __future__ import annotations

import itertools
import re

# Sentence ends and line breaks always split; so do enumeration markers at a clause start.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|\n+|(?<=[.])\s+")
_ENUMERATION = re.compile(
    r"(?:^|\s)(?:\(?\d{1,2}[.、)）](?!\d)|[①-⑳]|[一二三四五六七八九十]+[、.)]|第[一二三四五六七八九十\d]+[,，、:：]?"
    r"|[-•·*●▪]\s|(?:first|second|third|fourth|fifth|then|finally)[,:])",
    re.IGNORECASE,
)
_MARKER_AT_START = re.compile(r"^\s*(?:\(?\d{1,2}[.、)）](?!\d)|[①-⑳]|[-•·*●▪])\s*")
_COMMA = re.compile(r"(?<=[,，:：、])")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

LONG_CLAUSE_CHARS = 48  # longer pieces are split again at commas
MIN_CLAUSE_CHARS = 10  # shorter comma pieces are joined to their neighbour
MAX_CLAUSE_CHARS = 120  # no clause is longer: the encoder reads short texts, and cost stays linear


def split_clauses(text: str) -> list[str]:
    """Split `text` into clauses in reading order.

    Args:
        text: an answer or reference text, in Chinese, English or both.

    Returns:
        Non-empty, stripped clauses. Sentences longer than `LONG_CLAUSE_CHARS` are split
        at commas, with short pieces joined back so that a clause keeps its meaning.
    """
    clauses: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for piece in _split_enumeration(sentence or ""):
            clauses.extend(_split_long(piece))
    stripped = (_MARKER_AT_START.sub("", c).strip(" \t,，、:：;；") for c in clauses)
    return [c for c in stripped if _has_content(c)]


_BETWEEN_SENTENCES = re.compile(r"[。！？!?；;…\n]|\.(?:\s|$)")


def sentence_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """The number of the sentence each clause belongs to (0, 0, 1, 2, 2...): a new sentence
    starts where the text from a clause's last character to the next clause ends one.

    Args:
        text: the answer the clauses were split from.
        spans: each clause's character offsets in `text` (`spans_of`).
    """
    ids = [0] * len(spans)
    for i in range(1, len(spans)):
        between = text[max(0, spans[i - 1][1] - 1) : max(spans[i][0], spans[i - 1][1])]
        ids[i] = ids[i - 1] + bool(_BETWEEN_SENTENCES.search(between))
    return ids


def _split_enumeration(sentence: str) -> list[str]:
    starts = [m.start() for m in _ENUMERATION.finditer(sentence) if m.start() > 0]
    bounds = [0, *starts, len(sentence)]
    return [sentence[a:b].strip() for a, b in itertools.pairwise(bounds)]


def _split_long(piece: str) -> list[str]:
    """Split a long piece at commas, joining short parts to their neighbour; a piece with
    no commas to split at (or a run of tiny parts) is cut every `MAX_CLAUSE_CHARS`, so no
    clause is longer than that. Linear in the piece's length."""
    if _length(piece) <= LONG_CLAUSE_CHARS:
        return [piece]
    out: list[str] = []
    sizes: list[int] = []
    for part in _COMMA.split(piece):
        for chunk in _chunks(part):
            size = _length(chunk)
            joinable = out and sizes[-1] + size <= MAX_CLAUSE_CHARS
            if joinable and (sizes[-1] < MIN_CLAUSE_CHARS or size < MIN_CLAUSE_CHARS // 2):
                out[-1] += chunk
                sizes[-1] += size
            else:
                out.append(chunk)
                sizes.append(size)
    return out


def _chunks(part: str) -> list[str]:
    """`part` cut into pieces of at most `MAX_CLAUSE_CHARS` (at a space where there is one)."""
    if _length(part) <= MAX_CLAUSE_CHARS:
        return [part]
    chunks, start, size = [], 0, 0
    for i, char in enumerate(part):
        size += 1 if CJK.match(char) else (1 if char.isalnum() else 0)
        if size >= MAX_CLAUSE_CHARS and (
            char.isspace() or CJK.match(char) or size >= 2 * MAX_CLAUSE_CHARS
        ):
            chunks.append(part[start : i + 1])
            start, size = i + 1, 0
    if start < len(part):
        chunks.append(part[start:])
    return chunks


def _length(text: str) -> int:
    """Length in 'characters' where an English word counts as two (roughly one CJK char pair)."""
    cjk = len(CJK.findall(text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return cjk + 2 * words


def _has_content(clause: str) -> bool:
    return bool(re.search(r"[\w\u3400-\u9fff]", clause))


def language_of(text: str) -> str:
    """'zh' when at least a fifth of the letters are CJK characters, else 'en'."""
    cjk = len(CJK.findall(text))
    words = len(re.findall(r"[A-Za-z]+", text))
    return "zh" if cjk and cjk >= words else "en"
