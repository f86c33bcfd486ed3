"""Issue and refusal codes: every code the importer records has a sentence in both languages, the sentences
take the params the code sends, and English sentences hold no Chinese except text quoted from the upload."""

from __future__ import annotations

import ast
import json
import re
import string
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.i18n import CATALOGUE, render
from analytics.ingest.errors import LEGACY, ImportRejected, Issue
from analytics.ingest.ledger import read_ledger
from tests.fixtures import ledgers as fx

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(REPO / "analytics/ingest").glob("*.py"), *(REPO / "analytics/store").glob("*.py")])
# Calls whose first argument is an issue code (row_issues and fields._unreadable make one Issue per row).
ISSUE_CALLS, REFUSAL_CALLS = {"Issue", "row_issues", "_unreadable"}, {"ImportRejected"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r'"[^"]*"')


def _catalogue() -> dict[str, dict[str, str]]:
    return tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))


def _codes_in_sources() -> tuple[set[str], set[str]]:
    """(issue codes, refusal codes) written in analytics/ingest and analytics/store."""
    issues: set[str] = set()
    refusals: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in ISSUE_CALLS:
                    issues.add(node.args[0].value)
                elif name in REFUSAL_CALLS:
                    refusals.add(node.args[0].value)
            # A table of codes by kind of row (rows._SKIPPED_CODES).
            is_table = isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            if is_table and any(isinstance(t, ast.Name) and t.id.endswith("_CODES") for t in node.targets):
                issues |= {v.value for v in node.value.values if isinstance(v, ast.Constant)}
    return issues, refusals


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _keys(prefix: str) -> set[str]:
    return {key for key in _catalogue()["zh"] if key.startswith(prefix)}


def test_the_scan_finds_the_codes_it_should() -> None:
    issues, refusals = _codes_in_sources()
    # A few known codes, so a broken scan cannot pass by finding nothing.
    assert {"total_row_skipped", "placeholder", "stage_behind_dates", "targets_imported"} <= issues
    assert {"no_ledger_header", "too_large", "targets_year_missing"} <= refusals


def test_every_code_in_the_sources_has_a_sentence_in_both_languages() -> None:
    catalogue = _catalogue()
    issues, refusals = _codes_in_sources()
    wanted = {f"issue.{c}" for c in issues} | {f"reject.{c}" for c in refusals}
    for lang in ("zh", "en"):
        assert not wanted - set(catalogue[lang]), f"missing in [{lang}]"


def test_every_sentence_in_the_catalogue_belongs_to_a_code() -> None:
    issues, refusals = _codes_in_sources()
    assert _keys("issue.") == {f"issue.{c}" for c in issues | {LEGACY}}
    assert _keys("reject.") == {f"reject.{c}" for c in refusals}


@pytest.mark.parametrize("key", sorted(_keys("issue.") | _keys("reject.") | _keys("sheet_reason.")))
def test_both_languages_take_the_same_params_and_render(key: str) -> None:
    catalogue = _catalogue()
    assert _fields(catalogue["zh"][key]) == _fields(catalogue["en"][key])
    # Numbers fit every placeholder, including the formatted ones ({size_mb:.1f}).
    params = {name: 7 for name in _fields(catalogue["zh"][key])}
    for lang in ("zh", "en"):
        assert render(key, params, lang)


def _issues_of(data: bytes, name: str = "台账.xlsx") -> list[Issue]:
    return read_ledger(data, name).issues


# Fixtures that between them raise most of the row-level codes.
FIXTURES: list[tuple[Callable[[], bytes], str]] = [
    (fx.title_rows_xlsx, "台账.xlsx"),
    (fx.skipped_rows_xlsx, "台账.xlsx"),
    (fx.sections_xlsx, "台账.xlsx"),
    (fx.stage_sheets_xlsx, "台账.xlsx"),
    (fx.dates_xlsx, "台账.xlsx"),
    (fx.flags_xlsx, "台账.xlsx"),
    (fx.placeholders_xlsx, "台账.xlsx"),
    (fx.multi_sheet_xlsx, "台账.xlsx"),
    (fx.summary_sheet_xlsx, "台账.xlsx"),
    (fx.no_unit_xlsx, "台账.xlsx"),
    (fx.wps_export_xlsx, "台账.xlsx"),
    (lambda: fx.twin_csv("utf-8")[:-4], "台账.csv"),
]


@pytest.mark.parametrize(("make", "name"), FIXTURES, ids=[f"{i}" for i in range(len(FIXTURES))])
def test_recorded_issues_render_in_both_languages_and_survive_json(make: Callable[[], bytes], name: str) -> None:
    issues = _issues_of(make(), name)
    assert issues
    for issue in issues:
        record = json.loads(json.dumps(issue.record(), ensure_ascii=False))
        assert Issue.from_record(record) == issue and record["params"] == issue.params
        english = issue.sentence("en")
        assert issue.sentence("zh") and english
        # Whatever Chinese is left in English is text quoted from the spreadsheet.
        assert not CJK.search(QUOTED.sub("", english)), english


def test_english_sentences_quote_what_came_from_the_spreadsheet() -> None:
    stage = next(i for i in _issues_of(fx.stage_sheets_xlsx()) if i.code.endswith("stage_behind_dates"))
    assert not CJK.search(QUOTED.sub("", stage.sentence("en")))
    placeholder = Issue("placeholder", "台账", 5, "计划总投资", "warning", {"expected": {"key": "expected.amount"},
                                                                         "text": "待定"})  # fmt: skip
    assert placeholder.sentence("zh") == "应填写金额，实为占位符「待定」，已按空值处理"
    assert placeholder.sentence("en") == 'Expected an amount but found the placeholder "待定"; left empty'


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (fx.rows_xlsx(["投资方", "计划总投资"], [["甲公司", 100]]), "no_name_column"),
        (fx.book_xlsx({"说明": [["本表按季度更新"]], "封面": [["古镇镇"]]}), "no_ledger_header"),
        (fx.word_docx(), "word_document"),
    ],
    ids=["no_name_column", "no_ledger_header", "word_document"],
)
def test_refusals_name_the_file_in_both_languages(data: bytes, code: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read_ledger(data, "台账.xlsx")
    refusal = caught.value
    assert refusal.code == code
    assert refusal.sentence().startswith("文件 台账.xlsx") and refusal.sentence("en").startswith('File "台账.xlsx"')
    english = refusal.sentence("en")
    assert not CJK.search(QUOTED.sub("", english)), english


def test_an_issue_stored_before_codes_renders_as_stored() -> None:
    old = {"sheet": "台账", "row": 7, "column": None, "severity": "warning", "message": "无法识别的日期「下月」"}
    issue = Issue.from_record(old)
    assert issue.code == LEGACY and (issue.sheet, issue.row, issue.severity) == ("台账", 7, "warning")
    assert issue.sentence("zh") == issue.sentence("en") == "无法识别的日期「下月」"
