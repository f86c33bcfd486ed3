"""年度回顾 Review: what the year delivered, industry by industry (the year is a parameter)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts import review as charts
from analytics.charts.overview import investment_by_industry_stage
from analytics.i18n import label
from analytics.metrics import review
from analytics.metrics.history import stage_history
from analytics.theme import count, yi
from analytics.vocabulary import INDUSTRIES
from pages.context import connection, page_context, snapshot_caption
from pages.project_table import project_table


@st.cache_data(show_spinner=False)
def _projects(snapshot_id: int, industries: tuple[str, ...]) -> pd.DataFrame:
    return review.snapshot_projects(connection(), snapshot_id, industries)


@st.cache_data(show_spinner=False)
def _history(snapshot_id: int) -> pd.DataFrame:
    return stage_history(connection(), snapshot_id)


def _selected_rows(event, column: int = 0) -> list:  # noqa: ANN001
    """customdata of the points a visitor clicked or lassoed in a chart (empty when nothing is selected)."""
    if not event or not event.selection or not event.selection.points:
        return []
    return [p.get("customdata") for p in event.selection.points if p.get("customdata") is not None]


def _kpis(ctx, comparison: pd.DataFrame) -> None:  # noqa: ANN001
    comp = comparison.set_index("event")
    has_previous = comp["count_prev"].notna().all()

    def delta(value: float | None, money: bool = False) -> str | None:
        if not has_previous or value is None or pd.isna(value):
            return None
        return f"{value / 10_000:+,.2f}" if money else f"{int(value):+,d}"

    cards = [
        ("review.kpi_signed", count(comp.loc["signed", "count"]), delta(comp.loc["signed", "count_delta"])),
        ("review.kpi_signed_investment", yi(comp.loc["signed", "investment_wan"]),
         delta(comp.loc["signed", "investment_delta"], money=True)),
        ("review.kpi_landed", count(comp.loc["landed", "count"]), delta(comp.loc["landed", "count_delta"])),
        ("review.kpi_construction", count(comp.loc["construction", "count"]),
         delta(comp.loc["construction", "count_delta"])),
        ("review.kpi_production", count(comp.loc["production", "count"]), delta(comp.loc["production", "count_delta"])),
    ]  # fmt: skip
    for column, (key, value, change) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(ctx.t(key), value, change, border=True, help=ctx.t("review.delta_help"))
    if not has_previous:
        st.caption(ctx.t("review.no_previous"))


def _show_selection(ctx, projects: pd.DataFrame, mask: pd.Series | None) -> None:  # noqa: ANN001
    if mask is None:
        st.caption(ctx.t("review.select_hint"))
        return
    chosen = projects[mask]
    st.markdown(f"**{ctx.t('review.selected', n=len(chosen))}**")
    project_table(ctx, chosen, key="review_selection")


ctx = page_context()
if ctx.snapshot_id is None:
    snapshot_caption(ctx)
    st.stop()

as_of = ctx.snapshot["as_of"]
default = review.default_year(as_of)
projects = _projects(ctx.snapshot_id, ctx.industries)
years = sorted({default, as_of.year} | {int(y) for c in review.EVENTS.values() for y in projects[c].dt.year.dropna()})
years = [y for y in years if y <= as_of.year]
year = st.sidebar.selectbox(ctx.t("review.year"), years[::-1], index=years[::-1].index(default), key="review_year")
cutoff = review.year_end(year, as_of)

title = ctx.t("review.header", year=year)
if cutoff < pd.Timestamp(year, 12, 31).date():
    title += ctx.t("review.to_date", as_of=cutoff)
st.title(title)
snapshot_caption(ctx)

_kpis(ctx, review.year_comparison(projects, year))

selection: pd.Series | None = None
left, right = st.columns([3, 2])
with left:
    reserve = review.reserve_at(projects, cutoff)
    reserve = reserve[reserve["industry"].isin(ctx.industries)]
    fig = investment_by_industry_stage(reserve, ctx.lang)
    fig.update_layout(
        title_text=ctx.t(
            "review.reserve_title",
            year=year,
            projects=count(reserve["projects"].sum()),
            investment=yi(reserve["investment_wan"].sum()),
        )  # fmt: skip
    )
    event = st.plotly_chart(fig, key="reserve_chart", on_select="rerun", selection_mode="points", width="stretch")
    picked = _selected_rows(event)
    if picked:
        stage_then = review.stage_at(projects, cutoff)
        # Each bar's customdata ends with (industry, stage).
        pairs = {(c[2], c[3]) for c in picked}
        selection = pd.Series([(i, s) in pairs for i, s in zip(projects["industry"], stage_then, strict=True)],
                              index=projects.index)  # fmt: skip
with right:
    scopes = ["all", *[i for i in INDUSTRIES if i in ctx.industries]]
    scope = st.selectbox(
        ctx.t("review.funnel_scope"), scopes, format_func=lambda k: label("industry", k, ctx.lang), key="funnel_scope"
    )
    stages = review.funnel(projects, cutoff)
    stages = stages[stages["industry"] == scope]
    event = st.plotly_chart(
        charts.funnel(stages, ctx.lang), key="funnel_chart", on_select="rerun", selection_mode="points", width="stretch"
    )
    picked = _selected_rows(event)
    if picked:
        reached = review.reached(projects, cutoff)
        stage = picked[0][0]
        selection = reached[stage] & ((projects["industry"] == scope) if scope != "all" else True)
_show_selection(ctx, projects, selection)

st.plotly_chart(
    charts.cumulative_signings(review.monthly_cumulative(projects, year), year, ctx.lang),
    key="cumulative_chart",
    width="stretch",
)

st.header(ctx.t("review.mix"))
cols = st.columns(2)
for i, (by, kind) in enumerate(
    [("project_type", "project_type"), ("size_band", "size_band"), ("source_region", None), ("department", None)]
):
    with cols[i % 2]:
        st.plotly_chart(
            charts.breakdown(review.mix(projects, by, year), by, ctx.lang, kind=kind), key=f"mix_{by}", width="stretch"
        )

st.header(ctx.t("review.money"))
money = review.money_in_place(projects, cutoff)
if money["reporting"].sum() == 0:
    st.info(ctx.t("review.money_none"))
else:
    st.plotly_chart(charts.money_in_place(money, ctx.lang), key="money_chart", width="stretch")

st.header(ctx.t("review.key_projects"))
keys = review.key_projects(projects, _history(ctx.snapshot_id))
if keys.empty:
    st.info(ctx.t("review.key_none"))
else:
    project_table(ctx, keys, key="key_projects", extra_columns=["stalled", "problems", "measures"])
    stalled = int(keys["stalled"].sum())
    if stalled:
        st.caption(f"{ctx.t('review.stalled')}: {stalled} · {ctx.t('review.stalled_help')}")
