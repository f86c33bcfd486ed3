"""Backup, restore and check: copy the database with its archive consistently, and verify both can be trusted.

A backup is a folder holding the database file and its archive folder, copied while a read-only connection
holds the file (so no writer can change the database or append to the journal meanwhile). `check` reads every
row of every table, verifies each snapshot's original against its hash, and replays the journal into a
scratch database to prove the archive rebuilds what the database holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

from analytics.store.connection import (
    WRITE_TIMEOUT,
    DatabaseDamaged,
    Waiting,
    archive_dir,
    connect,
    database_path,
    reading,
    release_readers,
    unavailable,
)
from analytics.store.journal import SEQ_KEY, committed_seq, read_journal
from analytics.store.snapshots import archived_uploads

BACKUPS = "backups.jsonl"  # in the archive folder: where and when each backup was written


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; `code` and `params` say why."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)


@dataclass
class Health:
    """What `check` found: per-table (rows, checksum), and every problem as (code, detail)."""

    database: Path
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    damaged: str | None = None  # why the database itself cannot be read, if it cannot
    archive_problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.damaged is None and not self.archive_problems


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(rows, checksum) of every table, reading every row and every column (originals' bytes included)."""
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
    sums = {}
    for name in names:
        # A table name cannot be a bound parameter; these come from the catalogue, quoted.
        rows, checksum = con.execute(
            f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {_quoted(name)} AS t"
        ).fetchone()
        sums[name] = (int(rows), int(checksum))
    return sums


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def verify_keys(con: duckdb.DuckDBPyConnection) -> str | None:
    """Look every key up through its index (a table scan never reads index blocks); the first problem, or None."""
    keys = con.execute(
        """
        SELECT table_name, constraint_column_names FROM duckdb_constraints()
        WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY table_name
        """
    ).fetchall()
    for table, columns in keys:
        names = ", ".join(_quoted(c) for c in columns)
        match = " AND ".join(f"{_quoted(c)} = ?" for c in columns)
        # Identifiers from the catalogue, quoted; every value bound.
        lookup = f"SELECT count(*) FROM {_quoted(table)} WHERE {match}"
        for key in con.execute(f"SELECT DISTINCT {names} FROM {_quoted(table)}").fetchall():
            if con.execute(lookup, list(key)).fetchone()[0] != 1:
                return f"{table}: key {key} does not find exactly one row"
    return None


# DuckDB's file: three 4 KiB headers, then 256 KiB blocks, each starting with a checksum of the rest of the block
# (xor of every 8-byte word times a constant, seeded with 5381). Reading every row misses blocks no query
# reaches (free blocks, parts of an index), so check also verifies every block's checksum directly.
_HEADERS = 3 * 4096
_BLOCK = 256 * 1024
_MULTIPLIER = np.uint64(0xBF58476D1CE4E5B9)


def damaged_blocks(path: Path) -> list[int] | None:
    """Offsets of blocks whose stored checksum does not match; None when the file's layout is not the known one."""
    with path.open("rb") as f:
        if f.read(12)[8:12] != b"DUCK":
            return None
        f.seek(_HEADERS)
        bad, blocks = [], 0
        while len(block := f.read(_BLOCK)) == _BLOCK:
            words = np.frombuffer(block, dtype="<u8")
            with np.errstate(over="ignore"):
                computed = int(np.bitwise_xor.reduce(words[1:] * _MULTIPLIER)) ^ 5381
            if computed != int(words[0]):
                bad.append(_HEADERS + blocks * _BLOCK)
            blocks += 1
    # A layout we do not know (another storage version, encryption) would fail nearly everywhere: not damage.
    return None if blocks and len(bad) > blocks // 2 else bad


def _comparable(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Checksums a replay must reproduce: everything but the journal's own position."""
    sums = table_checksums(con)
    sums["settings"] = tuple(
        int(v)
        for v in con.execute(
            "SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM settings AS t WHERE key <> ?", [SEQ_KEY]
        ).fetchone()
    )
    return sums


def check(
    db: str | os.PathLike | None = None,
    archive: Path | None = None,
    on_wait: Waiting | None = None,
    replay: bool = True,
) -> Health:
    """Verify the database (every row readable) and its archive (originals, hashes, and the journal replay)."""
    path = database_path(db)
    archive = archive or archive_dir(path)
    health = Health(path)
    try:
        with reading(path, on_wait=on_wait) as con:
            health.tables = table_checksums(con)
            live = _comparable(con)
            snapshots = con.execute("SELECT snapshot_id, sha256, file_format FROM snapshots ORDER BY 1").fetchall()
            originals = con.execute("SELECT sha256, sha256(content) FROM originals").fetchall()
            seq = committed_seq(con)
            broken_key = verify_keys(con)
    except DatabaseDamaged as exc:
        health.damaged = exc.detail
        return health
    except duckdb.Error as exc:
        problem = unavailable(exc, path)
        if not isinstance(problem, DatabaseDamaged):
            raise
        health.damaged = problem.detail
        return health
    if broken_key is not None:
        health.damaged = broken_key
        return health
    bad_blocks = damaged_blocks(path)
    if bad_blocks:
        health.damaged = f"checksum mismatch in {len(bad_blocks)} block(s), first at byte {bad_blocks[0]}"
        return health
    for digest, actual in originals:
        if digest != actual:
            health.damaged = f"originals row {digest} does not match its hash"
            return health
    health.archive_problems = _archive_problems(archive, snapshots, seq, live, replay)
    return health


def _archive_problems(
    archive: Path, snapshots: list[tuple], seq: int, live: dict[str, tuple[int, int]], replay: bool
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not archive.is_dir():
        return [("archive_missing", str(archive))] if snapshots else []
    for snapshot_id, digest, file_format in snapshots:
        blob = archive / f"{digest}.{file_format}"
        if not blob.exists():
            problems.append(("original_missing", f"#{snapshot_id} {blob.name}"))
        elif hashlib.sha256(blob.read_bytes()).hexdigest() != digest:
            problems.append(("original_altered", f"#{snapshot_id} {blob.name}"))
    if problems:
        return problems
    if not replay:
        return problems
    if seq == 0 and snapshots:
        return [("journal_not_started", "")]
    entries = read_journal(archive, up_to=seq)
    if [e["seq"] for e in entries] != list(range(1, seq + 1)):
        return [("journal_incomplete", f"{len(entries)} of {seq} entries")]
    replayed = _replay_checksums(archive, seq)
    differing = sorted(t for t in live if t not in NOT_JOURNALLED and replayed.get(t) != live[t])
    if differing:
        problems.append(("replay_differs", ", ".join(differing)))
    return problems


def _replay_checksums(archive: Path, seq: int) -> dict[str, tuple[int, int]]:
    from analytics.store.seed import rebuild_from_archive  # seed imports the importer: only when checking

    with tempfile.TemporaryDirectory(prefix="reserves-check-") as scratch:
        target = Path(scratch) / "replay.duckdb"
        if archived_uploads(archive) or read_journal(archive):
            rebuild_from_archive(archive, target, up_to=seq)
        con = connect(target)  # an empty archive replays to an empty database
        try:
            return _comparable(con)
        finally:
            con.close()


# -- backup and restore ------------------------------------------------------------------------------------------


def _copy_database(source: Path, folder: Path) -> None:
    """The file, with a write-ahead log a killed writer may have left (a read-only open replays it)."""
    shutil.copy2(source, folder / source.name)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, folder / wal.name)


def backup(dest: Path, db: str | os.PathLike | None = None, on_wait: Waiting | None = None) -> Health:
    """Copy the database and its archive into a new folder `dest`, consistently, and verify the copy."""
    path = database_path(db)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupRefused("backup.dest_exists", path=str(dest))
    if not dest.parent.is_dir():
        raise BackupRefused("backup.no_folder", path=str(dest.parent))
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        # The read-only connection is the consistency: while it is open no process can write the file or
        # append to the journal (writers append only while holding the file read-write).
        # Waits as long as a write would: an import in progress finishes first.
        with reading(path, timeout=WRITE_TIMEOUT, on_wait=on_wait) as con:
            live = table_checksums(con)
            _copy_database(path, partial)
            if archive_dir(path).is_dir():
                shutil.copytree(archive_dir(path), partial / archive_dir(path).name)
        # The copy is what was there: readable, the same rows, the same originals (the replay is check's job).
        copied = check(partial / path.name, replay=False)
        if copied.damaged is not None or copied.tables != live:
            raise BackupRefused("backup.copy_differs", path=str(dest))
        if dest.exists():
            dest.rmdir()
        partial.rename(dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _record_backup(archive_dir(path), dest, copied)
    return copied


def _record_backup(archive: Path, dest: Path, health: Health) -> None:
    """Remember the backup so `check` can name it when the database is damaged."""
    archive.mkdir(parents=True, exist_ok=True)
    line = {"path": str(dest.resolve()), "at": datetime.now().replace(microsecond=0).isoformat()}
    line["snapshots"] = health.tables.get("snapshots", (0, 0))[0]
    with (archive / BACKUPS).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def last_backup(db: str | os.PathLike | None = None) -> dict | None:
    """The newest recorded backup that still exists, or None."""
    log = archive_dir(database_path(db)) / BACKUPS
    if not log.exists():
        return None
    for line in reversed(log.read_text(encoding="utf-8").splitlines()):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if Path(entry["path"]).is_dir():
            return entry
    return None


def backup_database(folder: Path) -> Path:
    """The database file inside a backup folder."""
    found = sorted(p for p in folder.glob("*.duckdb")) if folder.is_dir() else []
    if len(found) != 1:
        raise BackupRefused("restore.not_a_backup", path=str(folder))
    return found[0]


NOT_JOURNALLED = ("audit", "users")
"""Tables a rebuild does not reproduce: the audit trail records what happened to this file, and accounts are
made on each server (`user add`); backup and restore carry both."""


def holds_data(db: Path, ignore: tuple[str, ...] = ()) -> bool:
    """Whether a database file exists with anything in it outside `ignore` (an unreadable file counts as data)."""
    if not db.exists():
        return False
    try:
        with reading(db) as con:
            return any(rows for table, (rows, _) in table_checksums(con).items() if table not in ignore)
    except DatabaseDamaged:
        return True


def restore(
    source: Path, db: str | os.PathLike | None = None, force: bool = False, on_wait: Waiting | None = None
) -> Health:
    """Replace the database and its archive with a verified backup; what was there is kept aside, renamed."""
    path = database_path(db)
    backed_up = backup_database(source)
    health = check(backed_up, archive=source / f"{backed_up.stem}.archive")
    if not health.ok:
        raise BackupRefused("restore.backup_damaged", path=str(source))
    if holds_data(path) and not force:
        raise BackupRefused("restore.not_empty", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staged = path.with_name(path.name + ".restoring")
    shutil.copy2(backed_up, staged)
    archive = archive_dir(path)
    staged_archive = archive.with_name(archive.name + ".restoring")
    shutil.rmtree(staged_archive, ignore_errors=True)
    if (source / f"{backed_up.stem}.archive").is_dir():
        shutil.copytree(source / f"{backed_up.stem}.archive", staged_archive)
    else:
        staged_archive.mkdir()
    with ExitStack() as guard:
        # A read-only connection keeps writers out while the files are swapped; a damaged file has none.
        if path.exists():
            with suppress(DatabaseDamaged):
                guard.enter_context(reading(path, on_wait=on_wait))
        for old in (path, path.with_name(path.name + ".wal"), archive):
            if old.exists():
                old.rename(old.with_name(f"{old.name}.before-restore-{stamp}"))
        wal = backed_up.with_name(backed_up.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, path.with_name(path.name + ".wal"))
        staged.rename(path)
        staged_archive.rename(archive)
    release_readers(path)  # this process's shared reader still has the file that was there before
    return check(path)
