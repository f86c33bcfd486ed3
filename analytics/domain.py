"""The domain rules behind every number: the stage ladder, what "reached" means, suspended projects, scopes.

This is the one place that spells these rules. Metrics (SQL and pandas), charts, the command line and the
importer's stage inference all call in here; nothing else lists stages.

Definitions leaders see (also in the README glossary):

- **Ladder** (阶段): 洽谈 negotiating → 签约 signed → 落地 landed → 动工 construction → 竣工投产 production.
  暂缓 suspended is a status beside the ladder, not a rung.
- **Stands at** (现处阶段): the stage the ledger records today, suspended included. The reserve by stage
  (储备结构) counts projects where they stand; its parts add up to the reserve.
- **Event date** (节点日期): signed, landed, construction and production each have a date column. An event
  *in a year* (年度新增签约/落地/动工/投产) is a project whose date for that event falls in the year.
- **Furthest rung** (已达最高阶段) at a cutoff: the higher of the rung the project stood at on the cutoff and
  the highest rung whose event date falls on or before the cutoff. A project holding a construction date has
  passed signed and landed too, whether or not those dates were filled in.
- **Reached** (累计签约/落地/动工/投产): the furthest rung is at or beyond the stage. A suspended project
  counts for the rungs its dates show it reached (a project that landed and was then suspended is one of the
  累计落地 projects); one with no date counts as negotiated only (every project in the reserve was talked
  to, so the funnel's top is the whole reserve). Every "reached" figure (Overview cards, funnel,
  channel table, briefing) is this one.
- **Stage on a cutoff** (某日阶段): as stored when the snapshot is not later than the cutoff; otherwise
  rebuilt from the event dates on or before it. Undated projects keep their stored stage; suspended ones stay
  suspended (nothing says when they stopped).
- **Town scope** (全镇): the word for "every industry together" in frames, JSON and stored targets is
  `TOWN` ("total").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

LADDER = ("negotiating", "signed", "landed", "construction", "production")
"""The rungs, in order."""
SUSPENDED = "suspended"
ALL_STAGES = (*LADDER, SUSPENDED)
"""Every stored stage: the ladder, then the status beside it."""
RANK = {stage: i for i, stage in enumerate(LADDER)}
"""A rung's place on the ladder (0 = negotiating). Suspended has no rank."""

EVENTS = ("signed", "landed", "construction", "production")
"""The rungs that carry a dated event (negotiating has no date)."""
EVENT_DATE = {stage: f"{stage}_date" for stage in EVENTS}
"""Event → its date column."""
DATE_EVENT = {column: stage for stage, column in EVENT_DATE.items()}
PLANNED_DATE = {stage: f"planned_{stage}_date" for stage in ("landed", "construction", "production")}
"""Planned dates of the next steps; a project is overdue once one has passed unreached."""

INDUSTRIES = ("lighting", "new_it", "new_energy", "other")
TOWN = "total"
"""The scope of every industry together (全镇)."""
SCOPES = (*INDUSTRIES, TOWN)

STALLED_DAYS = 90
"""A key project that has stood at the same stage across snapshots this long is stalled."""
WAN_PER_YI = 10_000
"""万元 in one 亿元."""


def rungs_from(stage: str) -> tuple[str, ...]:
    """The rungs at or beyond a stage: rungs_from('landed') → landed, construction, production."""
    return LADDER[RANK[stage] :]


def yi(wan: float) -> float:
    """万元 → 亿元."""
    return wan / WAN_PER_YI


# --- pandas ------------------------------------------------------------------------------------------
# pandas is imported inside these functions: the command line's reports use the rules above without it.


def _date_rank(projects: pd.DataFrame, cutoff: pd.Timestamp | pd.Series | None) -> pd.Series:
    """The highest rung whose event date is on or before the cutoff (-1 when none; any date when no cutoff)."""
    import pandas as pd

    best = pd.Series(-1, index=projects.index, dtype="int64")
    for stage, column in EVENT_DATE.items():
        dated = pd.to_datetime(projects[column])
        held = dated.notna() if cutoff is None else dated <= cutoff
        best = best.where(~held.to_numpy(dtype=bool), RANK[stage])
    return best


def stage_at(projects: pd.DataFrame, cutoff: date) -> pd.Series:
    """Each project's stage on a cutoff date (see the module docstring). Needs `as_of` and the date columns."""
    import numpy as np
    import pandas as pd

    at = pd.Timestamp(cutoff)
    from_dates = _date_rank(projects, at)
    dated = _date_rank(projects, None) >= 0
    rebuilt = pd.Series(np.array(LADDER, dtype=object)[from_dates.clip(lower=0)], index=projects.index, dtype=object)
    stored = projects["stage"].astype(object)
    use_stored = (pd.to_datetime(projects["as_of"]) <= at) | ~dated | (stored == SUSPENDED)
    return stored.where(use_stored, rebuilt)


def furthest_rung(projects: pd.DataFrame, cutoff: date | None = None) -> pd.Series:
    """Each project's furthest rung (as a rank; 0 for an undated suspended project) on a cutoff.

    Without a cutoff: as the snapshot stands (stored stage and every date it holds).
    """
    import numpy as np
    import pandas as pd

    stage = projects["stage"] if cutoff is None else stage_at(projects, cutoff)
    by_stage = stage.map(RANK).fillna(0).astype("int64")
    by_dates = _date_rank(projects, None if cutoff is None else pd.Timestamp(cutoff))
    return np.maximum(by_stage, by_dates)


def reached(projects: pd.DataFrame, stage: str, cutoff: date | None = None) -> pd.Series:
    """Per project: whether it had reached a rung (at or beyond it, by stage or dates) on the cutoff."""
    return furthest_rung(projects, cutoff) >= RANK[stage]


def stands_at(projects: pd.DataFrame, stages: Iterable[str]) -> pd.Series:
    """Per project: whether its stored stage is one of these (where it stands today)."""
    return projects["stage"].isin(tuple(stages))


# --- SQL ---------------------------------------------------------------------------------------------
# Expressions over a `projects` row (alias p), written from the ladder above so SQL and pandas agree.
# A cutoff is the named parameter $cutoff (a DATE); "as stored" expressions take none.


def _date_rank_sql(cutoff: str | None) -> str:
    held = (lambda col: f"p.{col} IS NOT NULL") if cutoff is None else (lambda col: f"p.{col} <= {cutoff}")
    cases = " ".join(f"WHEN {held(EVENT_DATE[s])} THEN {RANK[s]}" for s in reversed(EVENTS))
    return f"(CASE {cases} ELSE -1 END)"


def ladder_rank_sql(stage_expr: str) -> str:
    """SQL for RANK of a stage: its rung on the ladder, NULL for a stage beside it (suspended)."""
    cases = " ".join(f"WHEN '{s}' THEN {RANK[s]}" for s in LADDER)
    return f"(CASE {stage_expr} {cases} END)"


def _rank_sql(stage_expr: str) -> str:
    return f"coalesce({ladder_rank_sql(stage_expr)}, 0)"


def stage_at_sql(cutoff: str = "$cutoff", as_of: str = "s.as_of") -> str:
    """SQL for stage_at(): the project's stage on the cutoff (needs snapshots joined as s for as_of)."""
    names = " ".join(f"WHEN {RANK[s]} THEN '{s}'" for s in LADDER)
    rebuilt = f"(CASE greatest({_date_rank_sql(cutoff)}, 0) {names} END)"
    return (
        f"(CASE WHEN {as_of} <= {cutoff} OR p.stage = '{SUSPENDED}' OR {_date_rank_sql(None)} < 0 "
        f"THEN p.stage ELSE {rebuilt} END)"
    )


def furthest_rung_sql(cutoff: str | None = None, as_of: str = "s.as_of") -> str:
    """SQL for furthest_rung(): as stored without a cutoff, else on the cutoff parameter."""
    stage = "p.stage" if cutoff is None else stage_at_sql(cutoff, as_of)
    return f"greatest({_rank_sql(stage)}, {_date_rank_sql(cutoff)})"


def overdue_since_sql(rung: str, as_of: str = "s.as_of") -> str:
    """SQL for the day a project fell overdue: the earliest planned date (PLANNED_DATE), before as_of, of a step
    its furthest rung (`rung`, an SQL expression) has not reached; NULL when none has passed."""
    steps = ", ".join(
        f"CASE WHEN {rung} < {RANK[step]} AND p.{column} < {as_of} THEN p.{column} END"
        for step, column in PLANNED_DATE.items()
    )
    return f"least({steps})"


def reached_sql(stage: str, cutoff: str | None = None, as_of: str = "s.as_of") -> str:
    """SQL condition for reached(): the furthest rung is at or beyond the stage."""
    return f"({furthest_rung_sql(cutoff, as_of)} >= {RANK[stage]})"


def in_year_sql(column: str, year: str = "$year") -> str:
    """SQL condition: an event date column (alias p) falls in the year (a parameter or an integer expression).

    Compared as a date range rather than by its year: a range prunes row groups by their dates' bounds and costs
    a comparison per row where extracting the year costs a calendar computation.
    """
    return f"(p.{column} >= make_date({year}, 1, 1) AND p.{column} < make_date({year} + 1, 1, 1))"
