"""The one place that opens the DuckDB database: one writer at a time, many readers, nothing held while idle.

DuckDB lets one process hold a file read-write, or any number of processes hold it read-only
(https://duckdb.org/docs/current/connect/concurrency). Every write opens a read-write connection for just that
write. Reads share one read-only database instance per file, so its buffer cache and catalogue stay warm from
one read to the next (a fresh instance re-reads and re-decompresses every block a query touches); each read
gets its own cursor on it, and the instance is closed once no read has used it for READER_IDLE seconds, so
another process (the command line) can take the file to write. A process that finds the file locked waits and
retries (telling the person once that it is waiting) up to a timeout.

Inside one process DuckDB refuses a read-write connection while a read-only one to the same file is open (and
the reverse), so a small gate per file lets reads share and makes a write wait for the reads in flight.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path

import duckdb

from analytics.store import derived

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = REPO_ROOT / "data" / "reserves.duckdb"
SCHEMA = Path(__file__).with_name("schema.sql")

# How long a read or a write waits for another process's lock before giving up (seconds).
READ_TIMEOUT = float(os.environ.get("RESERVES_READ_TIMEOUT", "20"))
WRITE_TIMEOUT = float(os.environ.get("RESERVES_WRITE_TIMEOUT", "60"))
# How long the shared read-only instance outlives its last read (seconds): long enough to serve a whole page's
# metrics from one warm cache, short enough that a command-line write hardly waits.
READER_IDLE = float(os.environ.get("RESERVES_READER_IDLE", "1.0"))

Waiting = Callable[[], None]  # called once when an open has to wait for someone else's lock


class DatabaseUnavailable(Exception):
    """The database file cannot be used right now; the subclasses say why."""

    def __init__(self, path: Path, detail: str = "") -> None:
        self.path, self.detail = path, detail
        super().__init__(f"{path}: {detail}")


class DatabaseBusy(DatabaseUnavailable):
    """Another process holds the file's lock longer than we were willing to wait."""

    def __init__(self, path: Path, detail: str = "", pid: int | None = None, holder: str | None = None) -> None:
        super().__init__(path, detail)
        self.pid, self.holder = pid, holder  # holder: 'app', 'cli' or None when unknown


class DatabaseDamaged(DatabaseUnavailable):
    """The file is not a readable DuckDB database (truncated, overwritten, corrupt blocks)."""


class DatabaseMissing(DatabaseUnavailable):
    """There is no database file at the path."""


def database_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the argument, else $RESERVES_DB, else data/reserves.duckdb."""
    return Path(path or os.environ.get("RESERVES_DB") or DEFAULT_DB)


def file_version(path: str | os.PathLike | None = None) -> tuple:
    """What changes whenever a write to the database completes, in this process or another: identity, size and
    times (ns) of the file and of its write-ahead log. Reading the file changes none of them."""
    db = database_path(path)
    version = []
    for file in (db, db.with_name(f"{db.name}.wal")):
        try:
            found = file.stat()
        except FileNotFoundError:
            version.append(None)
        else:
            version.append((found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns))
    return tuple(version)


def archive_dir(path: str | os.PathLike | None = None) -> Path:
    """Folder beside the database holding every uploaded original and the journal, so it can be rebuilt."""
    db = database_path(path)
    return db.parent / f"{db.stem}.archive"


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database directly (creating it and its schema if needed), without waiting for locks."""
    db = database_path(path)
    if read_only:
        return duckdb.connect(str(db), read_only=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    release_readers(db)  # an idle shared read-only instance of this process would refuse the read-write open
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")  # a long write (a province's import) must not draw on stdout
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    derived.backfill(con)  # rows stored before a derived fact existed
    return con


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


# -- telling a lock from damage ---------------------------------------------------------------------------------

_HOLDER_PID = re.compile(r"PID (\d+)")


def _holder_role(pid: int) -> str | None:
    """'app' for a Streamlit server, 'cli' for `python -m analytics`, None when unknown (or not Linux)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if "streamlit" in command:
        return "app"
    if "analytics" in command:
        return "cli"
    return None


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def unavailable(exc: BaseException, path: Path) -> DatabaseUnavailable | None:
    """What a DuckDB error about the file means: busy (locked), damaged, or None when it is neither."""
    text = str(exc)
    if is_lock_error(exc):
        found = _HOLDER_PID.search(text)
        pid = int(found.group(1)) if found else None
        return DatabaseBusy(path, text, pid, _holder_role(pid) if pid else None)
    damage = (
        "not a valid DuckDB database",
        "Corrupt database file",
        "checksum",
        "Could not read enough bytes",
        "database file is corrupt",
        "Failed to read",
        "Serialization Error",
        "INTERNAL Error",
        "database has been invalidated",
    )
    if any(marker.lower() in text.lower() for marker in damage):
        return DatabaseDamaged(path, text)
    return None


# -- one writer, many readers -----------------------------------------------------------------------------------


class _Gate:
    """Within this process: reads share the file, a write waits for the reads in flight and excludes them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # thread id of the writer
        self._depth = 0
        self._waiting_writers = 0  # new reads queue behind a waiting write, so a stream of reads cannot starve it

    def acquire_read(self, deadline: float) -> bool:
        """Returns False when this thread is the writer (it reads through its own read-write connection)."""
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                return False
            while self._writer is not None or self._waiting_writers:
                self._wait(deadline)
            self._readers += 1
            return True

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    def acquire_write(self, deadline: float) -> None:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._depth += 1
                return
            self._waiting_writers += 1
            try:
                while self._writer is not None or self._readers:
                    self._wait(deadline)
            finally:
                self._waiting_writers -= 1
                self._cond.notify_all()
            self._writer, self._depth = me, 1

    def _wait(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self._cond.wait(remaining)

    def when_idle(self, fn: Callable[[], None]) -> bool:
        """Run fn while no read or write is in flight or waiting (none can start meanwhile); False if busy."""
        with self._cond:
            if self._readers or self._writer is not None or self._waiting_writers:
                return False
            fn()
            return True

    def release_write(self) -> None:
        with self._cond:
            self._depth -= 1
            if self._depth == 0:
                self._writer = None
                self._cond.notify_all()


_gates: dict[Path, _Gate] = {}
_gates_lock = threading.Lock()
_writers: dict[tuple[Path, int], duckdb.DuckDBPyConnection] = {}  # the open write connection per (file, thread)
_current_schema: set[Path] = set()  # files whose schema this process has already found current


def _gate(db: Path) -> _Gate:
    with _gates_lock:
        return _gates.setdefault(db.resolve(), _Gate())


# -- the shared read-only instance -------------------------------------------------------------------------------

_shared: dict[Path, duckdb.DuckDBPyConnection] = {}  # the open read-only instance per file
_last_read: dict[Path, float] = {}
_opened: dict[Path, tuple[int, int]] = {}  # (device, inode) of the file each instance opened
_shared_lock = threading.Lock()
_closer: threading.Thread | None = None


def _shared_reader(db: Path, deadline: float, on_wait: Waiting | None) -> duckdb.DuckDBPyConnection:
    """A cursor on the file's shared read-only instance, opened if needed (call holding the gate for reading)."""
    key = db.resolve()
    with _shared_lock:
        base = _shared.get(key)
        if base is None:
            base = _shared[key] = _open(db, read_only=True, deadline=deadline, on_wait=on_wait)
            _opened[key] = _identity(key)
            _start_closer()
        return base.cursor()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _done_reading(db: Path) -> None:
    with _shared_lock:
        _last_read[db.resolve()] = time.monotonic()


def _close_shared(key: Path) -> None:
    """Close the file's shared instance (call while the gate shows no read in flight)."""
    with _shared_lock:
        base = _shared.pop(key, None)
    if base is not None:
        base.close()


def release_readers(path: str | os.PathLike | None = None) -> None:
    """Close this process's shared read-only instance of the file now, if no read is using it."""
    key = database_path(path).resolve()
    _gate(key).when_idle(lambda: _close_shared(key))


def _close_idle() -> None:
    while True:
        time.sleep(READER_IDLE / 2)
        now = time.monotonic()
        with _shared_lock:
            # Idle, or the file was replaced under it (a restore by another process): the next read reopens.
            idle = [
                key for key in _shared
                if now - _last_read.get(key, 0.0) >= READER_IDLE or _identity(key) != _opened.get(key)
            ]  # fmt: skip
        for key in idle:
            _gate(key).when_idle(lambda key=key: _close_shared(key))


def _start_closer() -> None:
    global _closer
    if _closer is None:
        _closer = threading.Thread(target=_close_idle, name="duckdb-reader-closer", daemon=True)
        _closer.start()


def _open(db: Path, read_only: bool, deadline: float, on_wait: Waiting | None) -> duckdb.DuckDBPyConnection:
    """Open the file, retrying while another process holds the lock; busy or damaged after that."""
    pause, told = 0.05, False
    while True:
        try:
            return connect(db, read_only=read_only)
        except duckdb.Error as exc:
            problem = unavailable(exc, db)
            if problem is None:
                raise
            if not isinstance(problem, DatabaseBusy) or time.monotonic() + pause > deadline:
                raise problem from exc
        if on_wait is not None and not told:
            on_wait()
            told = True
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _raise_if_damaged(exc: duckdb.Error, db: Path) -> None:
    """A corrupt block is found only when a query reads it: say damaged, as an open would have."""
    problem = unavailable(exc, db)
    if isinstance(problem, DatabaseDamaged):
        raise problem from exc


def _timed_out(db: Path) -> DatabaseBusy:
    return DatabaseBusy(db, "another thread of this process is writing")


@contextmanager
def writing(
    path: str | os.PathLike | None = None, timeout: float | None = None, on_wait: Waiting | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one write (schema made current), closed at the end; waits for the lock."""
    db = database_path(path)
    deadline = time.monotonic() + (WRITE_TIMEOUT if timeout is None else timeout)
    gate = _gate(db)
    try:
        gate.acquire_write(deadline)
    except TimeoutError:
        raise _timed_out(db) from None
    key = (db.resolve(), threading.get_ident())
    try:
        if key in _writers:  # a write inside a write on the same thread shares its connection
            yield _writers[key]
            return
        _close_shared(db.resolve())  # the gate holds every read off: DuckDB allows one kind of open per file
        con = _open(db, read_only=False, deadline=deadline, on_wait=on_wait)
        _current_schema.add(db.resolve())
        _writers[key] = con
        try:
            yield con
        except duckdb.Error as exc:
            _raise_if_damaged(exc, db)
            raise
        finally:
            del _writers[key]
            con.close()
    finally:
        gate.release_write()


@contextmanager
def reading(
    path: str | os.PathLike | None = None, timeout: float | None = None, on_wait: Waiting | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the shared instance, closed at the end: any number of processes can read at once."""
    db = database_path(path)
    if not db.exists():
        raise DatabaseMissing(db, "no such file")
    deadline = time.monotonic() + (READ_TIMEOUT if timeout is None else timeout)
    if db.resolve() not in _current_schema:
        _make_schema_current(db, deadline, on_wait)
    gate = _gate(db)
    try:
        shared = gate.acquire_read(deadline)
    except TimeoutError:
        raise _timed_out(db) from None
    if not shared:  # this thread is writing: read through its write connection
        yield _writers[(db.resolve(), threading.get_ident())]
        return
    try:
        con = _shared_reader(db, deadline, on_wait)
        try:
            yield con
        except duckdb.Error as exc:
            _raise_if_damaged(exc, db)
            raise
        finally:
            con.close()
            _done_reading(db)
    finally:
        gate.release_read()


def open_reader(
    path: str | os.PathLike | None = None, timeout: float | None = None, on_wait: Waiting | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection for one command's reads, closed by the caller; waits while a writer holds the lock.

    For a single-threaded caller (the command line): it does not take this process's gate.
    """
    db = database_path(path)
    if not db.exists():
        raise DatabaseMissing(db, "no such file")
    deadline = time.monotonic() + (READ_TIMEOUT if timeout is None else timeout)
    con = _open(db, read_only=True, deadline=deadline, on_wait=on_wait)
    # The schema is checked on the connection the caller gets: one open of the file, not two.
    try:
        current = db.resolve() in _current_schema or _schema_is_current(con)
    except BaseException:
        con.close()
        raise
    if current:
        _current_schema.add(db.resolve())
        return con
    con.close()
    _make_schema_current(db, deadline, on_wait)
    return _open(db, read_only=True, deadline=deadline, on_wait=on_wait)


# The tables and columns of the database a connection is attached to (not DuckDB's own catalogue views).
_COLUMNS = "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database()"


@cache
def _expected_columns() -> frozenset[tuple[str, str]]:
    probe = duckdb.connect()
    try:
        probe.execute(SCHEMA.read_text(encoding="utf-8"))
        return frozenset(probe.execute(_COLUMNS).fetchall())
    finally:
        probe.close()


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database already has every table and column of schema.sql."""
    return _expected_columns() <= set(con.execute(_COLUMNS).fetchall())


def _make_schema_current(db: Path, deadline: float, on_wait: Waiting | None) -> None:
    """A database made by an older release gains its new tables and columns before anything reads it."""
    gate = _gate(db)
    try:
        shared = gate.acquire_read(deadline)
    except TimeoutError:
        raise _timed_out(db) from None
    if not shared:
        return
    try:
        con = _open(db, read_only=True, deadline=deadline, on_wait=on_wait)
        try:
            current = _schema_is_current(con)
        finally:
            con.close()
    finally:
        gate.release_read()
    if not current:
        with writing(db, timeout=max(0.0, deadline - time.monotonic()), on_wait=on_wait):
            pass
    _current_schema.add(db.resolve())


# -- the database as pages and commands hold it -----------------------------------------------------------------

_memory: duckdb.DuckDBPyConnection | None = None
_memory_lock = threading.Lock()


def _materialise(table: object) -> duckdb.DuckDBPyConnection:
    """A result with DuckDB's own fetch methods over rows already read (so the file is closed already)."""
    global _memory
    with _memory_lock:
        if _memory is None:
            _memory = duckdb.connect()
        cursor = _memory.cursor()
    cursor.register("result", table)
    return cursor.execute("SELECT * FROM result")


class Database:
    """A database file used one operation at a time: `execute` reads on a short read-only connection.

    Pass it where a connection is expected: reads behave as on a connection, and the store's write functions
    open their own short read-write connection (see `write_session`).
    """

    def __init__(self, path: str | os.PathLike | None = None, on_wait: Waiting | None = None) -> None:
        self.path = database_path(path)
        self.on_wait = on_wait

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        with reading(self.path, on_wait=self.on_wait) as con:
            table = con.sql(sql, params=parameters).to_arrow_table()
        return _materialise(table)

    def reading(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return reading(self.path, on_wait=self.on_wait)

    def writing(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return writing(self.path, on_wait=self.on_wait)

    def cursor(self) -> Database:
        return self

    def close(self) -> None:
        """Nothing is held open between operations."""


@contextmanager
def write_session(con: duckdb.DuckDBPyConnection | Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to write on: the one given, or for a Database a short read-write connection."""
    if isinstance(con, Database):
        with con.writing() as writer:
            yield writer
    else:
        yield con
