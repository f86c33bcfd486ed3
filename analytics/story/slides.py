"""The meeting's story as slides: town overview → each industry → key projects → the year reviewed → next
year's targets → changes since the last meeting → risks. Every headline is written from the data.

`build_deck(con, snapshot_id, filters, year, target_year, lang)` is what the meeting page, the exports and
the command line call; the charts' numbers and the briefing's come from one `MeetingNumbers`.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from analytics.domain import ALL_STAGES, EVENTS, LADDER, PLANNED_DATE, RANK, SUSPENDED, TOWN, yi
from analytics.i18n import label, t
from analytics.metrics.changes import KINDS
from analytics.metrics.filters import Filters
from analytics.metrics.targets import MEASURES
from analytics.store.comments import comments
from analytics.story import briefing
from analytics.story.model import Chart, Deck, Series, Slide, Table
from analytics.story.numbers import MeetingNumbers, gather
from analytics.theme import INDUSTRY_COLOURS, PACE_COLOURS, STAGE_COLOURS
from analytics.theme import yi as yi_text

KEY_PROJECT_SLIDES = 6
"""Key projects presented one per slide: the flagged ones first, then the largest."""
TABLE_ROWS = 8
"""Rows a slide's list shows (largest first); the rest are counted in a last row."""


def _capped(rows: list[tuple], width: int, lang: str, total: int | None = None) -> tuple[tuple, ...]:
    """At most TABLE_ROWS rows, the rest counted in one closing row, so a slide never overflows.

    `total` is how many rows there are when `rows` holds only the first of them.
    """
    total = len(rows) if total is None else total
    if total <= TABLE_ROWS:
        return tuple(rows)
    more = (t("deck.more_rows", lang, n=total - TABLE_ROWS), *([""] * (width - 1)))
    return (*rows[:TABLE_ROWS], more)


def _r2(value: float) -> float:
    return round(float(value), 2)


def _overview(n: MeetingNumbers, lang: str) -> Slide:
    industries = list(n.filters.industries)
    names = tuple(label("industry", i, lang) for i in industries)
    cells = n.cells.set_index(["industry", "stage"])["investment_wan"]
    series = tuple(
        Series(label("stage", s, lang), tuple(_r2(yi(cells.get((i, s), 0.0))) for i in industries), STAGE_COLOURS[s])
        for s in ALL_STAGES
    )
    totals = n.totals
    by_investment = n.by_industry.set_index("industry")["investment_wan"]
    lead = by_investment.idxmax() if totals["investment_wan"] > 0 else industries[0]
    headline = t(
        "deck.overview.headline", lang, projects=int(totals["projects"]), investment=yi_text(totals["investment_wan"]),
        industry=label("industry", lead, lang), share=briefing.share(by_investment[lead], totals["investment_wan"]),
    )  # fmt: skip
    columns = (
        t("table.industry", lang), t("kpi.projects", lang), t("table.investment_yi", lang), t("kpi.key_projects", lang),
        *(t(f"kpi.{s}", lang) for s in EVENTS),
    )  # fmt: skip
    rows = [
        (label("industry", r.industry, lang), int(r.projects), _r2(yi(r.investment_wan)), int(r.key_projects),
         *(int(getattr(r, f"reached_{s}")) for s in EVENTS))
        for r in n.by_industry.itertuples()
    ]  # fmt: skip
    rows.append(
        (label("industry", TOWN, lang), int(totals["projects"]), _r2(yi(totals["investment_wan"])),
         int(totals["key_projects"]), *(int(totals[f"reached_{s}"]) for s in EVENTS))
    )  # fmt: skip
    return Slide(
        key="overview", section="overview", title=t("deck.overview.title", lang), headline=headline,
        chart=Chart("stacked_hbar", names, series, t("unit.yi", lang)),
        table=Table(columns, tuple(rows), name=t("deck.overview.title", lang)),
    )  # fmt: skip


def _industry(n: MeetingNumbers, industry: str, lang: str) -> Slide:
    name = label("industry", industry, lang)
    now = n.flows[n.flows["industry"] == industry].set_index("event")
    before = n.flows_before[n.flows_before["industry"] == industry].set_index("event")
    events = tuple(label("stage", e, lang) for e in EVENTS)
    colour = INDUSTRY_COLOURS[industry]
    chart = Chart(
        "bar", events,
        (Series(str(n.year - 1), tuple(int(before.loc[e, "count"]) for e in EVENTS), "#B8C2CC"),
         Series(str(n.year), tuple(int(now.loc[e, "count"]) for e in EVENTS), colour)),
        t("brief.unit_count", lang), number_format="0",
    )  # fmt: skip
    signed_now, signed_before = (
        float(now.loc["signed", "investment_wan"]),
        float(before.loc["signed", "investment_wan"]),
    )
    town_signed = float(n.flows[n.flows["event"] == "signed"]["investment_wan"].sum())
    share = briefing.share(signed_now, town_signed)
    if signed_before > 0:
        change = (signed_now - signed_before) / signed_before
        key = "deck.industry.headline_up" if change >= 0 else "deck.industry.headline_down"
        headline = t(key, lang, industry=name, change=f"{abs(change) * 100:.0f}%", share=share, year=n.year)
    else:
        headline = t("deck.industry.headline_first", lang, industry=name, investment=yi_text(signed_now), share=share,
                     year=n.year)  # fmt: skip
    row = n.by_industry.set_index("industry").loc[industry]
    table = Table(
        (t("deck.col.item", lang), t("deck.col.value", lang)),
        (
            (t("kpi.projects", lang), int(row["projects"])),
            (t("table.investment_yi", lang), _r2(yi(row["investment_wan"]))),
            (t("kpi.key_projects", lang), int(row["key_projects"])),
            (t("deck.industry.signed_count", lang, year=n.year), int(now.loc["signed", "count"])),
            (t("deck.industry.signed_yi", lang, year=n.year), _r2(yi(signed_now))),
            *((t(f"kpi.{s}", lang), int(row[f"reached_{s}"])) for s in EVENTS),
        ),
        name=name,
    )
    return Slide(key=f"industry-{industry}", section="industry", title=name, headline=headline, chart=chart,
                 table=table)  # fmt: skip


def _fmt_date(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _next_step(project: pd.Series, lang: str) -> str:
    """The next rung and its planned date, or the plain 'measures' when the ladder is done."""
    stage = project["stage"]
    if stage == SUSPENDED or stage not in RANK or RANK[stage] + 1 >= len(LADDER):
        return t("deck.key.no_next", lang)
    step = LADDER[RANK[stage] + 1]
    planned = project.get(PLANNED_DATE.get(step, ""), None)
    when = _fmt_date(planned) if planned is not None else ""
    return t("deck.key.next_dated" if when else "deck.key.next", lang, stage=label("stage", step, lang), date=when)


def status_text(project: pd.Series, lang: str) -> str:
    """红/黄/绿: overdue, stalled, on schedule."""
    if project["overdue"]:
        return t("deck.status.overdue", lang, date=_fmt_date(project["overdue_since"]))
    if project["stalled"]:
        return t("deck.status.stalled", lang, days=int(project["stalled_days"]))
    return t("deck.status.ok", lang)


def _key_project(project: pd.Series, notes: pd.DataFrame, lang: str, number: int) -> Slide:
    name = str(project["project_name"])
    situation = t(
        "deck.key.situation", lang, industry=label("industry", project["industry"], lang),
        stage=label("stage", project["stage"], lang), investment=yi_text(project["investment_wan"]),
        department=project["department"] if isinstance(project["department"], str) else "—",
    )  # fmt: skip
    bullets = [
        (t("deck.key.status", lang), status_text(project, lang)),
        (t("deck.key.situation_label", lang), situation),
        (t("field.problems", lang), project["problems"] if isinstance(project["problems"], str) else "—"),
        (t("field.measures", lang), project["measures"] if isinstance(project["measures"], str) else "—"),
        (t("deck.key.next_label", lang), _next_step(project, lang)),
    ]
    for c in notes.itertuples():
        bullets.append((t("deck.key.comment", lang, department=c.department, author=c.author,
                          date=_fmt_date(c.comment_date)), c.text))  # fmt: skip
    headline = t("deck.key.headline", lang, name=name, status=status_text(project, lang))
    return Slide(key=f"key-{number}", section="key_project", title=name, headline=headline, bullets=tuple(bullets))


def _against_targets(progress: pd.DataFrame, year: int, lang: str, key: str) -> Slide:
    town = progress[progress["industry"] == TOWN].set_index("measure")
    counted = [m for m in MEASURES if m != "signed_investment_wan"]
    names = tuple(t(f"targets.measure.{m}", lang) for m in counted)
    has_targets = town["target"].notna().any()
    chart = Chart(
        "bar", names, (Series(t("deck.actual", lang, year=year), tuple(int(town.loc[m, "actual"]) for m in counted),
                              INDUSTRY_COLOURS["new_it"]),),
        t("brief.unit_count", lang), number_format="0",
        target=tuple(None if pd.isna(town.loc[m, "target"]) else float(town.loc[m, "target"]) for m in counted)
        if has_targets else None,
    )  # fmt: skip
    rows = []
    for m in MEASURES:
        row = town.loc[m]
        money = m == "signed_investment_wan"

        def show(v: float, money: bool = money) -> float | int | None:
            return None if pd.isna(v) else (_r2(yi(v)) if money else int(round(v)))

        status = t(f"targets.status.{row['status']}", lang) if isinstance(row["status"], str) else "—"
        completion = None if pd.isna(row["completion"]) else f"{float(row['completion']) * 100:.0f}%"
        rows.append((t(f"targets.measure.{m}", lang) + (f"（{t('unit.yi', lang)}）" if money else ""),
                     show(row["target"]), show(row["actual"]), completion, status))  # fmt: skip
    table = Table(
        (t("deck.col.measure", lang), t("targets.col.target", lang), t("targets.col.actual", lang),
         t("targets.col.completion", lang), t("targets.col.status", lang)),
        tuple(rows), name=t(f"deck.{key}.title", lang, year=year),
    )  # fmt: skip
    signed = town.loc["signed_count"]
    if pd.notna(signed["target"]):
        headline = t(
            f"deck.{key}.headline", lang, year=year, target=int(signed["target"]), actual=int(signed["actual"]),
            completion="—" if pd.isna(signed["completion"]) else f"{signed['completion'] * 100:.0f}%",
            status=t(f"targets.status.{signed['status']}", lang) if isinstance(signed["status"], str) else "—",
        )  # fmt: skip
    else:
        headline = t(f"deck.{key}.headline_none", lang, year=year, signed=int(signed["actual"]),
                     landed=int(town.loc["landed_count", "actual"]))  # fmt: skip
    return Slide(key=key, section=key, title=t(f"deck.{key}.title", lang, year=year), headline=headline, chart=chart,
                 table=table)  # fmt: skip


def _changes(n: MeetingNumbers, lang: str) -> Slide | None:
    if n.changed is None or n.previous is None:
        return None
    counts = {kind: n.changed.counts[kind] for kind in KINDS}
    chart = Chart(
        "bar", tuple(t(f"targets.change.{k}", lang) for k in KINDS),
        (Series(t("deck.changes.projects", lang), tuple(counts.values()), INDUSTRY_COLOURS["new_it"]),),
        t("brief.unit_count", lang), number_format="0",
    )  # fmt: skip
    listed: list[tuple] = []
    for kind in ("new", "advanced", "suspended", "regressed"):
        for r in n.changed[kind].itertuples():
            before = label("stage", r.stage_before, lang) if hasattr(r, "stage_before") else "—"
            listed.append((t(f"targets.change.{kind}", lang), r.project_name, before, label("stage", r.stage, lang),
                           None if pd.isna(r.investment_wan) else _r2(yi(r.investment_wan))))  # fmt: skip
    table = Table(
        (t("deck.col.change", lang), t("field.project_name", lang), t("field.stage_before", lang),
         t("field.stage", lang), t("table.investment_yi", lang)),
        # Each list holds its largest projects: the largest of them all are among them.
        _capped(sorted(listed, key=lambda row: -(row[4] or 0)), 5, lang,
                total=sum(counts[k] for k in ("new", "advanced", "suspended", "regressed"))),
        name=t("deck.changes.title", lang),
    )  # fmt: skip
    headline = t("deck.changes.headline", lang, previous=briefing.long_date(n.previous["as_of"], lang), **counts)
    return Slide(key="changes", section="changes", title=t("deck.changes.title", lang), headline=headline,
                 chart=chart, table=table)  # fmt: skip


def _risks(n: MeetingNumbers, suspended: int, lang: str) -> Slide:
    keys, flags = n.key_projects, n.key_flags
    chart = Chart(
        "bar", (t("review.overdue", lang), t("review.stalled", lang), t("stage.suspended", lang)),
        (Series(t("deck.changes.projects", lang), (flags["overdue"], flags["stalled"], suspended),
                PACE_COLOURS["behind"]),),
        t("brief.unit_count", lang), number_format="0",
    )  # fmt: skip
    flagged = keys[keys["overdue"] | keys["stalled"]]
    rows = list(
        (r["project_name"], label("industry", r["industry"], lang), label("stage", r["stage"], lang),
         None if pd.isna(r["investment_wan"]) else _r2(yi(r["investment_wan"])), status_text(r, lang),
         r["problems"] if isinstance(r["problems"], str) else "")
        for _, r in flagged.iterrows()
    )  # fmt: skip
    table = Table(
        (t("field.project_name", lang), t("field.industry", lang), t("field.stage", lang),
         t("table.investment_yi", lang), t("deck.key.status", lang), t("field.problems", lang)),
        _capped(rows, 6, lang, total=flags["flagged"]), name=t("deck.risks.title", lang),
    )  # fmt: skip
    headline = t("deck.risks.headline", lang, key_count=flags["key"], overdue=flags["overdue"], stalled=flags["stalled"],
                 suspended=suspended)  # fmt: skip
    return Slide(key="risks", section="risks", title=t("deck.risks.title", lang), headline=headline, chart=chart,
                 table=table)  # fmt: skip


def slides(n: MeetingNumbers, notes: pd.DataFrame, lang: str) -> list[Slide]:
    """Every slide of the meeting from its numbers and the key projects' comments (newest first)."""
    out = [_overview(n, lang), *(_industry(n, i, lang) for i in n.filters.industries)]
    keys = n.key_projects.head(KEY_PROJECT_SLIDES)
    for number, (_, project) in enumerate(keys.iterrows(), start=1):
        own = notes[notes["project_key"] == project["project_key"]]
        out.append(_key_project(project, own, lang, number))
    out.append(_against_targets(n.review_progress, n.year, lang, "review"))
    out.append(_against_targets(n.target_progress, n.target_year, lang, "targets"))
    changed = _changes(n, lang)
    if changed is not None:
        out.append(changed)
    suspended = int(n.cells[n.cells["stage"] == SUSPENDED]["projects"].sum())
    out.append(_risks(n, suspended, lang))
    return out


def build_deck(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int, target_year: int, lang: str = "zh"
) -> Deck:
    """The meeting deck and its briefing for one snapshot, filter, review year and target year."""
    numbers = gather(con, snapshot_id, filters, year, target_year)
    notes = comments(con, numbers.key_projects["project_key"].tolist())
    written = briefing.write(numbers, lang)
    deck_slides = slides(numbers, notes, lang)
    # The briefing's paragraphs go with the slides they speak to, as the presenter's notes.
    with_notes = [replace(slide, notes=written.about(slide.key) or slide.notes) for slide in deck_slides]
    subtitle = t("deck.subtitle", lang, year=year, target_year=target_year)
    return Deck(t("deck.title", lang), subtitle, numbers.as_of, lang, tuple(with_notes), written.paragraphs)
