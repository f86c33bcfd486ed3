"""Who may do what: the two roles, the actions each may take, sign-in throttling and the idle timeout.

Pages ask `can(role, action)` and nothing else decides; the command line is for people with a shell on the
server and is not gated here (its identity is $RESERVES_USER or the OS user, and the audit records it).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# A visitor who has not signed in while the dashboard requires sign-in for viewing too.
ANONYMOUS = "anonymous"
VIEWER = "viewer"  # leadership: browse everything
ANALYST = "analyst"  # change things: uploads, snapshots, targets, comments, originals, the audit log
ROLES = (VIEWER, ANALYST)

RULES: dict[str, frozenset[str]] = {
    "view": frozenset({VIEWER, ANALYST}),
    "upload": frozenset({ANALYST}),
    "commit": frozenset({ANALYST}),
    "switch_snapshot": frozenset({ANALYST}),
    "edit_targets": frozenset({ANALYST}),
    "comment": frozenset({ANALYST}),
    "download_original": frozenset({ANALYST}),
    "view_audit": frozenset({ANALYST}),
}

MIN_PASSWORD = 10
MAX_NAME = 60
FAILURES_ALLOWED = 5
FAILURE_WINDOW = 15 * 60  # seconds
LOCKOUT = 5 * 60  # seconds
IDLE_TIMEOUT = 30 * 60  # seconds


def can(role: str | None, action: str) -> bool:
    """Whether a role may take an action (an unknown action is refused, so a typo never opens a door)."""
    return role in RULES.get(action, frozenset())


def visitor_role(sign_in_required: bool) -> str:
    """The role of someone who has not signed in: a viewer, unless viewing needs a sign-in too."""
    return ANONYMOUS if sign_in_required else VIEWER


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """The [access] section of .streamlit/secrets.toml, with environment variables taking precedence."""

    require_sign_in: bool = False
    idle_timeout: int = IDLE_TIMEOUT  # seconds
    analyst_emails: frozenset[str] | None = None  # OIDC: who is an analyst; None means every signed-in identity

    @classmethod
    def read(cls, section: Mapping[str, object] | None, environ: Mapping[str, str]) -> Settings:
        section = section or {}
        require = environ.get("RESERVES_REQUIRE_SIGN_IN", section.get("require_sign_in", False))
        minutes = environ.get("RESERVES_IDLE_MINUTES", section.get("idle_minutes", IDLE_TIMEOUT // 60))
        emails = section.get("analyst_emails")
        try:
            idle = max(1, int(minutes)) * 60
        except (TypeError, ValueError):  # a typo must not switch the timeout off
            idle = IDLE_TIMEOUT
        return cls(
            require_sign_in=_truthy(require),
            idle_timeout=idle,
            analyst_emails=None if emails is None else frozenset(str(e).strip().lower() for e in emails),
        )

    def oidc_role(self, email: str | None) -> str:
        """An identity the OIDC provider vouched for: an analyst when listed (or when no list is set)."""
        if self.analyst_emails is None:
            return ANALYST
        return ANALYST if (email or "").strip().lower() in self.analyst_emails else VIEWER


def password_problem(password: str) -> str | None:
    """The message code for a password that must be refused, or None when it is acceptable."""
    if not password or not password.strip():
        return "user.password_empty"
    if len(password) < MIN_PASSWORD:
        return "user.password_short"
    return None


def name_problem(name: str) -> str | None:
    """The message code for an account name that must be refused, or None."""
    if not name or not name.strip() or name != name.strip():
        return "user.name_invalid"
    if len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
        return "user.name_invalid"
    return None


class Throttle:
    """Failed sign-ins per key (a user name, a session): after `limit` failures within `window` seconds the key
    is refused for `lockout` seconds. Thread-safe; the clock is injectable for tests."""

    def __init__(
        self,
        limit: int = FAILURES_ALLOWED,
        window: float = FAILURE_WINDOW,
        lockout: float = LOCKOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.lockout, self.clock = limit, window, lockout, clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until any of the keys may try again (0 when none is locked out)."""
        now = self.clock()
        with self._lock:
            return max([self._locked_until.get(k, 0.0) - now for k in keys] + [0.0])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = self._failures.setdefault(key, deque())
                recent.append(now)
                while recent and recent[0] <= now - self.window:
                    recent.popleft()
                if len(recent) >= self.limit:
                    self._locked_until[key] = now + self.lockout
                    recent.clear()

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
                self._locked_until.pop(key, None)


def idle_expired(last_seen: float, now: float, timeout: float = IDLE_TIMEOUT) -> bool:
    """Whether a signed-in session has been idle for longer than the timeout."""
    return now - last_seen > timeout
