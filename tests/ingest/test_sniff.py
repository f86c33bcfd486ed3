"""Format detection by content, and early refusal of files that are not (or not safe) spreadsheets."""

from __future__ import annotations

import zipfile

import pytest

from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import read_ledger
from analytics.ingest.sniff import detect_format
from tests.fixtures import ledgers as fx


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (fx.title_rows_xlsx(), "xlsx"),
        (fx.xls_bytes(), "xls"),
        (fx.ods_bytes(), "ods"),
        (fx.csv_bytes("utf-8"), "csv"),
        (fx.csv_bytes("utf-8-sig"), "csv"),
        (fx.csv_bytes("gbk"), "csv"),
        (fx.twin_csv("utf-16"), "csv"),
        (fx.twin_csv("utf-16-le"), "csv"),  # no byte-order mark
    ],
)
def test_format_from_content_whatever_the_name(data: bytes, fmt: str) -> None:
    assert detect_format(data, "upload.xlsx") == fmt
    assert detect_format(data, "upload.csv") == fmt


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (fx.truncated(fx.title_rows_xlsx()), "damaged_archive"),
        (fx.word_docx(), "word_document"),
        (fx.word_doc(), "word_document"),
        (fx.encrypted_workbook(), "password_protected"),
        (b"%PDF-1.7\n...", "pdf"),
        (b"<html><body>table</body></html>", "html_or_xml"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not_a_spreadsheet"),
    ],
)
def test_refusals_say_what_the_file_is(data: bytes, code: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        detect_format(data, "台账.xlsx")
    assert caught.value.code == code
    assert "台账.xlsx" in caught.value.sentence() and "台账.xlsx" in caught.value.sentence("en")


@pytest.mark.parametrize(
    "data", [fx.truncated(fx.xls_bytes()), fx.truncated(fx.ods_bytes()), fx.title_rows_xlsx()[:-200]]
)
def test_truncated_workbooks_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(ImportRejected):
        read_ledger(data, "台账.xlsx")


def test_zip_bomb_is_refused_from_declared_sizes_without_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = fx.zip_bomb_xlsx()
    assert len(bomb) < 1024 * 1024  # 120 MB of XML in well under 1 MB

    def no_inflating(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(ImportRejected) as caught:
        detect_format(bomb, "台账.xlsx")
    assert caught.value.code == "zip_bomb"


def test_size_limit_default_and_configurable() -> None:
    data = fx.title_rows_xlsx()
    with pytest.raises(ImportRejected) as caught:
        detect_format(data, "台账.xlsx", max_bytes=1000)
    assert caught.value.code == "too_large"
    big = b"\xef\xbb\xbf" + b"a" * (50 * 1024 * 1024)  # over the default 50 MB
    with pytest.raises(ImportRejected, match="超过上限 50 MB"):
        detect_format(big, "big.csv")


def test_truncated_gbk_csv_is_read_with_a_warning() -> None:
    data = fx.twin_csv("gbk")[:-3]  # cut inside the last line's last character
    result = read_ledger(data, "台账.csv")
    assert result.rows_imported == 5
    assert any(i.code == "csv_encoding_lossy" and i.severity == "warning" for i in result.issues)
