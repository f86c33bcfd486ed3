"""Shared fixtures: a database seeded from the bundled sample ledger, made once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.store.seed import ensure_seeded


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "reserves.duckdb"
    assert ensure_seeded(path) is True
    return path


@pytest.fixture
def sample_db(sample_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seeded database, made the app's database via RESERVES_DB."""
    path = tmp_path / "reserves.duckdb"
    shutil.copy(sample_db_template, path)
    monkeypatch.setenv("RESERVES_DB", str(path))
    return path
