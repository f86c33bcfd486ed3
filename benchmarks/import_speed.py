"""Import speed at town scale and beyond: prints seconds and peak memory for 20,000 and 100,000-row ledgers.

    uv run python benchmarks/import_speed.py [--rows 20000 100000] [--repeat 3]

Targets (2-core machine): 20,000 rows <= 1 s, 100,000 rows <= 4 s, read + normalise + store.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import python_calamine
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.ingest.ledger import read_ledger  # noqa: E402
from analytics.store.connection import connect  # noqa: E402
from analytics.store.imports import import_bytes  # noqa: E402

HEADER = ["序号", "项目名称", "投资方", "所属行业", "计划总投资", "项目进度", "签约时间", "动工时间", "是否重点项目"]
INDUSTRIES = ["灯饰照明", "LED", "新一代信息技术", "新能源", "储能", "五金制品", "家居家电"]
STAGES = ["洽谈", "已签约", "已落地", "已动工", "竣工投产", "暂缓"]
FIRMS = ["华艺", "欧普", "晶宇", "豪博", "绿能", "芯联", "美居", "东升"]
# Real names use words such as 总部 and 设计 that must not slow the importer down.
PROJECTS = ["智能照明产业园项目", "总部及研发中心项目", "年产500万套LED灯具扩产项目", "储能电池生产基地项目",
            "半导体封装测试项目", "灯饰设计中心项目", "合作产业园二期项目"]  # fmt: skip


def ledger_bytes(rows: int, seed: int = 7) -> bytes:
    """A ledger as offices export it: title line, unit line, header, rows, a 合计 row."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("项目储备台账")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["古镇镇招商引资项目储备台账（截至2023年12月31日）"])
    sheet.write_row(1, 0, ["单位：万元"])
    sheet.write_row(2, 0, HEADER)
    start = date(2022, 1, 1)
    total = 0.0
    for i in range(rows):
        amount = round(rng.lognormvariate(9, 1.2), 1)
        total += amount
        signed = start + timedelta(days=rng.randrange(700))
        r = 3 + i
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, f"{rng.choice(FIRMS)}{i:06d}{rng.choice(PROJECTS)}")
        sheet.write_string(r, 2, f"中山市古镇第{i % 5000}照明有限公司")
        sheet.write_string(r, 3, rng.choice(INDUSTRIES))
        # One cell in ten carries its own unit, as pasted text does.
        if i % 10 == 0:
            sheet.write_string(r, 4, f"{amount / 10000:.4f}亿")
        else:
            sheet.write_number(r, 4, amount)
        sheet.write_string(r, 5, rng.choice(STAGES))
        sheet.write_datetime(r, 6, signed, date_format)
        if i % 3 == 0:
            sheet.write_string(r, 7, f"{signed.year}年{signed.month}月")
        sheet.write_string(r, 8, rng.choice(["是", "否", "否", "√", ""]))
    sheet.write_row(3 + rows, 0, ["合计", None, None, None, total])
    book.close()
    return buffer.getvalue()


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return min(runs), sorted(runs)[len(runs) // 2]


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    args.add_argument("--repeat", type=int, default=3)
    opts = args.parse_args()
    print(f"{'rows':>8} {'calamine read':>14} {'read+normalise':>15} {'full import':>12}  (seconds: min / median)")
    for rows in opts.rows:
        data = ledger_bytes(rows)

        def calamine_only(data: bytes = data) -> None:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            book.get_sheet_by_index(0).to_python()

        def read_only(data: bytes = data, rows: int = rows) -> None:
            assert read_ledger(data, "bench.xlsx").rows_imported == rows

        def full_import(data: bytes = data) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                con = connect(Path(tmp) / "bench.duckdb")
                import_bytes(con, data, "bench.xlsx")
                con.close()

        cal = timed(calamine_only, opts.repeat)
        read = timed(read_only, opts.repeat)
        full = timed(full_import, opts.repeat)
        print(
            f"{rows:>8} {cal[0]:>6.2f} / {cal[1]:<5.2f} {read[0]:>6.2f} / {read[1]:<6.2f} {full[0]:>5.2f} / {full[1]:<5.2f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
