"""The performance benchmark: one table of every figure issue 17 sets a target for.

    uv run python benchmarks/run.py [--large] [--only import,metrics,pages,chart,cli,size]

- import: 1,000 / 20,000 / 100,000-row ledgers (benchmarks/import_speed.py's file), end to end in a child
  process: seconds (median of 5), its peak resident memory, and the ratio to python-calamine's bare read of
  the same file, read just before each import in the same process (the median of the 5 rounds' ratios).
- metrics: each page's metrics at 10,000 and 100,000 projects (1,000,000 with --large) in the active snapshot
  and 12 snapshots of history, median ms of 9 calls; beside it the same figure computed in plain pandas from
  frames already in memory, in the same run after every DuckDB figure of that scale (median of 3 at a million,
  5 below), as a ratio (DuckDB ÷ pandas).
- pages: each page's server render in AppTest, in a child process holding RESERVES_DB on the big database:
  cold (data caches empty, modules and connection loaded), warm (median of 3) and a filter change; the
  child's peak memory.
- chart: first chart on screen in headless Chromium, the app against a bare Streamlit page holding one Plotly
  bar chart, both served and opened alternately in the same run (median of 9, and the median of each round's
  ratio).
- cli: `python -m analytics <command> --json` on the sample database, wall time, median of 5 runs.
- size: database bytes per 100,000 project rows.

The data comes from the sample generator (tools/sample_ledger.py): its two workbooks are imported once, then
the year-end projects are copied with distinct names into one large snapshot with SQL, 12 month-end
snapshots whose stages are rebuilt from the dates (analytics/domain.py's stage on a cutoff). The machine is
shared: figures are medians and still move by tens of percent between runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SCALES = (10_000, 100_000)
LARGE = 1_000_000
IMPORT_ROWS = (1_000, 20_000, 100_000)
PAGES = ("overview", "review", "targets", "projects", "meeting")
CHART_ROUNDS = 9
"""Rounds of the first-chart race (bare page, Overview, Review), after one that warms the servers."""
CLI_COMMANDS = (["summary"], ["review"], ["targets"], ["projects"])
ROWS: list[tuple[str, str, str, str, str]] = []
"""The table: (area, case, figure, comparison, target)."""


def row(area: str, case: str, figure: str, comparison: str = "", target: str = "") -> None:
    ROWS.append((area, case, figure, comparison, target))
    print(f"  {area:8} {case:44} {figure:30} {comparison}", file=sys.stderr, flush=True)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MB"


# --- data ------------------------------------------------------------------------------------------


def sample_database(folder: Path) -> Path:
    """The two sample workbooks written by the generator, imported as the app seeds them."""
    from analytics.store.seed import ensure_seeded
    from tools.sample_ledger import write_q3_workbook, write_workbook

    q3 = write_q3_workbook(folder / "sample_ledger_2023q3.xlsx")
    year_end = write_workbook(folder / "sample_ledger.xlsx")
    db = folder / "sample.duckdb"
    ensure_seeded(db, samples=(q3, year_end))
    return db


DATA_VERSION = 2
"""Which build of the scaled databases a kept folder holds (in their file names): raised whenever the way they are
built changes, so --keep never reuses a database built the old way. 2: copies with their own derived facts,
names stored uncompressed."""


def scaled_database(sample: Path, projects: int, folder: Path) -> Path:
    """`projects` copies (distinct names and keys) of the sample's year-end projects in each of 12 month-end
    snapshots of 2023; an earlier month's stage is the project's stage on that day, rebuilt from its dates."""
    from analytics.domain import stage_at_sql
    from analytics.store import derived
    from analytics.store.connection import connect

    db = folder / f"bench-{projects}-data{DATA_VERSION}.duckdb"
    if db.exists():  # kept from an earlier run (--keep): brought up to this release's schema, as the app would
        connect(db).close()
        return db
    con = connect(db)
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(sample)])
    base = con.execute(
        "SELECT snapshot_id, count(*) FROM src.projects WHERE snapshot_id = "
        "(SELECT snapshot_id FROM src.snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1) GROUP BY 1"
    ).fetchone()
    source_id, base_rows = base
    copies = -(-projects // base_rows)
    con.execute(
        """
        INSERT INTO snapshots (snapshot_id, as_of, as_of_source, sha256, file_name, file_format, created_at,
                               created_by, rows_read, rows_imported, rows_rejected, overrides, issues)
        SELECT m, last_day(make_date(2023, m, 1)), 'argument', 'bench' || m, 'bench-' || m || '.xlsx', 'xlsx',
               TIMESTAMP '2024-01-05 09:30:00' + INTERVAL (m) MINUTE, 'bench', ?, ?, 0, '{}', '[]'
        FROM range(1, 13) AS t(m)
        """,
        [projects, projects],
    )
    stage = stage_at_sql(cutoff="n.as_of", as_of="s.as_of")
    con.execute(
        f"""
        INSERT INTO projects BY NAME
        WITH base AS (
            SELECT p.*, s.as_of AS base_as_of, row_number() OVER (ORDER BY p.source_row) - 1 AS r
            FROM src.projects AS p JOIN src.snapshots AS s USING (snapshot_id)
            WHERE p.snapshot_id = $source
        )
        SELECT p.* EXCLUDE (snapshot_id, project_key, project_name, stage, introduced_by, source_row, base_as_of, r,
                           {", ".join(derived.ROW_FACTS)}),
               n.snapshot_id,
               p.project_key || '#' || c.i AS project_key,
               p.project_name || '（' || c.i || '）' AS project_name,
               {stage.replace("s.as_of", "p.base_as_of")} AS stage,
               CASE WHEN c.i = 0 THEN p.introduced_by ELSE p.introduced_by || '（' || (c.i % 25) || '）' END
                   AS introduced_by,
               (c.i * $base + p.r + 4)::INTEGER AS source_row
        FROM base AS p CROSS JOIN range($copies) AS c(i) CROSS JOIN snapshots AS n
        WHERE c.i * $base + p.r < $projects
        ORDER BY n.snapshot_id, c.i, p.r
        """,
        {"source": source_id, "base": base_rows, "copies": copies, "projects": projects},
    )
    derived.backfill(con)  # what the store works out when each snapshot is written, for every copied row
    con.execute("INSERT INTO targets SELECT * FROM src.targets")
    con.execute("DETACH src")
    con.execute("CHECKPOINT")
    con.close()
    return db


# --- import ----------------------------------------------------------------------------------------


def bench_import(folder: Path) -> None:
    from benchmarks.import_speed import ledger_bytes

    for rows in IMPORT_ROWS:
        path = folder / f"ledger-{rows}.xlsx"
        path.write_bytes(ledger_bytes(rows))
        found = _child(["import", str(path)])
        target = {20_000: "≤ 1 s", 100_000: "≤ 4 s, ≤ 4×, ≤ 1 GB"}.get(rows, "")
        row(
            "import", f"{rows:,} rows end to end", f"{found['seconds']:.2f} s, peak {mb(found['maxrss_kib'])}",
            f"{found['ratio']:.1f}× calamine ({found['calamine']:.2f} s)", target,
        )  # fmt: skip


IMPORT_ROUNDS = 5
"""Rounds of the import race: in each, calamine's bare read of the file and then the full import, back to back
in one process, so each round's ratio compares two figures taken under the same load."""


def child_import(path: str) -> dict:
    """Median seconds of the full import and of calamine's bare read, and the median of each round's ratio."""
    import python_calamine

    from analytics.store.connection import connect
    from analytics.store.imports import import_bytes

    data = Path(path).read_bytes()
    imports, reads = [], []
    for _ in range(IMPORT_ROUNDS):
        start = time.perf_counter()
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        reads.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            con = connect(Path(tmp) / "bench.duckdb")
            start = time.perf_counter()
            import_bytes(con, data, Path(path).name)
            imports.append(time.perf_counter() - start)
            con.close()
    ratios = [seconds / read for seconds, read in zip(imports, reads, strict=True)]
    return {
        "seconds": statistics.median(imports), "calamine": statistics.median(reads), "ratio": statistics.median(ratios),
    }  # fmt: skip


# --- metrics ---------------------------------------------------------------------------------------


def page_metrics(con, snapshot: int, year: int, cutoff: date, target_year: int, earlier: int) -> dict:
    """Every metric a page asks for, by page, as zero-argument calls with the page's own arguments."""
    from analytics.metrics import changes as change_metrics
    from analytics.metrics import channels, events, funnel, projects, reserve, risks, targets
    from analytics.metrics.filters import EVERYTHING as F

    rows = 200  # the pages' longest lists (review DETAIL_ROWS, targets TABLE_ROWS)
    league = channels.referrers(con, snapshot, F).head(50)
    spellings = tuple(s for firm in league["spellings"] for s in firm)
    return {
        "overview": {
            "reserve.totals_change": lambda: reserve.totals_change(con, snapshot, F),
            "reserve.by_industry_stage": lambda: reserve.by_industry_stage(con, snapshot, F),
            "targets.progress": lambda: targets.progress(con, snapshot, F, target_year),
            "risks.flag_counts": lambda: risks.flag_counts(con, snapshot, F),
            "risks.key_projects (3 flagged)": lambda: risks.key_projects(con, snapshot, F, "flagged", 3),
        },
        "review": {
            "events.year_comparison": lambda: events.year_comparison(con, snapshot, F, year),
            "events.years_with_events": lambda: events.years_with_events(con, snapshot, F),
            "reserve.at_cutoff": lambda: reserve.at_cutoff(con, snapshot, F, cutoff),
            "funnel.funnel": lambda: funnel.funnel(con, snapshot, F, cutoff),
            "events.monthly_cumulative": lambda: events.monthly_cumulative(con, snapshot, F, year),
            "reserve.mix (department)": lambda: reserve.mix(con, snapshot, F, "department", year),
            "reserve.money_in_place": lambda: reserve.money_in_place(con, snapshot, F, cutoff),
            "channels.by_channel": lambda: channels.by_channel(con, snapshot, F, year),
            "channels.referrers": lambda: channels.referrers(con, snapshot, F),
            "channels.referred_projects (200)": lambda: channels.referred_projects(con, snapshot, F, spellings, rows),
            "channels.fund_by_industry": lambda: channels.fund_by_industry(con, snapshot, F),
            "risks.key_projects (200)": lambda: risks.key_projects(con, snapshot, F, None, rows),
        },
        "targets": {
            "targets.cumulative_against_target": lambda: targets.cumulative_against_target(
                con, snapshot, F, target_year
            ),
            "changes.counts": lambda: change_metrics.counts(con, snapshot, F, earlier),
            "changes.since (200, one list opened)": lambda: change_metrics.since(
                con, snapshot, F, earlier, rows, False, ("advanced",)
            ),
            "risks.key_projects (200 stalled)": lambda: risks.key_projects(con, snapshot, F, "stalled", rows),
        },
        "projects": {
            "projects.page (search, first 100)": lambda: projects.page(
                con, snapshot, F, projects.ProjectFilter(query="照明"), 0, 100
            )
        },
    }


_QUERY = None  # set in bench_metrics (ProjectFilter needs the import)


def pandas_twins(con, snapshot: int, year: int, cutoff: date, earlier: int, history: bool) -> dict:
    """The same figures in plain pandas, from frames loaded beforehand (loading is not timed)."""
    import numpy as np
    import pandas as pd

    from analytics import domain
    from analytics.metrics import changes, projects, risks
    from analytics.metrics.channels import referrer_key
    from analytics.metrics.filters import EVERYTHING
    from analytics.metrics.history import stage_history

    now = projects.snapshot_projects(con, snapshot, EVERYTHING)
    before = projects.snapshot_projects(con, earlier, EVERYTHING)
    stages = stage_history(con, snapshot) if history else None

    def by_industry() -> pd.DataFrame:
        rung = domain.furthest_rung(now)
        reached = {f"reached_{s}": rung >= domain.RANK[s] for s in domain.EVENTS}
        return (
            now.assign(**reached)
            .groupby("industry")
            .agg(projects=("project_key", "size"), investment_wan=("investment_wan", "sum"), key=("is_key", "sum"),
                 **{k: (k, "sum") for k in reached})
        )  # fmt: skip

    def at_cutoff() -> pd.DataFrame:
        then = domain.stage_at(now, cutoff)
        return now.groupby(["industry", then])["investment_wan"].agg(["size", "sum"])

    def funnel() -> pd.DataFrame:
        rung = domain.furthest_rung(now, cutoff)
        return pd.DataFrame({s: now["investment_wan"].where(rung >= domain.RANK[s]) for s in domain.LADDER}).agg(
            ["count", "sum"]
        )

    def flows(y: int) -> pd.DataFrame:
        parts = []
        for event, column in domain.EVENT_DATE.items():
            dated = now[now[column].dt.year == y]
            parts.append(dated.groupby("industry")["investment_wan"].agg(["size", "sum"]).assign(event=event))
        return pd.concat(parts)

    def referrers() -> pd.DataFrame:
        named = now[now["introduced_by"].fillna("").str.strip() != ""]
        keys = named["introduced_by"].map(referrer_key)
        return named.groupby(keys).agg(projects=("project_name", "size"), investment_wan=("investment_wan", "sum"))

    def key_projects() -> pd.DataFrame:
        keys = now[now["is_key"]]
        found = stages[stages["project_key"].isin(keys["project_key"])] if stages is not None else None
        return risks.flag_key_projects(keys, found)

    return {
        "reserve.totals_change": lambda: (by_industry().sum(), by_industry().sum()),
        "reserve.by_industry_stage": lambda: now.groupby(["industry", "stage"])["investment_wan"].agg(["size", "sum"]),
        "targets.progress": lambda: flows(year + 1),
        "risks.key_projects (200)": key_projects if history else None,
        "events.year_comparison": lambda: (flows(year), flows(year - 1)),
        "reserve.at_cutoff": at_cutoff,
        "funnel.funnel": funnel,
        "events.monthly_cumulative": lambda: (
            now[now["signed_date"].dt.year == year]
            .groupby(["industry", now["signed_date"].dt.month])["investment_wan"]
            .agg(["size", "sum"])
        ),
        "reserve.mix (department)": lambda: now.groupby(now["department"].fillna("unknown"))["investment_wan"].agg(
            ["size", "sum"]
        ),
        "reserve.money_in_place": lambda: now.groupby(["industry", domain.stage_at(now, cutoff)])[
            ["investment_wan", "invested_wan"]
        ].sum(),
        "channels.by_channel": lambda: now.groupby("channel")["investment_wan"].agg(["size", "sum"]),
        "channels.referrers": referrers,
        "channels.fund_by_industry": lambda: (
            now[(now["channel"] == "fund") | (now["fund_wan"].fillna(0) > 0)]
            .groupby("industry")[["fund_wan", "investment_wan"]]
            .sum()
        ),
        "targets.cumulative_against_target": lambda: np.cumsum(flows(target_year_of(year)).values[:, :1]),
        "changes.counts": lambda: {kind: len(rows) for kind, rows in changes.compare(before, now).items()},
        "changes.since (200, one list opened)": lambda: changes.compare(before, now)["advanced"].head(200),
        "projects.page (search, first 100)": lambda: projects.filter_projects(now, _QUERY).head(100),
    }


def target_year_of(year: int) -> int:
    return year + 1


def bench_metrics(databases: dict[int, Path], large: bool) -> None:
    global _QUERY
    from analytics.metrics import events
    from analytics.metrics.projects import ProjectFilter
    from analytics.store.connection import connect
    from analytics.store.snapshots import active_snapshot_id, snapshot_info

    _QUERY = ProjectFilter(query="照明")
    for projects, db in databases.items():
        con = connect(db, read_only=True)
        snapshot = active_snapshot_id(con)
        as_of = snapshot_info(con, snapshot)["as_of"]
        year = events.default_year(as_of)
        cutoff = events.year_end(year, as_of)
        earlier = snapshot - 3
        calls = page_metrics(con, snapshot, year, cutoff, year + 1, earlier)
        # 12 snapshots of a million projects do not fit pandas on this machine: no history twin there.
        twins = pandas_twins(con, snapshot, year, cutoff, earlier, history=projects < LARGE)
        # Each figure is a median of several calls: a few tens of milliseconds on a shared machine move by a
        # third from one call to the next. Pandas at a million rows takes seconds a call: fewer of those. Every
        # DuckDB figure of a scale is timed before any pandas twin runs: a twin churns through gigabytes, and the
        # calls just after it ran a fifth slower (a page never has that before it).
        repeat, plain_repeat = (9, 3) if projects >= LARGE else (9, 5)
        took = {}
        for metrics in calls.values():
            for name, call in metrics.items():
                call()  # the first call pays DuckDB's one-time costs (catalogue, plans)
                took[name] = median_ms(call, repeat)
        for page, metrics in calls.items():
            for name in metrics:
                twin = twins.get(name)
                versus = ""
                if twin is not None:
                    twin()
                    plain = median_ms(twin, plain_repeat)
                    versus = f"pandas {ms(plain)} ({took[name] / plain:.2f}×)"
                target = "≤ 50 ms" if projects >= LARGE else ""
                row("metric", f"{page}: {name} @ {projects:,}", ms(took[name]), versus, target)
        con.close()


# --- pages -----------------------------------------------------------------------------------------


def bench_pages(databases: dict[int, Path]) -> None:
    for projects, db in databases.items():
        found = _child(["pages", str(db)])
        cold_target = (
            "≤ 3 s cold, ≤ 2 GB" if projects >= LARGE else ("≤ 1 s cold, ≤ 300 ms warm" if projects >= 100_000 else "")
        )
        for page in PAGES:
            f = found["pages"][page]
            if "error" in f:
                row("page", f"{page} @ {projects:,}", "fails", f["error"], cold_target)
                continue
            figure = f"cold {ms(f['cold'])}, warm {ms(f['warm'])}"
            change = f"filter change {ms(f['filter'])}" if f.get("filter") is not None else ""
            row("page", f"{page} @ {projects:,}", figure, change, cold_target)
        row("page", f"all pages @ {projects:,}: peak memory", mb(found["maxrss_kib"]), "", "")


def child_pages(db: str) -> dict:
    os.environ["RESERVES_DB"] = db
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def opened(page: str) -> tuple[AppTest, float]:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
        at.run()  # app.py's default page is the overview: it is drawn here, before the page timed
        st.cache_data.clear()
        start = time.perf_counter()
        at.switch_page(f"pages/{page}.py").run()
        took = (time.perf_counter() - start) * 1000
        if at.exception:
            raise RuntimeError(at.exception[0].message.split(".")[0])
        return at, took

    opened("overview")  # modules, the connection and Streamlit's own start-up: not a page's cost
    out: dict = {}
    for page in PAGES:
        try:
            at, cold = opened(page)
        except RuntimeError as failed:  # reported in the table, not hidden: the page fails at this size
            out[page] = {"error": str(failed)[:60]}
            continue
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - start) * 1000)
        change = None
        if page != "meeting":  # the meeting room has no sidebar filter
            start = time.perf_counter()
            at.pills(key="industry_filter").set_value(["lighting"]).run()
            change = (time.perf_counter() - start) * 1000
        out[page] = {"cold": cold, "warm": statistics.median(warm), "filter": change}
    return {"pages": out}


# --- first chart in a browser ----------------------------------------------------------------------

_BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.title("bare")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c", "d"], y=[3, 1, 2, 4])))
"""


def _serve(script: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    import urllib.request

    from tests.browser.server import free_port

    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.address",
        "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"streamlit did not start for {script}")


def bench_chart(sample: Path, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.server import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        row("chart", "first chart on screen", "skipped: no chromium", "", "≤ 1.3× bare")
        return
    bare = folder / "bare_chart.py"
    bare.write_text(_BARE_PAGE, encoding="utf-8")
    servers = [_serve(bare, {}), _serve(REPO / "app.py", {"RESERVES_DB": str(sample)})]
    try:
        bare_url, app_url = servers[0][1], servers[1][1]
        targets = {"bare page": bare_url, "overview": f"{app_url}/overview", "review": f"{app_url}/review"}
        runs: dict[str, list[float]] = {name: [] for name in targets}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for attempt in range(CHART_ROUNDS + 1):  # the first round warms both servers and is not counted
                for name, url in targets.items():
                    took = _first_chart(browser, url)
                    if attempt:
                        runs[name].append(took)
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=10)
    base = statistics.median(runs["bare page"])
    row("chart", "first chart: bare Streamlit page", ms(base), "", "")
    for name in ("overview", "review"):
        took = statistics.median(runs[name])
        # Each round opens the three pages back to back: the median of a round's ratio is steadier on a shared
        # machine than the ratio of medians, whose two figures may come from rounds of different load.
        paired = statistics.median(a / b for a, b in zip(runs[name], runs["bare page"], strict=True))
        row(
            "chart", f"first chart: {name} (sample database)", ms(took),
            f"{took / base:.2f}× bare (round by round {paired:.2f}×)", "≤ 1.3×",
        )  # fmt: skip


def _first_chart(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=120_000)
    took = (time.perf_counter() - start) * 1000
    context.close()
    return took


# --- command line and size -------------------------------------------------------------------------


def bench_cli(sample: Path) -> None:
    for command in CLI_COMMANDS:
        runs = []
        for _ in range(6):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "analytics", *command, "--db", str(sample), "--json"], cwd=REPO, check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            runs.append(time.perf_counter() - start)
        row("cli", f"{' '.join(command)} --json (sample)", f"{statistics.median(runs[1:]):.2f} s", "", "≤ 0.5 s")


def bench_size(databases: dict[int, Path]) -> None:
    import duckdb

    for projects, db in databases.items():
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("SELECT count(*) FROM projects").fetchone()[0]
        per = db.stat().st_size / stored * 100_000
        row("size", f"database @ {projects:,} × 12 snapshots", f"{per / 1024**2:.1f} MB per 100,000 rows",
            f"{db.stat().st_size / 1024**2:,.0f} MB for {stored:,} rows")  # fmt: skip


# --- children and the table ------------------------------------------------------------------------


def peak_kib() -> int:
    """This process's own peak resident memory (KiB). Not getrusage's ru_maxrss: Linux keeps that across the
    fork and exec that start a child, so a child of a big parent (this script after the pandas twins at a million
    projects) would report the parent's peak. VmHWM belongs to the address space exec made."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(args: list[str]) -> dict:
    """Run this script as a child; its JSON answer plus its peak resident memory (KiB)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=REPO, check=True, capture_output=True, text=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    found["maxrss_kib"] = found.pop("self_maxrss_kib")
    return found


def print_table() -> None:
    header = ("area", "case", "figure", "compared with", "target")
    widths = [max(_width(r[i]) for r in [header, *ROWS]) for i in range(5)]
    for line in [header, tuple("-" * w for w in widths), *ROWS]:
        print("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="add the 1,000,000-project case (slow, ~3 GB disk)")
    parser.add_argument("--only", default="import,metrics,pages,chart,cli,size", help="comma-separated sections")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated databases in this folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, target = args.child
        found = child_import(target) if kind == "import" else child_pages(target)
        found["self_maxrss_kib"] = peak_kib()
        print(json.dumps(found))
        return
    sections = set(args.only.split(","))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print("building the data …", file=sys.stderr, flush=True)
        sample = folder / "sample.duckdb"
        if not sample.exists():
            sample = sample_database(folder)
        scales = (*SCALES, LARGE) if args.large else SCALES
        databases = (
            {n: scaled_database(sample, n, folder) for n in scales} if sections - {"import", "chart", "cli"} else {}
        )
        if "import" in sections:
            bench_import(folder)
        if "metrics" in sections:
            bench_metrics(databases, args.large)
        if "pages" in sections:
            bench_pages({n: db for n, db in databases.items() if n >= 100_000})
        if "chart" in sections:
            bench_chart(sample, folder)
        if "cli" in sections:
            bench_cli(sample)
        if "size" in sections:
            bench_size(databases)
    print_table()
    print(f"\n{len(ROWS)} figures in {time.perf_counter() - started:,.0f} s; medians on a shared machine")


if __name__ == "__main__":
    main()
