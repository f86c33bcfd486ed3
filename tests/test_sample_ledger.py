"""Invariants of the seeded sample ledger generator (tools.sample_ledger)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tools import sample_ledger as sl

LADDER = {"洽谈": 0, "已签约": 1, "已落地": 2, "已动工": 3, "竣工投产": 4}
HEADER = [
    "序号", "项目名称", "投资方", "所属行业", "项目类型", "投资方来源地", "计划总投资", "到位资金", "项目进度",
    "签约时间", "落地时间", "动工时间", "投产时间", "计划开工时间", "计划投产时间",
    "责任单位", "是否重点项目", "招商方式", "引荐企业", "基金出资", "存在问题", "解决措施", "备注",
]  # fmt: skip
# Each planned date and the milestone it plans for; only a key project that has signed plans ahead.
PLANNED = {"计划开工时间": "动工时间", "计划投产时间": "投产时间"}
PLANNING_STAGES = {"已签约", "已落地", "已动工", "暂缓"}
YEAR_END = dt.date(2023, 12, 31)


@pytest.fixture(scope="module")
def ledger() -> tuple[pd.DataFrame, pd.DataFrame]:
    return sl.generate()


@pytest.fixture(scope="module")
def projects(ledger: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return ledger[0]


@pytest.fixture(scope="module")
def targets(ledger: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return ledger[1]


def _dates(row: pd.Series) -> list[dt.date | None]:
    return [row[c] for c in sl.DATE_COLUMNS]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_columns_and_row_count(projects: pd.DataFrame) -> None:
    assert list(projects.columns) == list(sl.PROJECT_COLUMNS) == HEADER
    assert 240 <= len(projects) <= 260
    assert list(projects["序号"]) == list(range(1, len(projects) + 1))


def test_stage_values_and_mix(projects: pd.DataFrame) -> None:
    counts = projects["项目进度"].value_counts()
    assert set(counts.index) == set(sl.STAGE_SHARES)
    for stage, share in sl.STAGE_SHARES.items():
        assert abs(counts[stage] / len(projects) - share) < 0.03


def test_dates_are_ordered_with_gaps_of_one_to_six_months(projects: pd.DataFrame) -> None:
    for _, row in projects.iterrows():
        present = [d for d in _dates(row) if d is not None]
        for earlier, later in zip(present, present[1:], strict=False):
            assert 28 <= (later - earlier).days <= 186, row["项目名称"]


def test_dates_filled_exactly_up_to_stage(projects: pd.DataFrame) -> None:
    for _, row in projects.iterrows():
        filled = [d is not None for d in _dates(row)]
        if row["项目进度"] == "暂缓":
            # Stalled projects signed and maybe progressed, but never reached production.
            steps = sum(filled)
            assert 1 <= steps <= 3 and filled == [True] * steps + [False] * (4 - steps)
        else:
            steps = LADDER[row["项目进度"]]
            assert filled == [True] * steps + [False] * (4 - steps), row["项目名称"]


def test_no_date_after_cutoff_and_2023_is_the_bigger_signing_year(projects: pd.DataFrame) -> None:
    dates = [d for c in sl.DATE_COLUMNS for d in projects[c] if d is not None]
    assert all(isinstance(d, dt.date) for d in dates)
    assert min(dates) >= dt.date(2022, 1, 1)
    assert max(dates) <= dt.date(2023, 12, 31)
    years = Counter(d.year for d in projects["签约时间"] if d is not None)
    assert set(years) == {2022, 2023} and years[2023] > years[2022]


def test_capital_in_place_within_stage_share_and_never_above_plan(projects: pd.DataFrame) -> None:
    for _, row in projects.iterrows():
        invested, planned = row["到位资金"], row["计划总投资"]
        if row["项目进度"] == "洽谈":
            assert _blank(invested)
            continue
        assert 0 <= invested <= planned
        low, high = sl.INVESTED_SHARE[row["项目进度"]]
        assert planned * low - 0.05 <= invested <= planned * high + 0.05


def test_planned_investment_is_skewed(projects: pd.DataFrame) -> None:
    planned = projects["计划总投资"]
    assert planned.min() >= 300 and planned.max() <= 500_000
    assert 8_000 <= planned.median() <= 15_000
    assert 10 <= (planned >= 100_000).sum() <= 15
    assert (planned >= 200_000).sum() >= 2


def test_key_projects(projects: pd.DataFrame) -> None:
    key = projects["是否重点项目"] == "是"
    assert set(projects["是否重点项目"]) == {"是", "否"}
    assert key[projects["计划总投资"] >= 50_000].all()
    assert 0.15 <= key.mean() <= 0.25
    with_problems = projects["存在问题"].notna()
    assert not with_problems[~key].any()
    assert (with_problems == projects["解决措施"].notna()).all()
    assert 0.7 <= with_problems[key].mean() <= 0.9


def test_industry_mix_and_synonyms(projects: pd.DataFrame) -> None:
    groups = projects["所属行业"].map(sl.industry_group)
    assert 0.40 <= (groups == sl.LIGHTING).mean() <= 0.60
    assert 0.13 <= (groups == sl.NEW_IT).mean() <= 0.23
    assert 0.10 <= (groups == sl.NEW_ENERGY).mean() <= 0.20
    texts = set(projects["所属行业"])
    assert texts & {"LED", "智能照明"} and texts & {"储能", "光伏"}
    assert {"五金制品", "家居家电", "现代服务业", "生物医药", "新材料"} <= texts


def test_project_types_and_sources(projects: pd.DataFrame) -> None:
    assert set(projects["项目类型"]) == set(sl.TYPE_SHARES)
    assert set(projects["投资方来源地"]) == set(sl.SOURCE_SHARES)
    local_types = projects["项目类型"].isin(["增资扩产", "建新家"])
    assert (projects.loc[local_types, "投资方来源地"] == "本镇").mean() > 0.8
    outside = projects.loc[projects["投资方来源地"] != "本镇", "投资方来源地"].value_counts()
    assert outside.index[0] == "深圳"


def test_investor_prefix_matches_source(projects: pd.DataFrame) -> None:
    prefixes = {
        "本镇": ("中山市古镇", "古镇"),
        "中山其他镇街": ("中山市", "广东"),
        "深圳": ("深圳市",),
        "广州": ("广州",),
        "佛山": ("佛山市",),
        "其他": sl.OTHER_PROVINCES,
    }
    for investor, source in zip(projects["投资方"], projects["投资方来源地"], strict=True):
        if source == "香港":
            assert investor.startswith("香港") or investor.endswith("（香港）有限公司")
        else:
            assert investor.startswith(prefixes[source]), investor
        assert investor.endswith("有限公司")


def test_project_names_unique_and_investors_repeat_at_most_twice(projects: pd.DataFrame) -> None:
    assert projects["项目名称"].is_unique
    repeats = projects["投资方"].value_counts()
    assert repeats.max() <= 2
    assert 1 <= (repeats == 2).sum() <= 6


def test_referrers_filled_iff_referral_channel(projects: pd.DataFrame) -> None:
    referral = projects["招商方式"] == sl.REFERRAL
    assert (projects["引荐企业"].notna() == referral).all()
    assert 0.25 <= referral.mean() <= 0.35


def test_referrers_are_producing_local_firms(projects: pd.DataFrame) -> None:
    producing_local = set(
        projects.loc[(projects["项目进度"] == "竣工投产") & (projects["投资方来源地"] == "本镇"), "投资方"]
    )
    referred = projects[projects["引荐企业"].notna()]
    assert set(referred["引荐企业"]) <= producing_local
    assert (referred["引荐企业"] != referred["投资方"]).all()


def test_referral_counts_have_a_leader_and_ties(projects: pd.DataFrame) -> None:
    counts = projects["引荐企业"].value_counts()
    assert 5 <= counts.iloc[0] <= 6
    assert counts.iloc[0] > counts.iloc[2]
    assert max(Counter(counts.values).values()) >= 2


def test_fund_amounts_only_where_expected(projects: pd.DataFrame) -> None:
    fund_channel = projects["招商方式"] == sl.FUND
    has_fund = projects["基金出资"].notna()
    assert 10 <= fund_channel.sum() <= 14
    assert has_fund[fund_channel].all()
    share = projects["基金出资"] / projects["计划总投资"]
    assert share[fund_channel].between(0.05, 0.20).all()
    side = has_fund & ~fund_channel
    assert 2 <= side.sum() <= 3
    assert (share[side] <= 0.05).all()


def test_channel_mix(projects: pd.DataFrame) -> None:
    channels = projects["招商方式"]
    assert 0.07 <= channels.isna().mean() <= 0.13
    direct = channels.isin(["驻点招商", "上门招商", "主动对接"]).mean()
    assert 0.25 <= direct <= 0.35


def test_departments_follow_stage(projects: pd.DataFrame) -> None:
    early = projects[projects["项目进度"].isin(["洽谈", "已签约"])]
    late = projects[projects["项目进度"].isin(["已落地", "已动工", "竣工投产"])]
    assert early["责任单位"].value_counts().index[0] == "招商办"
    assert late["责任单位"].value_counts().index[0] == "落地办"
    assert "落地办" not in set(early["责任单位"])


def test_notes_vocabulary(projects: pd.DataFrame) -> None:
    notes = projects["备注"].dropna()
    assert 0 < len(notes) < 0.15 * len(projects)
    assert set(notes) <= set(sl.KEY_NOTES) | set(sl.OTHER_NOTES)


def test_amounts_are_rounded(projects: pd.DataFrame) -> None:
    for column in sl.AMOUNT_COLUMNS:
        values = projects[column].dropna()
        assert (values.round(1) == values).all()


def _overdue(frame: pd.DataFrame, as_of: dt.date) -> set[str]:
    """Key projects with a planned date before as_of for a step they have not reached (the review's OVERDUE)."""
    return {
        row["项目名称"]
        for _, row in frame.iterrows()
        if row["是否重点项目"] == "是"
        and any(not _blank(row[plan]) and row[plan] < as_of and _blank(row[step]) for plan, step in PLANNED.items())
    }


def test_planned_dates_only_for_steps_key_signed_projects_have_not_reached(projects: pd.DataFrame) -> None:
    for _, row in projects.iterrows():
        plans_ahead = row["是否重点项目"] == "是" and row["项目进度"] in PLANNING_STAGES
        for plan, step in PLANNED.items():
            assert (not _blank(row[plan])) == (plans_ahead and _blank(row[step])), (row["项目名称"], plan)
            assert _blank(row[plan]) or isinstance(row[plan], dt.date)


def test_planned_dates_follow_the_milestones(projects: pd.DataFrame) -> None:
    for _, row in projects.iterrows():
        latest = max((d for d in _dates(row) if d is not None), default=None)
        start, production = row["计划开工时间"], row["计划投产时间"]
        if not _blank(start):
            signed_or_landed = row["落地时间"] or row["签约时间"]
            assert start > latest and 2 * 30 <= (start - signed_or_landed).days <= 9 * 31, row["项目名称"]
        if not _blank(production):
            started = row["动工时间"] or start  # the actual start, else the planned one
            assert production > latest and 8 * 30 <= (production - started).days <= 24 * 31, row["项目名称"]


def test_a_few_key_projects_are_overdue_at_year_end_most_with_a_problem(projects: pd.DataFrame) -> None:
    late = _overdue(projects, YEAR_END)
    assert 6 <= len(late) <= 10
    problems = projects.loc[projects["项目名称"].isin(late), "存在问题"]
    assert problems.notna().mean() >= 0.75
    # The other plans look ahead into the next two years.
    on_time = projects[~projects["项目名称"].isin(late)]
    plans = [d for column in PLANNED for d in on_time[column] if not _blank(d)]
    assert len(plans) >= 20
    assert all(dt.date(2024, 1, 1) <= d <= dt.date(2025, 12, 31) for d in plans)


def test_targets_sum_and_lift_over_2023(projects: pd.DataFrame, targets: pd.DataFrame) -> None:
    assert list(targets.columns) == list(sl.TARGET_COLUMNS)
    assert list(targets["产业"]) == [*sl.TARGET_GROUPS, "合计"]
    body, total = targets.iloc[:-1], targets.iloc[-1]
    for column in sl.TARGET_COLUMNS[1:]:
        assert total[column] == body[column].sum()
    groups = projects["所属行业"].map(sl.industry_group)
    signed_2023 = projects["签约时间"].map(lambda d: d is not None and d.year == 2023)
    for _, row in body.iterrows():
        mine = signed_2023 & (groups == row["产业"])
        assert mine.sum() * 1.05 <= row["签约项目数（个）"] <= mine.sum() * 1.5 + 5
        investment = projects.loc[mine, "计划总投资"].sum()
        assert investment * 1.05 <= row["签约投资额（万元）"] <= investment * 1.5 + 10_000


def test_deterministic_per_seed() -> None:
    first, second = sl.generate(7), sl.generate(7)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    assert not first[0].equals(sl.generate(8)[0])


@pytest.mark.parametrize("seed", [1, 2, 3, 11, 42])
def test_core_invariants_hold_for_other_seeds(seed: int) -> None:
    projects, targets = sl.generate(seed)
    assert 240 <= len(projects) <= 260 and projects["项目名称"].is_unique
    assert (projects["到位资金"].fillna(0) <= projects["计划总投资"]).all()
    assert (projects.loc[projects["计划总投资"] >= 50_000, "是否重点项目"] == "是").all()
    assert 0.40 <= (projects["所属行业"].map(sl.industry_group) == sl.LIGHTING).mean() <= 0.60
    test_dates_filled_exactly_up_to_stage(projects)
    test_no_date_after_cutoff_and_2023_is_the_bigger_signing_year(projects)
    test_referrers_filled_iff_referral_channel(projects)
    test_referrers_are_producing_local_firms(projects)
    test_referral_counts_have_a_leader_and_ties(projects)
    test_fund_amounts_only_where_expected(projects)
    test_targets_sum_and_lift_over_2023(projects, targets)
    test_planned_dates_only_for_steps_key_signed_projects_have_not_reached(projects)
    test_planned_dates_follow_the_milestones(projects)


def test_workbook_round_trip(tmp_path, projects: pd.DataFrame, targets: pd.DataFrame) -> None:
    path = sl.write_workbook(tmp_path / "ledger.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["项目储备台账", "2024年目标", "填表说明"]

    rows = book.get_sheet_by_name("项目储备台账").to_python(skip_empty_area=False)
    assert rows[0][0] == "古镇镇招商引资项目储备台账（截至2023年12月31日）"
    assert rows[1][0] == "填报单位：古镇镇招商引资指挥部办公室"
    assert "单位：万元" in rows[1]
    assert rows[2] == HEADER
    body, total, footer = rows[3:-2], rows[-2], rows[-1]
    assert len(body) == len(projects)
    assert total[0] == "" and total[1] == "合计"
    assert footer[0] == "填表人：李敏    审核人：陈志强"
    for column in sl.TOTALLED_COLUMNS:
        col = sl.PROJECT_COLUMNS.index(column)
        column_sum = sum(r[col] for r in body if r[col] != "")
        assert total[col] == pytest.approx(column_sum, abs=0.05)
        assert total[col] == pytest.approx(projects[column].sum(), abs=0.05)
    for column in ("签约时间", *PLANNED):
        col = HEADER.index(column)
        assert {type(r[col]) for r in body} == {dt.date, str}, column
        assert [r[col] or None for r in body] == list(projects[column]), column

    target_rows = book.get_sheet_by_name("2024年目标").to_python(skip_empty_area=False)
    assert target_rows[0][0] == "古镇镇2024年招商引资目标任务"
    assert target_rows[2] == list(sl.TARGET_COLUMNS)
    assert [r[0] for r in target_rows[3:]] == list(targets["产业"])
    for col in range(1, len(sl.TARGET_COLUMNS)):
        assert target_rows[-1][col] == sum(r[col] for r in target_rows[3:-1])

    notes = book.get_sheet_by_name("填表说明").to_python()
    assert any("项目进度填写" in line[0] for line in notes)


def test_workbook_bytes_are_stable(tmp_path) -> None:
    first = sl.write_workbook(tmp_path / "a.xlsx").read_bytes()
    second = sl.write_workbook(tmp_path / "b.xlsx").read_bytes()
    assert first == second


# The Q3 export (2023-09-30), derived from the same projects as the year-end ledger.

Q3_AS_OF = dt.date(2023, 9, 30)
Identity = tuple[str, str]
Pairs = tuple[dict[Identity, pd.Series], dict[Identity, pd.Series]]  # (at Q3, at year end)


@pytest.fixture(scope="module")
def q3() -> pd.DataFrame:
    return sl.generate_q3()


def _by_identity(frame: pd.DataFrame) -> dict[Identity, pd.Series]:
    return {(row["项目名称"], row["投资方"]): row for _, row in frame.iterrows()}


@pytest.fixture(scope="module")
def pairs(projects: pd.DataFrame, q3: pd.DataFrame) -> Pairs:
    return _by_identity(q3), _by_identity(projects)


def _moved(pairs: Pairs, direction: int) -> set[Identity]:
    """Projects in both exports whose (non-暂缓) stage went up (+1) or down (-1) since Q3."""
    at_q3, at_year_end = pairs
    return {
        key
        for key in at_q3.keys() & at_year_end.keys()
        if "暂缓" not in (at_q3[key]["项目进度"], at_year_end[key]["项目进度"])
        and (LADDER[at_year_end[key]["项目进度"]] - LADDER[at_q3[key]["项目进度"]]) * direction > 0
    }


def test_q3_columns_numbering_and_identities(q3: pd.DataFrame) -> None:
    assert list(q3.columns) == HEADER
    assert list(q3["序号"]) == list(range(1, len(q3) + 1))
    assert q3["项目名称"].is_unique
    assert not q3.duplicated(["项目名称", "投资方"]).any()


def test_q3_dates_on_or_before_cutoff_ordered_and_match_stage(q3: pd.DataFrame) -> None:
    dates = [d for c in sl.DATE_COLUMNS for d in q3[c] if d is not None]
    assert max(dates) <= Q3_AS_OF
    test_dates_are_ordered_with_gaps_of_one_to_six_months(q3)
    test_dates_filled_exactly_up_to_stage(q3)


def test_q3_amounts_key_flags_and_capital(q3: pd.DataFrame) -> None:
    test_capital_in_place_within_stage_share_and_never_above_plan(q3)
    test_amounts_are_rounded(q3)
    assert (q3.loc[q3["计划总投资"] >= 50_000, "是否重点项目"] == "是").all()
    assert (q3["存在问题"].notna() == q3["解决措施"].notna()).all()


def test_q3_referrers_are_firms_already_in_the_ledger(q3: pd.DataFrame) -> None:
    referral = q3["招商方式"] == sl.REFERRAL
    assert (q3["引荐企业"].notna() == referral).all()
    assert set(q3.loc[referral, "引荐企业"]) <= set(q3["投资方"])


def test_unchanged_projects_keep_stage_dates_and_descriptions(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    for key in at_q3.keys() & at_year_end.keys():
        before, after = at_q3[key], at_year_end[key]
        for column in ("所属行业", "项目类型", "投资方来源地", "是否重点项目", "招商方式", "引荐企业"):
            assert before[column] == after[column] or (_blank(before[column]) and _blank(after[column])), key
        if before["项目进度"] == after["项目进度"]:
            assert [before[c] for c in sl.DATE_COLUMNS] == [after[c] for c in sl.DATE_COLUMNS], key


def test_advanced_projects_show_only_their_dates_up_to_q3(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    advanced = _moved(pairs, +1)
    assert len(advanced) >= 10
    for key in advanced:
        before, after = at_q3[key], at_year_end[key]
        expected = [d if d is not None and d <= Q3_AS_OF else None for d in (after[c] for c in sl.DATE_COLUMNS)]
        assert [before[c] for c in sl.DATE_COLUMNS] == expected, key
        if not _blank(before["到位资金"]):
            assert before["到位资金"] <= after["到位资金"], key
    # A project already listed at Q3 that reached a milestone in Oct–Dec advanced, or stalled after it.
    q4_dated = {k for k, r in at_year_end.items() if any(r[c] is not None and r[c] > Q3_AS_OF for c in sl.DATE_COLUMNS)}
    listed = q4_dated & at_q3.keys()
    assert listed
    assert all(k in advanced or at_year_end[k]["项目进度"] == "暂缓" for k in listed)


def test_new_projects_were_all_signed_after_q3(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    new = at_year_end.keys() - at_q3.keys()
    assert len(new) >= 5
    assert all(at_year_end[k]["签约时间"] > Q3_AS_OF for k in new)
    # About half of the Q4 signings were already in talks at Q3.
    signed_q4 = {k for k, r in at_year_end.items() if r["签约时间"] is not None and r["签约时间"] > Q3_AS_OF}
    in_talks = signed_q4 & at_q3.keys()
    assert all(at_q3[k]["项目进度"] == "洽谈" for k in in_talks)
    assert 0.3 <= len(in_talks) / len(signed_q4) <= 0.7


def test_suspended_since_q3(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    both = at_q3.keys() & at_year_end.keys()
    suspended = {k for k in both if at_year_end[k]["项目进度"] == "暂缓" and at_q3[k]["项目进度"] != "暂缓"}
    assert len(suspended) == sl.Q3_SUSPENDED == 4
    resumed = {k for k in both if at_q3[k]["项目进度"] == "暂缓" and at_year_end[k]["项目进度"] != "暂缓"}
    assert not resumed


def test_projects_that_went_back(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    back = _moved(pairs, -1)
    assert len(back) == sl.Q3_BACK == 2
    for key in back:
        assert (at_q3[key]["项目进度"], at_year_end[key]["项目进度"]) == ("已落地", "已签约")
        assert at_q3[key]["签约时间"] == at_year_end[key]["签约时间"]
        assert at_q3[key]["落地时间"] is not None and at_year_end[key]["落地时间"] is None


def test_planned_investment_revised_for_a_few_projects(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    both = at_q3.keys() & at_year_end.keys()
    revised = {k for k in both if at_q3[k]["计划总投资"] != at_year_end[k]["计划总投资"]}
    assert len(revised) == sl.Q3_REPLANNED == 5
    for key in revised:
        before, after = at_q3[key]["计划总投资"], at_year_end[key]["计划总投资"]
        assert 0.15 <= abs(after - before) / before <= 0.40, key
    directions = {at_year_end[k]["计划总投资"] > at_q3[k]["计划总投资"] for k in revised}
    assert directions == {True, False}


def test_vanished_projects_were_early_stage(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    vanished = at_q3.keys() - at_year_end.keys()
    assert len(vanished) == sl.Q3_VANISHED == 3
    assert {at_q3[k]["项目进度"] for k in vanished} <= {"洽谈", "已签约"}
    year_end_investors = {investor for _, investor in at_year_end}
    assert not {investor for _, investor in vanished} & year_end_investors


def test_key_projects_stalled_across_the_quarter(pairs: Pairs) -> None:
    at_q3, at_year_end = pairs
    both = at_q3.keys() & at_year_end.keys()
    stalled = {
        k for k in both if at_year_end[k]["是否重点项目"] == "是" and at_q3[k]["项目进度"] == at_year_end[k]["项目进度"]
    }
    assert len(stalled) >= 6
    with_problems = {k for k in stalled if at_q3[k]["存在问题"] and at_year_end[k]["存在问题"]}
    assert len(with_problems) >= 3


def test_q3_planned_dates_fit_the_q3_rows(q3: pd.DataFrame) -> None:
    test_planned_dates_only_for_steps_key_signed_projects_have_not_reached(q3)
    test_planned_dates_follow_the_milestones(q3)


def _same_plans(pairs: Pairs) -> int:
    """Check that both exports show the same plan for a step; return how many Q3 plans were reached since."""
    at_q3, at_year_end = pairs
    reached_since = 0
    for key in at_q3.keys() & at_year_end.keys():
        before, after = at_q3[key], at_year_end[key]
        for plan, step in PLANNED.items():
            if not _blank(before[plan]) and not _blank(after[plan]):
                assert before[plan] == after[plan], (key, plan)
            elif not _blank(before[plan]):
                # Planned at Q3 and no longer needed: the step has been reached since.
                assert after[step] is not None and after[step] > Q3_AS_OF, (key, plan)
                reached_since += 1
            elif not _blank(after[plan]):
                assert before["项目进度"] == "洽谈", (key, plan)  # signed only after Q3
    return reached_since


def test_q3_shows_the_same_plans_as_year_end(pairs: Pairs) -> None:
    assert _same_plans(pairs) >= 3


def test_fewer_overdue_at_q3_and_still_overdue_at_year_end(q3: pd.DataFrame, projects: pd.DataFrame) -> None:
    late_at_q3 = _overdue(q3, Q3_AS_OF)
    assert 2 <= len(late_at_q3) <= 4
    assert late_at_q3 <= _overdue(projects, YEAR_END)


def test_q3_problems_fit_the_q3_stage(q3: pd.DataFrame) -> None:
    for text, stage in zip(q3["存在问题"], q3["项目进度"], strict=True):
        if not _blank(text):  # pandas 3: a blank text cell is NaN, not None
            assert all(stage in sl.PROBLEMS[problem] for problem in text.split("；")), (text, stage)


def test_q3_deterministic_per_seed() -> None:
    pd.testing.assert_frame_equal(sl.generate_q3(7), sl.generate_q3(7))
    assert not sl.generate_q3(7).equals(sl.generate_q3(8))


@pytest.mark.parametrize("seed", [1, 2, 3, 11, 42])
def test_q3_core_invariants_hold_for_other_seeds(seed: int) -> None:
    q3 = sl.generate_q3(seed)
    projects, _ = sl.generate(seed)
    test_dates_filled_exactly_up_to_stage(q3)
    test_capital_in_place_within_stage_share_and_never_above_plan(q3)
    assert max(d for c in sl.DATE_COLUMNS for d in q3[c] if d is not None) <= Q3_AS_OF
    pairs = (_by_identity(q3), _by_identity(projects))
    assert len(_moved(pairs, +1)) >= 10 and len(_moved(pairs, -1)) == sl.Q3_BACK
    assert len(pairs[0].keys() - pairs[1].keys()) == sl.Q3_VANISHED
    test_planned_dates_only_for_steps_key_signed_projects_have_not_reached(q3)
    test_planned_dates_follow_the_milestones(q3)
    _same_plans(pairs)


def test_q3_workbook_round_trip(tmp_path, q3: pd.DataFrame) -> None:
    path = sl.write_q3_workbook(tmp_path / "q3.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["项目储备台账", "填表说明"]
    rows = book.get_sheet_by_name("项目储备台账").to_python(skip_empty_area=False)
    assert rows[0][0] == "古镇镇招商引资项目储备台账（截至2023年9月30日）"
    assert rows[1][0] == "填报单位：古镇镇招商引资指挥部办公室"
    assert "单位：万元" in rows[1]
    assert rows[2] == HEADER
    body, total, footer = rows[3:-2], rows[-2], rows[-1]
    assert len(body) == len(q3)
    for column in PLANNED:
        col = HEADER.index(column)
        assert [r[col] or None for r in body] == list(q3[column]), column
    assert total[1] == "合计" and footer[0] == "填表人：李敏    审核人：陈志强"
    for column in sl.TOTALLED_COLUMNS:
        col = sl.PROJECT_COLUMNS.index(column)
        assert total[col] == pytest.approx(sum(r[col] for r in body if r[col] != ""), abs=0.05)
        assert total[col] == pytest.approx(q3[column].sum(), abs=0.05)


def test_q3_workbook_bytes_are_stable(tmp_path) -> None:
    first = sl.write_q3_workbook(tmp_path / "a.xlsx").read_bytes()
    second = sl.write_q3_workbook(tmp_path / "b.xlsx").read_bytes()
    assert first == second
