"""禁则 line breaking: closing marks never start a line, opening marks never end one, numbers
and Latin words stay whole; reportlab's wordWrap='CJK' alone breaks the first rule."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from forms.fonts import FontSet
from forms.linebreak import CLOSING, OPENING, break_lines, clusters, wrap_text

TEXT = (
    "兹证明王秀英（女，公民身份号码610202********1234）自2009年3月起居住在本社区，系本社区常住居民。"
    "该居民遵纪守法，“邻里和睦”，积极参加社区活动！联系电话0919-3181234（工作日8:30—17:30）。"
)


def _rl_lines(text: str, font: str, size: float, width: float) -> list[str]:
    style = ParagraphStyle("cjk", fontName=font, fontSize=size, leading=size * 1.5, wordWrap="CJK")
    para = Paragraph(text, style)
    para.wrap(width, 10_000)
    return ["".join(words) for _extra, words in para.blPara.lines]


def test_reportlab_cjk_wrap_lets_a_line_start_with_closing_punctuation(fonts: FontSet) -> None:
    """GIVEN a crafted paragraph WHEN reportlab wraps it with wordWrap='CJK' at many widths
    THEN some line starts with a closing mark, and at the same widths ours never does."""
    rl_bad = []
    for width in range(60, 320, 2):
        lines = _rl_lines(TEXT, fonts.song, 12, width)
        if any(line and line[0] in CLOSING for line in lines[1:]):
            rl_bad.append(width)
        ours = break_lines(TEXT, fonts.song, 12, width)
        for before, line in itertools.pairwise(ours):
            if line and line[0] in CLOSING:
                # the one exception: a run that fills a line with its marks pushed over
                marks = line[: len(line) - len(line.lstrip("".join(CLOSING)))]
                assert stringWidth(before + marks, fonts.song, 12) > width, (width, ours)
                assert len(clusters(before)) == 1, (width, ours)
        assert not any(line and line[-1] in OPENING for line in ours), (width, ours)
    assert rl_bad, "reportlab's CJK wrap was expected to break 禁则 at some width"


def test_lines_fit_and_keep_all_text(fonts: FontSet) -> None:
    """Every line fits the width, and joining the lines gives the text back."""
    for width in (80, 131, 200, 333):
        lines = break_lines(TEXT, fonts.song, 12, width)
        assert "".join(lines) == TEXT
        assert all(stringWidth(line, fonts.song, 12) <= width + 1e-6 for line in lines)


def test_numbers_ids_times_and_words_are_not_split(fonts: FontSet) -> None:
    """610202********1234, 0919-3181234, 8:30—17:30 and Latin words each stay on one line."""
    for width in range(120, 320, 3):
        joined = "\n".join(break_lines(TEXT + " Hello world 3.14159", fonts.song, 12, width))
        for run in ("610202********1234", "0919-3181234", "8:30—17:30", "Hello", "3.14159"):
            assert run in joined, (width, joined)


def test_clusters_glue_marks() -> None:
    """Opening marks join the next character, closing marks the previous one."""
    assert clusters("（男，") == ["（男，"]
    assert clusters("“好”。甲") == ["“好”。", "甲"]
    assert clusters("阿卜杜·热合曼") == ["阿", "卜", "杜·热", "合", "曼"]


def test_first_indent_and_paragraphs(fonts: FontSet) -> None:
    """The first line is narrower by the indent; blank lines separate paragraphs."""
    paras = wrap_text("甲乙丙丁戊己庚辛\n\n壬癸", fonts.song, 10, 60, first_indent=20)
    assert paras == [["甲乙丙丁", "戊己庚辛"], ["壬癸"]]


def test_overlong_run_is_split_rather_than_overflowing(fonts: FontSet) -> None:
    """A Latin run wider than the line is cut, never drawn past the margin."""
    lines = break_lines("A" * 80, fonts.song, 12, 100)
    assert len(lines) > 1
    assert all(stringWidth(line, fonts.song, 12) <= 100 for line in lines)


CJK = st.sampled_from(list("社区居民委员会证明本人王秀英住址申请事项办理"))
PUNCT = st.sampled_from(list("，。、；：？！）」』》】…,.;:?!)（「『《【("))
LATIN = st.text(alphabet="0123456789ABCxyz", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.one_of(CJK, CJK, CJK, PUNCT, LATIN), min_size=1, max_size=120),
    width=st.floats(min_value=90, max_value=400),
)
def test_property_no_line_starts_with_closing_or_ends_with_opening(
    fonts: FontSet, parts: list[str], width: float
) -> None:
    """Random CJK text with punctuation: after the first line no line starts with a closing
    mark, no line ends with an opening mark (runs of marks are short enough to fit a line)."""
    text = "".join(parts)
    assume(all(stringWidth(c, fonts.song, 12) <= width for c in clusters(text)))
    lines = break_lines(text, fonts.song, 12, width)
    assert "".join(lines) == text.strip()
    for i, line in enumerate(lines):
        if i > 0 and line:
            assert line[0] not in CLOSING, lines
        if i < len(lines) - 1 and line:
            assert line[-1] not in OPENING, lines


# --- values that must stay whole: masked ID numbers, serials, dates, phone numbers -----------
DIGITS = "0123456789"
MASKED_IDS = st.builds(
    lambda a, b: f"{a}********{b}",
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(DIGITS + "X", min_size=4, max_size=4).filter(lambda s: "X" not in s[:3]),
)
SERIALS = st.builds(
    lambda c, d, n: f"{c}-{d}-{n:05d}",
    st.text(DIGITS, min_size=9, max_size=9),
    st.dates().map(lambda d: f"{d:%Y%m%d}").filter(lambda s: len(s) == 8),
    st.integers(1, 99999),
)
CN_DATES = (
    st.dates()
    .map(lambda d: f"{d.year:04d}年{d.month}月{d.day}日")
    .filter(lambda s: s[:4].isdigit() and s[0] != "0")
)
PHONES = st.one_of(
    st.builds(lambda n: f"0919-{n}", st.text(DIGITS, min_size=7, max_size=7)),
    st.builds(lambda a, b: f"1{a}****{b}", st.text(DIGITS, min_size=2, max_size=2),
              st.text(DIGITS, min_size=4, max_size=4)),
)  # fmt: skip
VALUES = st.one_of(MASKED_IDS, SERIALS, CN_DATES, PHONES)
WRAPPED = st.builds(
    lambda before, value, after: (before + value + after, value),
    # written text always separates a value from the next run (two numbers side by side are
    # one number): a mark or a character before and after it
    st.sampled_from(["（", "“", "编号", "号码", "自"]),
    VALUES,
    st.sampled_from(["）", "）：", "，", "。", "”。", "起"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.one_of(CJK, CJK, PUNCT, WRAPPED), min_size=1, max_size=60),
    font_pick=st.sampled_from(["song", "sans"]),
    size=st.sampled_from([9.0, 10.5, 12.0, 13.0, 15.0, 17.0]),
    extra=st.floats(min_value=0, max_value=300),
)
def test_property_values_never_break_across_lines(
    fonts: FontSet,
    pieces: list[str | tuple[str, str]],
    font_pick: str,
    size: float,
    extra: float,
) -> None:
    """GIVEN text holding masked ID numbers, serials, Chinese dates and phone numbers, with
    brackets and punctuation glued to them, WHEN it is broken at any width that holds the widest
    of them (every layout sizes its type so: tests/lawful) in either face THEN each one is whole
    on one line, and the text is all there."""
    font = fonts.song if font_pick == "song" else fonts.sans
    values = [p[1] for p in pieces if isinstance(p, tuple)]
    text = "".join(p[0] if isinstance(p, tuple) else p for p in pieces)
    widest = max((stringWidth(v, font, size) for v in values), default=size)
    width = max(widest, size * 2) + extra
    lines = break_lines(text, font, size, width)
    assert "".join(lines) == text.strip()
    assert all(stringWidth(line, font, size) <= width + 1e-6 for line in lines)
    for value in values:
        assert any(value in line for line in lines), (value, lines)


def test_a_masked_id_with_its_brackets_stays_whole_on_a_slip_line(fonts: FontSet) -> None:
    """The 80 mm slip's old defect: （610202********0024）： wider than the line was cut inside
    the number ("…002" / "4）："); now the closing marks give way, never the digits."""
    from forms.layouts.slip import PAPERS

    paper = PAPERS["slip80"]
    width = paper.width - 2 * paper.margin
    text = "刘强（610202********0024）：您需要的证明"
    assert stringWidth("（610202********0024）：", fonts.sans, 17) > width  # the case at issue
    lines = break_lines(text, fonts.sans, 17, width)
    assert any("610202********0024" in line for line in lines), lines


def test_chinese_dates_are_one_cluster() -> None:
    """2026年12月1日 is one value: no break between 2026 and 年."""
    assert "2026年12月1日" in clusters("自2026年12月1日起")
    assert "3月8日" in clusters("请于3月8日前")
