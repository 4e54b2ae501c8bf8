"""Chinese line breaking (禁则处理) measured with reportlab's font metrics.

Rules: no line starts with closing punctuation (，。、；：？！）」』》】 and their ASCII
equivalents), no line ends with opening punctuation (（「『《【), and runs of digits or Latin
letters (a number, a masked ID number 610202********1234, a serial, a phone number, a date like
2025-03-01 or 2025年3月1日, a word) are never split unless a single run is wider than the whole
line. reportlab's `wordWrap='CJK'` does not guarantee this.

The text is cut into unbreakable clusters (opening marks + one character or Latin/number run +
closing marks) which are then filled greedily into lines. When a cluster is wider than a line,
its marks give way first: a run that fits a line is kept whole even if that puts a closing mark
at the start of the next line (a split number misleads; a stray mark does not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reportlab.pdfbase.pdfmetrics import stringWidth

#: May not begin a line: attaches to the character before it.
CLOSING = frozenset(
    "，。、；：？！）」』》】〕〉］｝〗〙〛’”…‥—～·・％‰℃°′″々ー"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    ",.;:?!)]}%>"
)
#: May not end a line: attaches to the character after it.
OPENING = frozenset("（「『《【〔〈［｛〖〘〚‘“([{<")
#: Joins the characters on both sides (middle dot in transliterated names, dashes).
JOINERS = frozenset("·・—")
#: Characters of an unbreakable Latin/number run.
WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "*#&@_+-/.'=~$"
)
#: Inside a run only when a run character follows: 8:30, 1,000.
INNER = frozenset(":,")
SPACES = frozenset(" \t\u3000")
#: Mixed runs that read as one value: Chinese dates 2025年3月1日, 2025年3月, 3月1日.
PROTECTED = re.compile(r"[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?|[0-9]{1,2}月[0-9]{1,2}日")


def _tokens(text: str) -> Iterator[str]:
    """Latin/number runs, single spaces, and single other characters."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        protected = PROTECTED.match(text, i) if ch.isascii() and ch.isdigit() else None
        if protected is not None:
            yield protected.group()
            i = protected.end()
        elif ch in WORD_CHARS and ch not in CLOSING:
            j = i + 1
            while j < n and (
                text[j] in WORD_CHARS
                or (
                    text[j] in INNER
                    and j + 1 < n
                    and text[j + 1].isascii()
                    and text[j + 1].isalnum()
                )
            ):
                j += 1
            # trailing '.', '-', '/' etc. that end a sentence are closing marks, not word parts
            while j > i + 1 and text[j - 1] in CLOSING:
                j -= 1
            yield text[i:j]
            i = j
        else:
            yield ch
            i += 1


def clusters(text: str) -> list[str]:
    """Cut text into the units a line may break between; spaces are their own clusters."""
    out: list[str] = []
    pending_open = ""
    join_next = False
    for tok in _tokens(text):
        if tok in SPACES:
            if pending_open:
                pending_open += tok
            else:
                out.append(tok)
            join_next = False
            continue
        if tok in OPENING:
            pending_open += tok
            continue
        if pending_open:
            tok = pending_open + tok
            pending_open = ""
            if join_next and out:
                out[-1] += tok
            else:
                out.append(tok)
            join_next = False
            continue
        if tok in CLOSING or join_next:
            # a space between a word and its closing mark carries nothing: drop it
            while out and out[-1] in SPACES:
                out.pop()
            if out:
                out[-1] += tok
            else:
                out.append(tok)
            join_next = tok in JOINERS
            continue
        out.append(tok)
        join_next = False
    if pending_open:
        out.append(pending_open)
    return out


def _strip_marks(cluster: str) -> tuple[str, str, str]:
    """(leading opening marks, core, trailing closing marks) of a cluster."""
    start, end = 0, len(cluster)
    while start < end and cluster[start] in OPENING:
        start += 1
    while end > start and cluster[end - 1] in CLOSING:
        end -= 1
    return cluster[:start], cluster[start:end], cluster[end:]


def _split_wide(cluster: str, font_name: str, font_size: float, width: float) -> list[str]:
    """Split a cluster wider than a line: its marks first (the run stays whole when it fits a
    line), else at the cut points the rules allow."""
    lead, core, tail = _strip_marks(cluster)
    if core and (lead or tail):
        if stringWidth(lead + core, font_name, font_size) <= width:
            head = [lead + core]
        elif stringWidth(core, font_name, font_size) <= width:
            head = [lead, core] if lead else [core]
        else:
            head = _split_chars(lead + core, font_name, font_size, width)
        if not tail:
            return head
        if stringWidth(head[-1] + tail, font_name, font_size) <= width:
            return [*head[:-1], head[-1] + tail]
        return head + _split_chars(tail, font_name, font_size, width)
    return _split_chars(cluster, font_name, font_size, width)


def _split_chars(cluster: str, font_name: str, font_size: float, width: float) -> list[str]:
    """Split text wider than a line where it fills the line, avoiding illegal cut points."""
    pieces: list[str] = []
    rest = cluster
    while rest:
        fit = 0
        for k in range(1, len(rest) + 1):
            if stringWidth(rest[:k], font_name, font_size) > width:
                break
            fit = k
        fit = max(fit, 1)
        if fit >= len(rest):
            pieces.append(rest)
            break
        cut = fit
        while cut > 1 and (rest[cut] in CLOSING or rest[cut - 1] in OPENING):
            cut -= 1
        if rest[cut] in CLOSING or rest[cut - 1] in OPENING:
            cut = fit  # nowhere legal: an over-long run of marks, split where it fills the line
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def break_lines(
    text: str, font_name: str, font_size: float, width: float, *, first_indent: float = 0.0
) -> list[str]:
    """Break one paragraph (no newlines) into lines no wider than `width` points.

    The first line is `first_indent` points narrower (the caller draws it indented). Spaces at
    the ends of lines are dropped. An empty paragraph gives one empty line.
    """
    lines: list[str] = []
    line = ""
    used = 0.0
    avail = width - first_indent
    for cluster in clusters(text):
        is_space = cluster in SPACES
        if is_space and not line:
            continue
        w = stringWidth(cluster, font_name, font_size)
        if used + w <= avail + 1e-6:
            line += cluster
            used += w
            continue
        if is_space:
            lines.append(line.rstrip())
            line, used, avail = "", 0.0, width
            continue
        if line:
            lines.append(line.rstrip())
            line, used, avail = "", 0.0, width
        if w <= avail + 1e-6:
            line, used = cluster, w
            continue
        pieces = _split_wide(cluster, font_name, font_size, avail)
        lines.extend(pieces[:-1])
        avail = width
        line = pieces[-1]
        used = stringWidth(line, font_name, font_size)
    lines.append(line.rstrip())
    return lines


def wrap_text(
    text: str, font_name: str, font_size: float, width: float, *, first_indent: float = 0.0
) -> list[list[str]]:
    """Break every paragraph of `text` (separated by newlines; blank lines are dropped)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n")]
    return [
        break_lines(p, font_name, font_size, width, first_indent=first_indent)
        for p in paragraphs
        if p
    ]
