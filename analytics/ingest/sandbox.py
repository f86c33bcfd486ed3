"""Read an upload in a child process with a memory and time limit, so no file can take the server down.

A reader that runs away (a native allocation of hundreds of gigabytes, an endless loop) ends only the child;
the caller gets ImportRejected("too_demanding") in one sentence. The child is forked, so it starts with the
libraries already loaded (no import cost) and shares the parent's memory until it writes.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import io
import multiprocessing
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from analytics.ingest.errors import ImportRejected

T = TypeVar("T")

MEMORY_BYTES = 1024 * 1024 * 1024
"""Memory a read may add to the process it was forked from (address space, so a runaway allocation fails)."""
SECONDS = 30.0
"""Time a read may take, its answer's hand-back included; a 100,000-row ledger reads and answers in about 2 s (over
3,000,000 filled cells are refused first)."""


def _address_space() -> int:
    """This process's current virtual size in bytes (the child's limit is set above it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(send, fn: Callable[..., T], args: tuple, kwargs: dict, memory: int) -> None:
    faulthandler.disable()  # a reader that aborts is expected here: the parent reports it in one sentence
    # No cyclic collector in a child that reads one file and exits: its passes over what the parent had (pandas,
    # streamlit, caches) and over a big sheet's 100,000 row lists cost a tenth of the read and would copy the
    # parent's pages by touching them. Cycles it leaves are freed with the process; the limit still bounds it.
    gc.freeze()
    gc.disable()
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        outcome: tuple[str, object] = ("ok", fn(*args, **kwargs))
    except ImportRejected as refused:
        outcome = ("rejected", refused.record())
    except MemoryError:
        outcome = ("limit", None)
    except BaseException as exc:  # reported by the parent as one sentence; the type helps a maintainer
        outcome = ("error", type(exc).__name__)
    try:
        # Pickled straight into the pipe, which the parent unpickles as it arrives: the two halves of the hand-back
        # (a 100,000-row result is ~25 MB) run side by side instead of one after the other.
        with open(send.fileno(), "wb", buffering=PIPE_BYTES, closefd=False) as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # failed half way (out of memory): the parent reads a cut-off answer and reports the
        pass  # read as too demanding, in one sentence, with no traceback from here
    finally:
        send.close()


PIPE_BYTES = 1024 * 1024
"""The pipe's buffer (Linux's default ceiling for an unprivileged process; the kernel's default is 64 KB)."""


def _widen(pipe) -> None:
    """Give the pipe a 1 MB buffer: a 100,000-row result is ~25 MB, which through 64 KB is hundreds of hand-offs
    between child and parent, each a wait for the scheduler on a busy machine (measured: half the transfer)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # another system, or a lower ceiling: the default buffer works, only slower


class _PipeReader(io.RawIOBase):
    """The pipe's reading end, given up once the read's time is over (a child stopped half way through its answer
    cannot hold the server); closing it leaves the pipe to its Connection."""

    def __init__(self, fd: int, deadline: float) -> None:
        super().__init__()
        self.fd, self.deadline = fd, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not select.select([self.fd], [], [], max(0.0, self.deadline - time.monotonic()))[0]:
            raise TimeoutError("the sandboxed read ran out of time while answering")
        return os.readv(self.fd, [buffer])


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while a read's result arrives and is stored: its tens of thousands of new objects
    (issues, a frame's columns of cells) would otherwise set off collections that walk them, and the server's whole
    heap, two or three times over (a tenth of a second at 100,000 rows). What the read leaves is collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _receive(receive, deadline: float) -> object:
    """The child's answer, unpickled as it arrives and without the cyclic collector."""
    with collector_paused(), io.BufferedReader(_PipeReader(receive.fileno(), deadline), PIPE_BYTES) as pipe:
        return pickle.load(pipe)


def _end(child: multiprocessing.process.BaseProcess) -> None:
    """Reap the child, killing it if it has not exited within a second."""
    child.join(timeout=1)
    if child.is_alive():
        # Gone meanwhile: another read's start reaps finished children too, and may have got to this one first.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        child.join()


def run_limited(
    fn: Callable[..., T], *args: object, file_name: str, memory: int = MEMORY_BYTES, seconds: float = SECONDS,
    **kwargs: object,
) -> T:  # fmt: skip
    """fn(*args, **kwargs) in a forked child under the limits; its ImportRejected is raised here unchanged."""
    if not hasattr(os, "fork") or os.environ.get("RESERVES_NO_SANDBOX"):
        return fn(*args, **kwargs)  # no fork on this platform (or switched off for profiling): read in-process
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _widen(send)
    child = context.Process(target=_child, args=(send, fn, args, kwargs, memory), daemon=True)
    child.start()
    send.close()
    outcome = None
    deadline = time.monotonic() + seconds
    if receive.poll(seconds):
        try:
            outcome = _receive(receive, deadline)
        except (EOFError, OSError, pickle.UnpicklingError):
            outcome = None  # the child died before it could answer, or during (killed by the limit), or ran late
    receive.close()
    if outcome is None:
        _end(child)  # it may still be running: stopped before the caller hears about it
    else:
        # A whole answer: all the child has left is to exit, and giving a read's few hundred megabytes back to the
        # system takes tens of milliseconds. A thread waits for that (and for a child that does not, ends it).
        threading.Thread(target=_end, args=(child,), daemon=True).start()
    if outcome is None or outcome[0] == "limit":
        raise ImportRejected(
            "too_demanding", file_name, params={"seconds": int(seconds), "memory_mb": memory // (1024 * 1024)}
        )
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "rejected":
        raise ImportRejected.from_record(value)
    raise ImportRejected("unreadable_workbook", file_name, params={"detail": value})
