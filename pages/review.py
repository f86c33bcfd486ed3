"""年度回顾 Review: what the year delivered, industry by industry (the year is a parameter)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.charts import channels as channel_charts
from analytics.charts import review as charts
from analytics.domain import INDUSTRIES, TOWN, WAN_PER_YI
from analytics.i18n import LANGUAGES, label, t
from analytics.metrics import channels, events, funnel, reserve, risks
from analytics.theme import count, percent, yi
from pages.context import PageContext, chart, metric, page_context, plain, snapshot_caption
from pages.project_table import display_frame, project_table, show

LEAGUE_ROWS = 50
"""Referring firms in the league table (a town has a few dozen); the rest are counted, as a province has thousands."""
DETAIL_ROWS = 200
"""Referred projects listed under the league (those of the firms shown, largest first within each)."""
SECTIONS = ("progress", "signings", "mix", "key_projects", "channels")
"""The page's sections, one tab each: only the open one is worked out and drawn (a fresh visit draws the reserve and
the funnel, not nine charts and five tables below the screen's edge)."""


def _selected_rows(event, column: int = 0) -> list:
    """customdata of the points a visitor clicked or lassoed in a chart (empty when nothing is selected)."""
    if not event or not event.selection or not event.selection.points:
        return []
    return [p.get("customdata") for p in event.selection.points if p.get("customdata") is not None]


def _kpis(ctx: PageContext, comparison: pd.DataFrame) -> None:
    comp = comparison.set_index("event")
    has_previous = comp["count_prev"].notna().all()

    def delta(value: float | None, money: bool = False) -> str | None:
        if not has_previous or value is None or pd.isna(value):
            return None
        return f"{value / WAN_PER_YI:+,.2f}" if money else f"{int(value):+,d}"

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


def _show_selection(ctx: PageContext, chosen: pd.DataFrame | None, total: int) -> None:
    """The projects behind the bars a visitor picked: `total` of them, the DETAIL_ROWS largest listed."""
    if chosen is None:
        st.caption(ctx.t("review.select_hint"))
        return
    st.markdown(f"**{ctx.t('review.selected', n=total)}**")
    if total > len(chosen):
        st.caption(ctx.t("table.top_rows", n=len(chosen), total=total))
    project_table(ctx, chosen, key="review_selection")


def _table(frame: pd.DataFrame, money: tuple[str, ...] = (), ratio: tuple[str, ...] = ()) -> None:
    """A static table, every row on screen (no scrolling on a projector), amounts with two decimals."""
    # st.table rather than st.dataframe: these are the meeting's summary tables, read whole, not explored.
    # The first column becomes the index, so no meaningless 0, 1, 2 … column is drawn.
    # st.table reads Markdown in its cells: names from the spreadsheet are escaped so they show as typed.
    frame = frame.apply(lambda column: column.map(lambda v: plain(v) if isinstance(v, str) else v))
    styled = frame.set_index(frame.columns[0]).style.format("{:,.2f}", subset=list(money), na_rep="—")
    st.table(styled.format("{:.1f}", subset=list(ratio), na_rep="—"))


def _channels(ctx: PageContext, year: int, cutoff: date) -> None:
    """招商渠道: which channels bring projects that land, the referral league, the industry fund."""
    by_channel = metric(channels.by_channel, ctx.snapshot_id, ctx.filters, year)
    st.plotly_chart(
        chart(channel_charts.landing_by_channel, by_channel, ctx.lang), key="channel_chart", width="stretch"
    )
    st.caption(ctx.t("channels.caption"))
    shown = by_channel[by_channel["projects"] > 0].sort_values(
        ["reached_landed", "conversion"], ascending=False, kind="stable"
    )  # the chart's order
    signed_yi = ctx.t("channels.signed_investment_yi", year=year)
    _table(
        pd.DataFrame(
            {
                ctx.t("channels.channel"): [label("channel", c, ctx.lang) for c in shown["channel"]],
                ctx.t("channels.projects"): shown["projects"],
                ctx.t("table.investment_yi"): shown["investment_wan"] / WAN_PER_YI,
                ctx.t("channels.signed_count", year=year): shown["signed_count"],
                signed_yi: shown["signed_investment_wan"] / WAN_PER_YI,
                ctx.t("channels.reached_landed"): shown["reached_landed"],
                ctx.t("channels.conversion"): [percent(c) for c in shown["conversion"]],
            }
        ),
        money=(ctx.t("table.investment_yi"), signed_yi),
    )

    st.subheader(ctx.t("channels.referrers"))
    league = metric(channels.referrers, ctx.snapshot_id, ctx.filters)
    if league.empty:
        st.info(ctx.t("channels.referrers_none"))
    else:
        st.caption(ctx.t("channels.referrers_caption"))
        if len(league) > LEAGUE_ROWS:
            st.caption(ctx.t("channels.referrers_top", n=LEAGUE_ROWS, total=len(league)))
            league = league.head(LEAGUE_ROWS)
        _table(
            pd.DataFrame(
                {
                    ctx.t("channels.rank"): range(1, len(league) + 1),
                    ctx.t("channels.referrer"): league["referrer"],
                    ctx.t("table.projects"): league["projects"],
                    ctx.t("table.investment_yi"): league["investment_wan"] / WAN_PER_YI,
                    ctx.t("channels.reached_landed"): league["reached_landed"],
                    ctx.t("channels.project_names"): [
                        "、".join(names)
                        + (f" {ctx.t('channels.names_more', n=n - len(names))}" if n > len(names) else "")
                        for names, n in zip(league["project_names"], league["projects"], strict=True)
                    ],
                }
            ),
            money=(ctx.t("table.investment_yi"),),
        )
        spellings = tuple(s for firm in league["spellings"] for s in firm)
        # The shown firms' projects, firm by firm and largest first: only the first DETAIL_ROWS leave the database,
        # and only once the expander is opened (opening reruns the page): hidden in a closed expander, its hundreds
        # of cells were most of the page's elements and the browser laid them out before showing the first chart.
        total = int(league["projects"].sum())
        box = st.expander(ctx.t("channels.referred_detail", n=total), key="referred_detail", on_change="rerun")
        if box.open:
            with box:
                referred = metric(channels.referred_projects, ctx.snapshot_id, ctx.filters, spellings, DETAIL_ROWS)
                if total > DETAIL_ROWS:
                    st.caption(ctx.t("channels.referred_top", n=DETAIL_ROWS))
                detail = display_frame(ctx, referred, ["channel"])
                detail.insert(0, ctx.t("channels.referrer"), referred["referrer"].to_numpy())
                detail[ctx.t("field.is_key")] = [
                    ctx.t("common.yes") if k else ctx.t("common.no") for k in referred["is_key"]
                ]
                show(ctx, detail, key="referred_detail_table")

    st.subheader(ctx.t("channels.fund"))
    by_industry = metric(channels.fund_by_industry, ctx.snapshot_id, ctx.filters)
    total = by_industry.set_index("industry").loc[TOWN]
    # The town row adds nothing when one industry is shown.
    fund = by_industry if len(ctx.industries) > 1 else by_industry[by_industry["industry"] != TOWN]
    if total["projects"] == 0:
        st.info(ctx.t("channels.fund_none"))
        return
    leverage = f"{total['leverage']:.1f}" if pd.notna(total["leverage"]) else "—"
    st.markdown(
        ctx.t(
            "channels.fund_summary",
            n=count(total["projects"]),
            fund=yi(total["fund_wan"]),
            investment=yi(total["investment_wan"]),
            leverage=leverage,
        )
    )
    _table(
        pd.DataFrame(
            {
                ctx.t("table.industry"): [label("industry", i, ctx.lang) for i in fund["industry"]],
                ctx.t("channels.fund_projects"): fund["projects"],
                ctx.t("channels.fund_yi"): fund["fund_wan"] / WAN_PER_YI,
                ctx.t("table.investment_yi"): fund["investment_wan"] / WAN_PER_YI,
                ctx.t("channels.leverage"): fund["leverage"],
            }
        ),
        money=(ctx.t("channels.fund_yi"), ctx.t("table.investment_yi")),
        ratio=(ctx.t("channels.leverage"),),
    )
    st.caption(ctx.t("channels.fund_caption"))


def _progress(ctx: PageContext, year: int, cutoff: date) -> None:
    """The reserve at year end and the funnel (a click lists their projects), then signings month by month."""
    selection: pd.DataFrame | None = None
    selected = 0  # how many projects the picked bars hold (their rows come DETAIL_ROWS at most)
    left, right = st.columns([3, 2])
    with left:
        at_end = metric(reserve.at_cutoff, ctx.snapshot_id, ctx.filters, cutoff)
        fig = chart(charts.reserve_at_year_end, at_end, year, ctx.lang)
        event = st.plotly_chart(fig, key="reserve_chart", on_select="rerun", selection_mode="points", width="stretch")
        picked = _selected_rows(event)
        if picked:
            # Each bar's customdata ends with (industry, stage).
            cells = frozenset((c[2], c[3]) for c in picked)
            selection = metric(reserve.projects_at, ctx.snapshot_id, ctx.filters, cutoff, cells, DETAIL_ROWS)
            picked_cells = at_end[[(i, s) in cells for i, s in zip(at_end["industry"], at_end["stage"], strict=True)]]
            selected = int(picked_cells["projects"].sum())
    with right:
        scopes = [TOWN, *[i for i in INDUSTRIES if i in ctx.industries]]
        scope = st.pills(
            ctx.t("review.funnel_scope"), scopes, default=TOWN, required=True, wrap=True,
            format_func=lambda k: label("industry", k, ctx.lang), key="funnel_scope",
        )  # fmt: skip
        stages = metric(funnel.funnel, ctx.snapshot_id, ctx.filters, cutoff)
        stages = stages[stages["industry"] == scope]
        event = st.plotly_chart(
            chart(charts.funnel, stages, ctx.lang), key="funnel_chart", on_select="rerun", selection_mode="points",
            width="stretch",
        )  # fmt: skip
        picked = _selected_rows(event)
        if picked:
            rung = picked[0][0]
            selection = metric(
                funnel.projects_reaching, ctx.snapshot_id, ctx.filters, cutoff, rung, scope, DETAIL_ROWS
            )  # fmt: skip
            selected = int(stages.loc[stages["stage"] == rung, "projects"].sum())
    _show_selection(ctx, selection, selected)


def _mix(ctx: PageContext, year: int, cutoff: date) -> None:
    cols = st.columns(2)
    for i, (by, kind) in enumerate(
        [("project_type", "project_type"), ("size_band", "size_band"), ("source_region", None), ("department", None)]
    ):
        with cols[i % 2]:
            breakdown = metric(reserve.mix, ctx.snapshot_id, ctx.filters, by, year)
            st.plotly_chart(
                chart(charts.breakdown, breakdown, by, ctx.lang, kind=kind), key=f"mix_{by}", width="stretch"
            )


def _signings(ctx: PageContext, year: int, cutoff: date) -> None:
    """Signed investment month by month, then how much of the signed projects' money is in place."""
    monthly = metric(events.monthly_cumulative, ctx.snapshot_id, ctx.filters, year)
    st.plotly_chart(chart(charts.cumulative_signings, monthly, year, ctx.lang), key="cumulative_chart", width="stretch")
    money = metric(reserve.money_in_place, ctx.snapshot_id, ctx.filters, cutoff)
    if money["reporting"].sum() == 0:
        st.info(ctx.t("review.money_none"))
    else:
        st.plotly_chart(chart(charts.money_in_place, money, ctx.lang), key="money_chart", width="stretch")


def _key_projects(ctx: PageContext, year: int, cutoff: date) -> None:
    flags = metric(risks.flag_counts, ctx.snapshot_id, ctx.filters)
    if flags["key"] == 0:
        st.info(ctx.t("review.key_none"))
        return
    if flags["key"] > DETAIL_ROWS:  # flagged first: what is cut off are the largest projects on schedule
        st.caption(ctx.t("table.top_rows", n=DETAIL_ROWS, total=flags["key"]))
    project_table(
        ctx,
        metric(risks.key_projects, ctx.snapshot_id, ctx.filters, None, DETAIL_ROWS),
        key="key_projects",
        extra_columns=["status", "overdue_since", "problems", "measures"],
    )
    st.caption(ctx.t("review.flags", overdue=flags["overdue"], stalled=flags["stalled"]))


def _sections(ctx: PageContext) -> list[str]:
    """The tabs' labels in the page's language; a section chosen in the other language stays chosen."""
    labels = [ctx.t(f"review.section.{s}") for s in SECTIONS]
    chosen = st.session_state.get("review_section")
    if chosen is not None and chosen not in labels:
        for lang in LANGUAGES:
            others = [t(f"review.section.{s}", lang) for s in SECTIONS]
            if chosen in others:
                st.session_state["review_section"] = labels[others.index(chosen)]
                break
    return labels


ctx = page_context()
if ctx.snapshot_id is None:
    st.title(ctx.t("nav.review"))
    snapshot_caption(ctx)
    st.stop()

as_of = ctx.snapshot["as_of"]
default = events.default_year(as_of)
years = sorted({default, as_of.year, *metric(events.years_with_events, ctx.snapshot_id, ctx.filters)})
years = [y for y in years if y <= as_of.year]
year = st.sidebar.pills(ctx.t("review.year"), years[::-1], default=default, required=True, key="review_year")
cutoff = events.year_end(year, as_of)

title = ctx.t("review.header", year=year)
if cutoff < pd.Timestamp(year, 12, 31).date():
    title += ctx.t("review.to_date", as_of=cutoff)
st.title(title)
snapshot_caption(ctx)

_kpis(ctx, metric(events.year_comparison, ctx.snapshot_id, ctx.filters, year))

draw = {"progress": _progress, "signings": _signings, "mix": _mix, "key_projects": _key_projects, "channels": _channels}
tabs = st.tabs(_sections(ctx), key="review_section", on_change="rerun")
for section, tab in zip(SECTIONS, tabs, strict=True):
    if tab.open:
        with tab:
            draw[section](ctx, year, cutoff)
