"""AppTest of the targets page: progress shown, editing saved and logged, changes since an earlier snapshot."""

from __future__ import annotations

from pathlib import Path

from tests.pages.apptest import ANALYST, expand, open_as_analyst, open_database, open_page


def test_sample_targets_for_2024_before_the_year_starts(sample_db: Path) -> None:
    at = open_page("targets")
    assert not at.exception
    assert at.title[0].value == "2024 年目标"
    assert any("尚未开始" in i.value for i in at.info)
    # The pace table: 4 industries and the town, 5 measures each, all "not started" yet.
    pace = at.dataframe[0].value
    assert len(pace) == 25
    assert set(pace["进度"]) == {"未开始"}
    assert pace[(pace["产业"] == "灯饰照明") & (pace["指标"] == "签约项目数")]["完成"].tolist() == [0.0]


def test_editing_targets_is_saved_with_who_and_when(sample_db: Path) -> None:
    at = open_as_analyst("targets")
    with open_database(sample_db) as con:
        before = con.execute(
            "SELECT value FROM targets WHERE year = 2024 AND industry = 'lighting' AND measure = 'signed_count'"
        ).fetchone()[0]
    # What st.data_editor stores when a cell is edited: row 0 is 灯饰照明.
    at.session_state["targets_editor_2024"] = {
        "edited_rows": {0: {"签约项目数": before + 5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="targets_save").click().run()
    assert not at.exception
    with open_database(sample_db) as con:
        value, who = con.execute(
            "SELECT value, updated_by FROM targets WHERE year = 2024 AND industry = 'lighting' AND measure = 'signed_count'"
        ).fetchone()
        log = con.execute(
            "SELECT changed_by, old_value, new_value, source FROM target_changes WHERE changed_by = ?", [ANALYST]
        ).fetchall()
    # Who is the signed-in analyst: there is no name to type any more.
    assert (value, who) == (before + 5, ANALYST)
    assert log == [(ANALYST, before, before + 5, "editor")]


def test_changes_since_the_previous_snapshot(sample_db: Path) -> None:
    at = open_page("targets")
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    # Counted straight from the table by project identity: Q3 sample (snapshot 1) against year end (2).
    with open_database(sample_db) as con:
        new, vanished, suspended = con.execute(
            """
            SELECT
              (SELECT count(*) FROM projects b WHERE b.snapshot_id = 2 AND b.project_key NOT IN
                 (SELECT project_key FROM projects WHERE snapshot_id = 1)),
              (SELECT count(*) FROM projects a WHERE a.snapshot_id = 1 AND a.project_key NOT IN
                 (SELECT project_key FROM projects WHERE snapshot_id = 2)),
              (SELECT count(*) FROM projects a JOIN projects b USING (project_key)
                 WHERE a.snapshot_id = 1 AND b.snapshot_id = 2 AND b.stage = 'suspended' AND a.stage <> 'suspended')
            """
        ).fetchone()
    assert (shown["新增项目"], shown["从台账消失"], shown["转为暂缓"]) == (str(new), str(vanished), str(suspended))
    assert new > 0 and vanished > 0 and suspended > 0
    # Key projects whose stage did not change across the 92 days between the two sample snapshots.
    with open_database(sample_db) as con:
        stalled = con.execute(
            """SELECT count(*) FROM projects a JOIN projects b USING (project_key)
               WHERE a.snapshot_id = 1 AND b.snapshot_id = 2 AND b.is_key AND a.stage = b.stage"""
        ).fetchone()[0]
    assert stalled > 0
    assert any(h.value == f"停滞的重点项目（{stalled} 个）" for h in at.subheader)


def test_a_change_list_is_read_once_its_expander_is_opened(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        new = con.execute(
            """SELECT list(project_name ORDER BY project_key) FROM projects WHERE snapshot_id = 2
               AND project_key NOT IN (SELECT project_key FROM projects WHERE snapshot_id = 1)"""
        ).fetchone()[0]
    at = open_page("targets")
    assert not at.exception
    stalled_count = int(
        next(h.value for h in at.subheader if h.value.startswith("停滞的重点项目")).split("（")[1].split(" ")[0]
    )
    box = next(e for e in at.expander if e.label.startswith("新增项目"))
    assert box.label == f"新增项目（{len(new)}）"
    # Closed, no list's rows are read or sent: no table of projects at all.
    assert not [d for d in at.dataframe if "项目名称" in d.value.columns]
    expand(at, "changes_new_open")
    (table,) = [d.value for d in at.dataframe if "项目名称" in d.value.columns]
    assert table["项目名称"].tolist() == new  # new projects are listed by key
    expand(at, "stalled_open")
    stalled = next(d.value for d in at.dataframe if "停滞天数" in d.value.columns)
    assert len(stalled) == stalled_count and (stalled["停滞天数"] != "—").all()


def test_a_year_without_targets_says_how_to_set_them(sample_db: Path) -> None:
    at = open_page("targets")
    at.pills(key="targets_year").set_value(2023).run()
    assert not at.exception
    assert at.title[0].value == "2023 年目标"
    assert any("2023 年还没有目标" in i.value for i in at.info)
    assert not at.get("plotly_chart")  # no bullet charts without targets


def test_industry_filter_compares_like_with_like(sample_db: Path) -> None:
    at = open_page("targets", industry="lighting")
    assert not at.exception
    pace = at.dataframe[0].value
    with open_database(sample_db) as con:
        lighting = con.execute(
            "SELECT value FROM targets WHERE year = 2024 AND industry = 'lighting' AND measure = 'signed_count'"
        ).fetchone()[0]
    # The town row now stands for the chosen industries: its target is lighting's, not the town's.
    town = pace[(pace["产业"] == "全镇") & (pace["指标"] == "签约项目数")]
    assert town["目标"].tolist() == [lighting]
    assert set(pace["产业"]) == {"灯饰照明", "全镇"}


def test_the_editor_takes_signed_investment_in_yi_and_stores_wan(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        town_wan = con.execute(
            "SELECT value FROM targets WHERE year = 2024 AND industry = 'total' AND measure = 'signed_investment_wan'"
        ).fetchone()
    at = open_as_analyst("targets")
    # What st.data_editor stores when a cell is edited: row 0 is 灯饰照明, the column is headed in 亿元.
    at.session_state["targets_editor_2024"] = {
        "edited_rows": {0: {"签约投资额（亿元）": 212.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="targets_save").click().run()
    assert not at.exception
    with open_database(sample_db) as con:
        lighting = con.execute(
            "SELECT value FROM targets WHERE year = 2024 AND industry = 'lighting' AND measure = 'signed_investment_wan'"
        ).fetchone()[0]
        town_after = con.execute(
            "SELECT value FROM targets WHERE year = 2024 AND industry = 'total' AND measure = 'signed_investment_wan'"
        ).fetchone()
        changed = con.execute("SELECT count(*) FROM target_changes WHERE changed_by = ?", [ANALYST]).fetchone()[0]
    assert lighting == 2_125_000  # 212.5 亿元 = 2,125,000 万元
    assert town_after == town_wan  # untouched cells keep their stored 万元 exactly
    assert changed == 1
