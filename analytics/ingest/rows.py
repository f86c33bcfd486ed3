"""What each data row of a sheet is: a project, a blank line, a total, a footnote, a repeated header, a
section title over the projects below it, or the second line of a merged project (vectorised)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from analytics.ingest.errors import Issue
from analytics.ingest.headers import Header, parse_as_of
from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import normalise_text, texts_hit
from analytics.vocabulary import Vocabulary, header_key, lookup, lookup_stage, to_traditional

# Fields whose value a vertically merged cell gives to every row it covers (an industry merged over a group).
_GROUP_FIELDS = ("industry", "stage", "project_type", "department", "source_region", "channel", "is_key")
# "一、", "（二）", "(3)", "4.", "第一类" ...: how a section title (not a project) starts.
_ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、]|第[一二三四五六七八九十]+)"
)
_CHINESE_ORDINAL = r"[（(]?[一二三四五六七八九十]+[)）、.．]?|[（(][0-9]+[)）]"
_AMOUNT_LIKE = r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:亿|万|萬|億)?元?"
_SECTION_SUFFIX = re.compile(r"(?:产业|行业|类|板块|领域)?(?:项目)?$")
_MARKER_MAX_LEN = 12  # a totals/footnote label is short; a long text that starts with 合计 is something else
_TOTAL_ANYWHERE_MAX_LEN = 24  # 漳州台商投资区工业项目合计82个: a place or group before the 合计, and its count
# An outline number at the start of a text: 一、 / 一 工业 / （一） / (一） / (1) / 第一.
_OUTLINE = re.compile(
    r"^(?:[一二三四五六七八九十]+(?:[、.．]|\s|$)|[（(][一二三四五六七八九十0-9]+[)）]|第[一二三四五六七八九十]+)"
)


def raw_frame(grid: SheetGrid, header: Header) -> pd.DataFrame:
    """The data rows below the header as an object frame, one column per sheet column."""
    body = grid.rows[header.data_start :]
    lengths = set(map(len, body))
    width = max([*(c.index + 1 for c in header.columns), *lengths])
    if lengths == {width}:  # a workbook's rows are all as wide as its sheet: numpy fills the grid in one call
        cells = np.array(body, dtype=object)
    else:
        cells = np.empty((len(body), width), dtype=object)  # None wherever a short row has no cell
        for i, row in enumerate(body):
            cells[i, : len(row)] = row
    frame = pd.DataFrame(cells, columns=range(width), dtype=object, copy=False)
    frame.index = np.arange(header.data_start + 1, header.data_start + 1 + len(frame))  # spreadsheet rows
    return frame


def fill_merged_down(raw: pd.DataFrame, grid: SheetGrid, header: Header) -> None:
    """Give a vertically merged group cell (an industry over several projects) to every row it covers."""
    group_cols = {c.index for c in header.columns if c.field in _GROUP_FIELDS}
    for (r0, c0), (r1, c1) in grid.merged:
        if r1 > r0 and c0 == c1 and c0 in group_cols and r0 >= header.data_start and r0 + 1 in raw.index:
            raw.loc[r0 + 2 : r1 + 1, c0] = raw.at[r0 + 1, c0]  # index is 1-based spreadsheet rows


def _continuation_rows(grid: SheetGrid, header: Header) -> set[int]:
    """Spreadsheet rows under the top of a vertically merged project name: a project's second line."""
    name = header.field_columns().get("project_name")
    if name is None:
        return set()
    return {
        r + 1
        for (r0, c0), (r1, c1) in grid.merged
        if c0 <= name.index <= c1 and r0 >= header.data_start
        for r in range(r0 + 1, r1 + 1)
    }


_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?|\d{4}-\d{2}-\d{2}(?: 00:00:00)?")
# header_key of every distinct text seen while classifying one sheet. A sheet's texts are reused across
# the checks below (totals, footnotes, repeated headers, titles), and a 100,000-row sheet holds about as
# many distinct names: computing each once instead of once per check is most of the classifying time.
_KeyMemo = dict[str, str]


def _keys(texts: pd.Series, memo: _KeyMemo) -> pd.Series:
    """header_key of each text, computed once per distinct text; '' for empty cells and plain numbers."""
    for u in texts.dropna().unique():
        if u not in memo:
            memo[u] = "" if _NUMBER_LIKE.fullmatch(u) else header_key(u)
    # astype(str) first: pandas 3 keeps missing values missing in str, and an all-empty column maps to float.
    return texts.map(memo).astype(str).fillna("")


def _marker_hit(
    texts: pd.Series, markers: tuple[str, ...], memo: _KeyMemo, anywhere: tuple[str, ...] = ()
) -> pd.Series:
    """Cells that read as a totals label: 合计, 小计（3个）, 灯饰照明小计, 其中：签约项目, 龙海市合计14个."""
    keys = _keys(texts, memo)
    long_markers = tuple(m for m in markers if len(m) > 1)
    short = keys.str.len() <= _MARKER_MAX_LEN
    hit = keys.isin(markers) | (short & (keys.str.startswith(long_markers) | keys.str.endswith(long_markers)))
    if anywhere:
        inside = keys.str.contains("|".join(map(re.escape, anywhere)), regex=True)
        hit |= inside & (keys.str.len() <= _TOTAL_ANYWHERE_MAX_LEN)
    return hit


def to_footnote_key(text: str) -> str:
    """The label before a colon in a footnote line (备注：…, 填表人：…, 注1：…), else ''."""
    for sep in ("：", ":"):
        if sep in text:
            return re.sub(r"[0-9①-⑩]+$", "", header_key(text.split(sep, 1)[0]))
    return ""


def _title_like(text: str, vocab: Vocabulary) -> bool:
    """A text in the name column that reads as a section title (一、…, 灯饰照明产业, 在谈项目, 其他类)."""
    key = _SECTION_SUFFIX.sub("", header_key(text).upper())
    return bool(_ENUMERATED.match(text)) or key in vocab.industries or key in vocab.stages or key in vocab.other_words


@dataclass
class Rows:
    """What each data row is, and what the section titles above the projects say (indexed by sheet row)."""

    kind: pd.Series  # project / blank / total / footnote / header / section / continuation / detail
    first_text: pd.Series  # the row's first non-empty text
    section_industry: pd.Series
    section_stage: pd.Series
    section_title: pd.Series  # the title an industry came from, kept as the industry's original text


def _per_text(texts: pd.Series, test) -> pd.Series:
    """A boolean test applied once per distinct non-empty text (False for empty cells)."""
    uniques = texts.dropna().unique()
    found = dict(zip(uniques, map(test, uniques), strict=True))
    return pd.Series([found.get(t, False) for t in texts], index=texts.index, dtype=bool)


def _column_wise(
    frame: pd.DataFrame, test: Callable[[pd.Series], pd.Series], columns: list[int] | None = None
) -> pd.DataFrame:
    """test run over the columns (all, or those given) stacked end to end as one Series, split back into them: one
    pass of pandas' machinery instead of one per column, which is most of the cost when few rows are suspect."""
    columns = list(frame.columns if columns is None else columns)
    height = len(frame)
    stacked = np.concatenate([frame[c].to_numpy(dtype=object) for c in columns]) if columns else np.zeros(0, object)
    found = test(pd.Series(stacked, dtype=object)).to_numpy()
    return pd.DataFrame(
        {c: found[i * height : (i + 1) * height] for i, c in enumerate(columns)}, index=frame.index, columns=columns
    )


def _classify_in_full(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> Rows:
    """Classify rows with every test (the slow path, run on the suspect rows only)."""
    memo: _KeyMemo = {}
    text = _column_wise(raw, normalise_text)
    filled = text.notna()
    n_filled = filled.sum(axis=1)
    kind = pd.Series("project", index=raw.index, dtype=object)
    kind[n_filled == 0] = "blank"
    first_text = text.bfill(axis=1).iloc[:, 0] if len(text.columns) else pd.Series(None, index=raw.index)
    name_col = header.field_columns().get("project_name")
    name_text = text[name_col.index] if name_col else pd.Series(None, index=raw.index, dtype=object)

    def mark(mask: pd.Series, label: str) -> None:
        kind[(kind == "project") & mask] = label

    lead_cols = sorted({*range(min(3, len(text.columns))), *([name_col.index] if name_col else [])})
    totals = _column_wise(text, lambda t: _marker_hit(t, vocab.totals_markers, memo, vocab.totals_anywhere), lead_cols)
    mark(totals.any(axis=1), "total")

    # 备注：…, 填表人：… at the left, the name column empty or itself a footnote (审核人：…).
    footnote_key = first_text.fillna("").map(to_footnote_key)
    name_is_note = name_text.isna() | (name_text == first_text)
    name_is_note |= name_text.fillna("").map(to_footnote_key).isin(vocab.footnote_markers)
    mark(footnote_key.isin(vocab.footnote_markers) & ((n_filled <= 3) | name_is_note), "footnote")
    # A cut-off line under the table ("截至2023年12月31日") is a note, not a project of that name.
    cut_off = first_text.fillna("").map(lambda t: ("截至" in t or "截止" in t) and parse_as_of(t) is not None)
    mark(cut_off & (n_filled <= 2), "footnote")

    # A header repeated on every printed page: two or more cells that are field names.
    field_hits = _column_wise(text, lambda t: _keys(t, memo).str.upper().map(vocab.header_to_field))
    maybe = field_hits.notna().sum(axis=1) >= 2  # only these rows need the (slow) row-wise count
    repeated = pd.Series(False, index=raw.index)
    repeated[maybe] = (field_hits[maybe].nunique(axis=1) >= 2).to_numpy(dtype=bool)
    mark(repeated, "header")
    if name_col is not None:
        mark(_keys(name_text, memo) == header_key(name_col.label), "header")

    # A lone text at the left ("一、灯饰照明产业", "（二）在谈项目") is a section title over the projects below.
    position = filled.to_numpy().argmax(axis=1) if len(text.columns) else np.zeros(len(raw), dtype=int)
    lone = (n_filled == 1) & first_text.fillna("").str.contains(r"[^\d\s.,\-]", regex=True)
    lone &= position <= (name_col.index if name_col else 1)
    in_name = lone & (position == (name_col.index if name_col else -1))
    lone &= ~in_name | _per_text(first_text, lambda t: _title_like(t, vocab))
    mark(lone, "section")
    # A title in the name column ("一" | "灯饰照明产业" | subtotal amounts), or a 序号 that is a Chinese
    # numeral (projects are numbered 1, 2, 3; groups 一、二、三).
    ignored = [c.index for c in header.columns if header_key(c.label) in vocab.ignored_headers]
    if name_col is not None:
        wordy = _column_wise(text, lambda t: t.notna() & ~t.fillna("").str.fullmatch(_AMOUNT_LIKE))
        wordy_elsewhere = wordy.drop(columns=[name_col.index, *ignored]).sum(axis=1)
        titled = _per_text(name_text, lambda t: _title_like(t, vocab))
        numeral = pd.Series(False, index=raw.index)
        for c in ignored:
            numeral |= text[c].fillna("").str.fullmatch(_CHINESE_ORDINAL)
        mark((titled | numeral) & (wordy_elsewhere == 0), "section")
        # An outline heading in the numbering column with the name column empty, amounts or not:
        # （一）工业项目82个 | | 1847655.
        outline = pd.Series(False, index=raw.index)
        for c in ignored:
            outline |= text[c].fillna("").str.match(_OUTLINE)
        mark(outline & name_text.isna() & (wordy_elsewhere == 0), "section")
        # No number and no name but something else (a funding-source line under a project): it belongs to
        # the project above, if there is one (decided in classify_rows, which sees every row).
        if ignored:
            unnumbered = filled[ignored].sum(axis=1) == 0
            mark(unnumbered & name_text.isna() & (n_filled > 0), "detail")

    mark(pd.Series(raw.index.isin(list(_continuation_rows(grid, header))), index=raw.index), "continuation")

    # Rows where only the 序号 column is filled are the template's empty lines.
    mark(filled.drop(columns=ignored).sum(axis=1) == 0, "blank")

    sections = name_text.where(name_text.notna(), first_text).where(kind == "section")
    industry = sections.map(lambda t: lookup(vocab.industries, t) if isinstance(t, str) else None)
    stage = sections.map(lambda t: lookup_stage(vocab.stages, t) if isinstance(t, str) else None)
    is_section = (kind == "section").to_numpy()
    # An industry title starts a new group (its stage sub-sections reset); a stage title keeps the industry;
    # a title that names neither ends both.
    industry_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    title_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    stage_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    for i in np.flatnonzero(is_section):
        industry_key, stage_key = industry.iloc[i], stage.iloc[i]
        if industry_key or not stage_key:
            industry_at[i] = industry_key
            title_at[i] = sections.iloc[i]
        stage_at[i] = stage_key
    return Rows(
        kind,
        first_text.where(kind != "section", sections),
        _carried(industry_at, raw.index),
        _carried(stage_at, raw.index),
        _carried(title_at, raw.index),
    )


_AS_ABOVE = object()
_BLANKS = ["", " ", "\u3000", "\n", "\t"]
_blank_cell = np.frompyfunc(frozenset(_BLANKS).__contains__, 1, 1)
# Text without which a lead cell cannot make its row a footnote, cut-off line or numbered title: a colon, a
# cut-off word or a totals marker of the vocabulary (in both scripts) anywhere, or an outline number at the start
# ({end}: where a text ends).
_SUSPECT_ANYWHERE = ("：", ":", "截至", "截止")
_SUSPECT_START = (
    r"[（(]?[一二三四五六七八九十]+(?:[)）、.．\s]|{end})|第[一二三四五六七八九十]|[0-9]+、|[（(][0-9]+[)）]"
)
_JOIN = "\x00"  # before each text when they are searched as one string


@cache
def _suspect_patterns(markers: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(anywhere, at the start of one text, at the start of any text of a NUL-joined string)."""
    both = sorted({*markers, *(to_traditional(m) for m in markers)}, key=len, reverse=True)
    anywhere = re.compile("|".join(map(re.escape, [*both, *_SUSPECT_ANYWHERE])))
    start = re.compile(_SUSPECT_START.format(end="$"))
    # Every outline number starts with one of these: a NUL followed by anything else fails at one character
    # instead of at each alternative (a 100,000-row sheet has as many NULs).
    opening = r"(?=[（(一二三四五六七八九十第0-9])"
    joined_start = re.compile(f"{_JOIN}{opening}(?:{_SUSPECT_START.format(end=f'(?={_JOIN})|$')})")
    return anywhere, start, joined_start


def load_patterns(vocab: Vocabulary) -> None:
    """Build the suspect-row patterns now (they need the s2t dictionary, ~30 ms to load): called in the server
    before a read is forked off, every read's child inherits them instead of building them again."""
    _suspect_patterns(vocab.totals_markers)


def _suspect_text(texts: list[str], markers: tuple[str, ...]) -> np.ndarray:
    """Bool per text: a totals marker, colon or cut-off word anywhere in it, or an outline number at its start.

    All texts are searched as one string, each after a NUL: both patterns begin with a literal the regex engine
    skips ahead to, where a search per text would try every alternative at every character of 100,000 names.
    """
    anywhere, start, joined_start = _suspect_patterns(markers)
    joined = _JOIN + _JOIN.join(texts)
    if joined.count(_JOIN) != len(texts):  # a text holds a NUL itself
        return np.array([bool(anywhere.search(t) or start.match(t)) for t in texts], dtype=bool)
    hits = [m.start() for m in anywhere.finditer(joined)] + [m.start() for m in joined_start.finditer(joined)]
    return texts_hit(texts, joined, hits)


_SHORT_NAME = 12  # a section title in the name column is short ("灯饰照明产业"); a project name seldom is
_PLAIN_ROW_CELLS = 4  # a row with this many filled cells is a project unless a lead cell says otherwise


def _filled(column: np.ndarray) -> np.ndarray:
    """Bool per cell: it holds a value (not None/NaN, not a blank text)."""
    blank = _blank_cell(column).astype(bool)
    if pd.api.types.infer_dtype(column, skipna=False) == "string":
        return ~blank  # texts only (told at C speed): no None or NaN to look for
    return ~pd.isna(column) & ~blank


def _lead_texts(column: np.ndarray, filled: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The positions of the cells that hold a filled-in string, and those strings (no other cell can be suspect)."""
    kind = pd.api.types.infer_dtype(column, skipna=False)  # one C-speed pass; names and investors are all texts
    if kind in ("floating", "integer", "mixed-integer-float", "empty"):
        return np.zeros(0, dtype=np.intp), []  # a 序号 column of numbers
    if kind != "string":  # a 序号 of numbers and a 合计: the strings found without a Python loop
        filled = filled & np.equal(np.frompyfunc(type, 1, 1)(column), str)
    at = np.flatnonzero(filled)
    return at, column[at].tolist()


def _suspect_rows(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> pd.Series:
    """Rows that might not be projects, found with cheap vectorised tests; only these are classified in full.

    Classifying needs every cell as text and several vocabulary look-ups per distinct text; on a
    100,000-row export that is most of the import time, while almost every row is a plain project.
    """
    values = raw.to_numpy(dtype=object)
    name_col = header.field_columns().get("project_name")
    lead = sorted({*range(min(3, len(raw.columns))), *([name_col.index] if name_col else [])})
    # Rows with few filled cells are suspect. Counted column by column, and once a row has enough, its other
    # cells need not be looked at: in a ledger nearly every row fills its first few columns.
    filled = {c: _filled(values[:, c]) for c in lead}
    count = np.zeros(len(values), dtype=np.int64)
    for c in range(values.shape[1]):
        open_rows = np.flatnonzero(count < _PLAIN_ROW_CELLS)
        if not len(open_rows):
            break
        if c in filled:
            count += filled[c]
        elif len(open_rows) == len(values):
            count += _filled(values[:, c])
        else:
            count[open_rows] += _filled(values[open_rows, c])
    suspect = count < _PLAIN_ROW_CELLS
    labels = {c.index: c.label for c in header.columns}
    for c in lead:
        at, texts = _lead_texts(values[:, c], filled[c])
        if not texts:
            continue
        found = _suspect_text(texts, vocab.totals_markers)
        label = labels.get(c, "\0")
        if texts.count(label):  # a header repeated down the sheet (rare: the count alone runs at C speed)
            found |= np.asarray(texts, dtype=object) == label
        if name_col is not None and c == name_col.index:
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            found |= (lengths >= 1) & (lengths <= _SHORT_NAME)
        suspect[at] |= found
    if name_col is not None:
        suspect |= ~filled[name_col.index]  # a total, title or continuation line has no name
    suspect |= raw.index.isin(list(_continuation_rows(grid, header)))
    return pd.Series(suspect, index=raw.index)


def classify_rows(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> Rows:
    """Classify every row: plain project rows are recognised cheaply, the rest in full."""
    suspects = _suspect_rows(raw, header, vocab, grid)
    index = raw.index
    if not suspects.any():
        none = pd.Series(None, index=index, dtype=object)
        return Rows(pd.Series("project", index=index, dtype=object), none, none, none, none)
    found = _classify_in_full(raw[suspects], header, vocab, grid)
    kind = _attach_details(found.kind.reindex(index, fill_value="project"))

    def carried(values: pd.Series) -> pd.Series:
        # Section facts hold from their row down to the next suspect row, which carries them on itself.
        out = values.reindex(index, method="ffill").astype(object)
        return out.where(index >= values.index[0], None)

    return Rows(
        kind,
        found.first_text.reindex(index),
        carried(found.section_industry),
        carried(found.section_stage),
        carried(found.section_title),
    )


def _attach_details(kind: pd.Series) -> pd.Series:
    """Unnumbered, unnamed rows continue the project above them; with no project above they stay rows
    without a name (reported as errors)."""
    if not (kind == "detail").any():
        return kind
    owner = kind.where(~kind.isin(["blank", "detail"])).ffill()
    attached = (kind == "detail") & owner.isin(["project", "continuation"])
    return kind.where(~(kind == "detail") | attached, "project")


def _carried(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Section values carried down to the rows below them (_AS_ABOVE cells take the value above)."""
    carried, current = [], None
    for value in values:
        current = current if value is _AS_ABOVE else value
        carried.append(current)
    return pd.Series(carried, index=index, dtype=object)


# What a row that is not a project was taken for, as the code of its note.
_SKIPPED_CODES = {
    "total": "total_row_skipped",
    "footnote": "footnote_row_skipped",
    "header": "header_row_skipped",
    "continuation": "continuation_row_skipped",
    "detail": "detail_row_attached",
}


def row_notes(sheet: str, rows: Rows) -> list[Issue]:
    """One note per row that is not a project (skipped, or a section title used for the rows below)."""
    kind, first_text = rows.kind, rows.first_text
    notes = [
        Issue(_SKIPPED_CODES[kind[r]], sheet, int(r), None, "info", {"text": first_text[r]})
        for r in kind.index[kind.isin(list(_SKIPPED_CODES))]
    ]
    notes += [
        Issue("section_row", sheet, int(r), None, "info", {"text": first_text[r]})
        for r in kind.index[kind == "section"]
    ]
    return notes
