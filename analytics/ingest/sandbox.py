"""Read an upload in a child process with a memory and time limit, so no file can take the server down.

A reader that runs away (a native allocation of hundreds of gigabytes, an endless loop) ends only the child;
the caller gets ImportRejected("too_demanding") in one sentence. The child is forked, so it starts with the
libraries already loaded (no import cost) and shares the parent's memory until it writes.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from typing import TypeVar

from analytics.ingest.errors import ImportRejected

T = TypeVar("T")

MEMORY_BYTES = 1024 * 1024 * 1024
"""Memory a read may add to the process it was forked from (address space, so a runaway allocation fails)."""
SECONDS = 30.0
"""Time a read may take; a 100,000-row ledger reads in about 2 s (over 3,000,000 filled cells are refused first)."""


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
        send.send(("ok", fn(*args, **kwargs)))
    except ImportRejected as refused:
        send.send(("rejected", refused.record()))
    except MemoryError:
        send.send(("limit", None))
    except BaseException as exc:  # reported by the parent as one sentence; the type helps a maintainer
        send.send(("error", type(exc).__name__))
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


def _receive(receive) -> object:
    """The child's answer, unpickled without the cyclic collector: tens of thousands of new objects (issues,
    cells) would otherwise set off full collections over the whole server's heap while they arrive."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return receive.recv()
    finally:
        if enabled:
            gc.enable()


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
    if receive.poll(seconds):
        try:
            outcome = _receive(receive)
        except (EOFError, OSError):
            outcome = None  # the child died before it could answer (killed by the limit)
    child.join(timeout=1)
    if child.is_alive():
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    receive.close()
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
