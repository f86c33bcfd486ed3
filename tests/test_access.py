"""The rules (who may do what), the settings, password and name policy, sign-in throttling and the idle timeout."""

from __future__ import annotations

import pytest

from analytics import access
from analytics.access import ANALYST, ANONYMOUS, VIEWER, Settings, Throttle, can


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# The whole table, written out by hand: a change to the rules must change this test too.
EXPECTED = {
    "view": {VIEWER, ANALYST},
    "upload": {ANALYST},
    "commit": {ANALYST},
    "switch_snapshot": {ANALYST},
    "edit_targets": {ANALYST},
    "comment": {ANALYST},
    "download_original": {ANALYST},
    "view_audit": {ANALYST},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", [ANONYMOUS, VIEWER, ANALYST, None, "admin"])
def test_can_table(role: str | None, action: str) -> None:
    assert can(role, action) is (role in EXPECTED[action])


def test_an_unknown_action_is_refused_to_everyone() -> None:
    assert set(access.RULES) == set(EXPECTED)
    assert not can(ANALYST, "uplaod")


def test_a_visitor_is_a_viewer_unless_viewing_needs_a_sign_in() -> None:
    assert access.visitor_role(False) == VIEWER
    assert access.visitor_role(True) == ANONYMOUS and not can(ANONYMOUS, "view")


def test_settings_from_secrets_and_environment() -> None:
    assert Settings.read(None, {}) == Settings(require_sign_in=False, idle_timeout=1800, analyst_emails=None)
    assert Settings.read({"require_sign_in": True, "idle_minutes": 10}, {}).idle_timeout == 600
    assert Settings.read({"require_sign_in": True}, {}).require_sign_in
    # The environment wins over secrets.toml, either way.
    assert not Settings.read({"require_sign_in": True}, {"RESERVES_REQUIRE_SIGN_IN": "0"}).require_sign_in
    assert Settings.read({}, {"RESERVES_REQUIRE_SIGN_IN": "yes"}).require_sign_in
    assert Settings.read({}, {"RESERVES_IDLE_MINUTES": "half an hour"}).idle_timeout == 1800


def test_oidc_role_follows_the_analyst_list() -> None:
    assert Settings().oidc_role("anyone@example.cn") == ANALYST  # no list: the provider decides who signs in
    listed = Settings(analyst_emails=frozenset({"wang@town.gov.cn"}))
    assert listed.oidc_role("Wang@Town.gov.cn ") == ANALYST
    assert listed.oidc_role("li@town.gov.cn") == VIEWER
    assert listed.oidc_role(None) == VIEWER


@pytest.mark.parametrize(
    ("password", "code"),
    [("", "user.password_empty"), ("          ", "user.password_empty"), ("123456789", "user.password_short"),
     ("1234567890", None)],
)  # fmt: skip
def test_password_policy(password: str, code: str | None) -> None:
    assert access.password_problem(password) == code


@pytest.mark.parametrize(("name", "ok"), [("王芳", True), ("wang.fang", True), ("", False), (" 王芳", False),
                                          ("王 芳", False), ("a\x00b", False), ("x" * 61, False)])  # fmt: skip
def test_name_policy(name: str, ok: bool) -> None:
    assert (access.name_problem(name) is None) is ok


def test_five_failures_within_fifteen_minutes_lock_out_for_five() -> None:
    clock = Clock()
    throttle = Throttle(limit=5, window=900, lockout=300, clock=clock)
    for _ in range(4):
        throttle.failed("user:王芳")
        clock.now += 60
    assert throttle.wait("user:王芳") == 0
    throttle.failed("user:王芳")  # the fifth within 15 minutes (at minute 4)
    assert throttle.wait("user:王芳") == 300
    assert throttle.wait("user:李明") == 0  # others are not affected
    assert throttle.wait("user:李明", "user:王芳") == 300  # either key locked means locked
    clock.now += 299
    assert throttle.wait("user:王芳") == pytest.approx(1)
    clock.now += 1
    assert throttle.wait("user:王芳") == 0


def test_failures_older_than_the_window_do_not_count() -> None:
    clock = Clock()
    throttle = Throttle(limit=5, window=900, lockout=300, clock=clock)
    for _ in range(4):
        throttle.failed("session:s1")
    clock.now += 901
    throttle.failed("session:s1")  # 1 within the window, not 5
    assert throttle.wait("session:s1") == 0


def test_a_success_clears_the_count() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window=900, lockout=300, clock=clock)
    throttle.failed("k")
    throttle.failed("k")
    throttle.succeeded("k")
    throttle.failed("k")
    throttle.failed("k")
    assert throttle.wait("k") == 0


def test_idle_timeout() -> None:
    assert not access.idle_expired(last_seen=0, now=30 * 60, timeout=30 * 60)
    assert access.idle_expired(last_seen=0, now=30 * 60 + 1, timeout=30 * 60)
