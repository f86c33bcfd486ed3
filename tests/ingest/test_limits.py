"""Hostile shapes are refused before reading, formulas without results are reported, and a runaway read ends
only the child it runs in."""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import limits
from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import LedgerRead, read_ledger
from analytics.ingest.limits import MAX_TEXT, declared_shapes
from analytics.ingest.sandbox import run_limited
from analytics.store.seed import SAMPLE_LEDGER
from tests.fixtures import ledgers as fx

REPO = Path(__file__).resolve().parents[2]


def _workbook(stray: str | None = None, rows: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows or [["项目名称", "计划总投资（万元）", "项目进度"], ["甲项目", 100, "签约"]]:
        sheet.append(row)
    if stray:
        sheet[stray] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("stray", "rows", "columns"), [("XFD1048576", 1048576, 16384), ("XFD5000", 5000, 16384)])
def test_a_stray_far_cell_is_refused_from_the_declared_range(stray: str, rows: int, columns: int) -> None:
    data = _workbook(stray)
    assert list(declared_shapes(data).values()) == [(rows, columns)]
    started = time.monotonic()
    with pytest.raises(ImportRejected) as refused:
        read_ledger(data, "台账.xlsx")
    assert refused.value.code == "sheet_too_large"
    assert time.monotonic() - started < 5  # a guard against a hang, far above the real figure
    assert "1000" in refused.value.sentence() and "16384" in refused.value.sentence()


def _filled_sheet(projects: int, prefix: str = "") -> bytes:
    """A header of two cells and `projects` rows of two values each: 2 + 2 × projects filled cells."""
    c, v = f"{prefix}c", f"{prefix}v"
    rows = [f'<row r="1">{fx._inline("A1", "项目名称")}{fx._inline("B1", "计划总投资")}</row>']
    rows += [
        f'<row r="{r}">{fx._inline(f"A{r}", f"项目{r}")}<{c} r="B{r}"><{v}>{r}</{v}></{c}></row>'
        for r in range(2, projects + 2)
    ]
    return fx.raw_xlsx("".join(rows))


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A limit of 1,000 filled cells, so a sheet past it is small enough to build in a test."""
    monkeypatch.setattr(limits, "MAX_FILLED_CELLS", 1000)
    return 1000


def test_a_sheet_with_more_filled_cells_than_a_read_holds_is_refused_before_it_is_read(
    small_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reader(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workbook was handed to the reader")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", no_reader)
    with pytest.raises(ImportRejected) as refused:
        read_ledger(_filled_sheet(500), "百万行.xlsx")  # 2 + 2 × 500 = 1,002 filled cells
    assert (refused.value.code, refused.value.sheet) == ("too_many_cells", "台账")
    assert "1,000" in refused.value.sentence() and "1,000" in refused.value.sentence("en")


def test_a_sheet_at_the_filled_cells_limit_is_read(small_limit: int) -> None:
    result = read_ledger(_filled_sheet(499), "台账.xlsx")  # 2 + 2 × 499 = 1,000 filled cells
    assert result.rows_imported == 499


def test_filled_cells_are_counted_with_a_namespace_prefix_too(small_limit: int) -> None:
    with pytest.raises(ImportRejected) as refused:
        read_ledger(_filled_sheet(500, prefix="x:"), "台账.xlsx")
    assert refused.value.code == "too_many_cells"


def test_formatted_empty_rows_are_no_filled_cells(small_limit: int) -> None:
    result = read_ledger(fx.formatted_empty_rows_xlsx(5000), "台账.xlsx")  # 5,000 styled rows, 6 values
    assert result.projects["investment_wan"].tolist() == [100.0, 200.0]


def test_a_csv_with_more_filled_cells_than_a_read_holds_is_refused(small_limit: int) -> None:
    lines = ["项目名称,计划总投资", *(f"项目{r},{r}" for r in range(500))]  # 2 + 2 × 500 = 1,002 filled cells
    with pytest.raises(ImportRejected) as refused:
        read_ledger("\n".join(lines).encode(), "台账.csv")
    assert (refused.value.code, refused.value.sheet) == ("too_many_cells", "台账")


def test_empty_csv_fields_are_no_filled_cells(small_limit: int) -> None:
    lines = ["项目名称,计划总投资", "甲项目,100", *([",,, ,"] * 2000), "乙项目,200"]
    assert read_ledger("\n".join(lines).encode(), "台账.csv").rows_imported == 2


def test_a_csv_wider_than_any_ledger_is_refused() -> None:
    with pytest.raises(ImportRejected) as refused:
        read_ledger(("项目名称," * 5000 + "\n").encode(), "宽表.csv")
    assert refused.value.code == "too_many_columns"


def test_formulas_without_a_saved_result_are_reported_per_cell() -> None:
    data = _workbook(
        rows=[["项目名称", "计划总投资（万元）", "项目进度"], ["甲项目", "=2*5000", "签约"], ["乙项目", 300, "签约"]]
    )
    result = read_ledger(data, "公式.xlsx")
    [issue] = [i for i in result.issues if i.code == "formula_without_value"]
    assert (issue.row, issue.column, issue.params["formula"]) == (2, "B", "2*5000")
    amounts = result.projects.set_index("project_name")["investment_wan"]
    assert amounts.isna()["甲项目"] and amounts["乙项目"] == 300  # left empty on purpose, and said so


def test_overlong_text_is_cut_with_a_warning() -> None:
    text = "长" * (MAX_TEXT + 10)
    result = read_ledger(f"项目名称,计划总投资,备注\n甲项目,100,{text}\n".encode(), "长.csv")
    [issue] = [i for i in result.issues if i.code == "text_cut"]
    assert (issue.row, issue.column, issue.params["length"]) == (2, "C", MAX_TEXT + 10)


def _allocate_forever() -> bytes:
    return bytes(8 * 1024 * 1024 * 1024)  # 8 GB: more than the child may have


def _sleep() -> None:
    time.sleep(30)


def _abort() -> None:
    os.abort()  # what a native reader does when its allocation fails


def _refuse() -> None:
    raise ImportRejected("no_sheets", "x.xlsx", sheet="台账", params={})


@pytest.mark.parametrize("runaway", [_allocate_forever, _abort])
def test_a_runaway_read_ends_only_its_child(runaway) -> None:
    with pytest.raises(ImportRejected) as refused:
        run_limited(runaway, file_name="坏.xlsx", memory=256 * 1024 * 1024, seconds=20)
    assert refused.value.code == "too_demanding"


@pytest.mark.parametrize("step", ["from_filelike", "get_sheet_by_name"])
def test_a_reader_out_of_memory_is_too_demanding_not_a_damaged_file(step: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def out_of_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(python_calamine.CalamineWorkbook, step, out_of_memory)
    with pytest.raises(ImportRejected) as refused:
        run_limited(read_ledger, fx.title_rows_xlsx(), "台账.xlsx", file_name="台账.xlsx")
    assert refused.value.code == "too_demanding"


def test_a_read_past_its_time_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(ImportRejected) as refused:
        run_limited(_sleep, file_name="慢.xlsx", seconds=1)
    assert refused.value.code == "too_demanding" and time.monotonic() - started < 10


class _Halfway:
    """Pickled after several megabytes of an answer have gone down the pipe: stalls, or ends the child, there."""

    def __init__(self, how: str) -> None:
        self.how = how

    def __reduce__(self) -> tuple:
        if self.how == "stall":
            time.sleep(30)
        else:
            os._exit(1)
        return (str, ())


def _answer_cut_off(how: str) -> list[object]:
    return [bytes(8 * 1024 * 1024), _Halfway(how)]


@pytest.mark.parametrize("how", ["stall", "die"])
def test_an_answer_cut_off_half_way_is_too_demanding_and_bounded_in_time(how: str) -> None:
    started = time.monotonic()
    with pytest.raises(ImportRejected) as refused:
        run_limited(_answer_cut_off, how, file_name="慢.xlsx", seconds=2)
    assert refused.value.code == "too_demanding" and time.monotonic() - started < 10


def test_a_large_answer_arrives_whole() -> None:
    # Larger than the pipe's buffer many times over, so it is read while the child is still writing it.
    answer = {"cells": [f"项目{i}" for i in range(200_000)], "blob": bytes(range(256)) * 40_000}
    assert run_limited(dict, answer, file_name="大.xlsx") == answer


def test_a_child_that_answered_is_reaped_all_the_same() -> None:
    before = {child.pid for child in multiprocessing.active_children()}
    assert run_limited(dict, {"a": 1}, file_name="x.xlsx") == {"a": 1}
    for _ in range(100):  # it exits on its own; a thread waits for it rather than the caller
        if not {child.pid for child in multiprocessing.active_children()} - before:
            break
        time.sleep(0.05)
    assert not {child.pid for child in multiprocessing.active_children()} - before


def test_a_refusal_in_the_child_arrives_unchanged() -> None:
    with pytest.raises(ImportRejected) as refused:
        run_limited(_refuse, file_name="x.xlsx")
    assert (refused.value.code, refused.value.sheet) == ("no_sheets", "台账")


def test_the_cli_refuses_a_hostile_file_and_leaves_no_database(tmp_path: Path) -> None:
    path = tmp_path / "xfd.xlsx"
    path.write_bytes(_workbook("XFD1048576"))
    db = tmp_path / "new.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "import", str(path), "--db", str(db)], cwd=REPO, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and not db.exists()


SAMPLE = SAMPLE_LEDGER.read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(SAMPLE)),
    flips=st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(1, 255)), max_size=8),
)
def test_mutated_workbooks_are_read_or_refused_never_crash(cut: int, flips: list[tuple[int, int]]) -> None:
    """Truncations and bit flips of a real workbook: a result or one refusal, within the limits, nothing else."""
    data = bytearray(SAMPLE[: max(cut, 1)])
    for position, mask in flips:
        if position < len(data):
            data[position] ^= mask
    try:
        outcome = run_limited(read_ledger, bytes(data), "台账.xlsx", file_name="台账.xlsx", seconds=20)
    except ImportRejected as refused:
        assert refused.sentence() and "Error" not in refused.sentence()
    else:
        assert isinstance(outcome, LedgerRead)
