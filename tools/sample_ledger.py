"""Seeded generator of a realistic sample 项目储备台账 workbook (古镇镇, as of 2023-12-31).

It also writes the same office's export three months earlier (as of 2023-09-30), derived from the
same projects, so that comparing the two snapshots tells a believable story of progress.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from collections.abc import Callable
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

DEFAULT_SEED = 20231231
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "sample" / "sample_ledger.xlsx"
DEFAULT_OUT_Q3 = DEFAULT_OUT.with_name("sample_ledger_2023q3.xlsx")

AS_OF = dt.date(2023, 12, 31)
EARLIEST = dt.date(2022, 1, 1)
# A fixed creation stamp keeps the written file byte-identical between runs.
CREATED = dt.datetime(2024, 1, 5, 9, 30, 0)
Q3_AS_OF = dt.date(2023, 9, 30)
CREATED_Q3 = dt.datetime(2023, 10, 8, 9, 30, 0)

PROJECT_SHEET = "项目储备台账"
TARGET_SHEET = "2024年目标"
NOTES_SHEET = "填表说明"
PROJECT_TITLE = "古镇镇招商引资项目储备台账（截至2023年12月31日）"
Q3_TITLE = "古镇镇招商引资项目储备台账（截至2023年9月30日）"
TARGET_TITLE = "古镇镇2024年招商引资目标任务"
REPORTING_UNIT = "填报单位：古镇镇招商引资指挥部办公室"
UNIT_LINE = "单位：万元"
SIGNATURE = "填表人：李敏    审核人：陈志强"
TOTAL_LABEL = "合计"

PROJECT_COLUMNS = (
    "序号",
    "项目名称",
    "投资方",
    "所属行业",
    "项目类型",
    "投资方来源地",
    "计划总投资",
    "到位资金",
    "项目进度",
    "签约时间",
    "落地时间",
    "动工时间",
    "投产时间",
    "计划开工时间",
    "计划投产时间",
    "责任单位",
    "是否重点项目",
    "招商方式",
    "引荐企业",
    "基金出资",
    "存在问题",
    "解决措施",
    "备注",
)
TARGET_COLUMNS = (
    "产业",
    "签约项目数（个）",
    "签约投资额（万元）",
    "落地项目数（个）",
    "动工项目数（个）",
    "投产项目数（个）",
)
DATE_COLUMNS = ("签约时间", "落地时间", "动工时间", "投产时间")
# The next step's planned date, beside the milestone whose absence it plans for.
PLANNED_STEPS = {"计划开工时间": "动工时间", "计划投产时间": "投产时间"}
DATE_CELLS = (*DATE_COLUMNS, *PLANNED_STEPS)
AMOUNT_COLUMNS = ("计划总投资", "到位资金", "基金出资")
TOTALLED_COLUMNS = AMOUNT_COLUMNS

STAGE_SHARES = {"洽谈": 0.25, "已签约": 0.20, "已落地": 0.15, "已动工": 0.17, "竣工投产": 0.18, "暂缓": 0.05}
STAGE_DATE_COUNT = {"洽谈": 0, "已签约": 1, "已落地": 2, "已动工": 3, "竣工投产": 4}
STAGE_BY_DATE_COUNT = {count: stage for stage, count in STAGE_DATE_COUNT.items()}
# How far before the latest feasible signing date a project may have signed, per stage: recent
# signings dominate early stages, producing projects necessarily signed long ago.
SIGN_WINDOW_DAYS = {"已签约": 300, "已落地": 330, "已动工": 330, "竣工投产": 360, "暂缓": 540}
INVESTED_SHARE = {
    "已签约": (0.0, 0.2),
    "已落地": (0.02, 0.2),
    "已动工": (0.2, 0.7),
    "竣工投产": (0.6, 1.0),
    "暂缓": (0.0, 0.15),
}

LIGHTING = "灯饰照明"
NEW_IT = "新一代信息技术"
NEW_ENERGY = "新能源"
OTHER = "其他"
TARGET_GROUPS = (LIGHTING, NEW_IT, NEW_ENERGY, OTHER)
INDUSTRY_SHARES = {
    LIGHTING: 0.50,
    NEW_IT: 0.18,
    NEW_ENERGY: 0.15,
    "五金制品": 0.045,
    "家居家电": 0.045,
    "现代服务业": 0.03,
    "生物医药": 0.02,
    "新材料": 0.03,
}
INDUSTRY_SYNONYMS = {"LED": LIGHTING, "智能照明": LIGHTING, "储能": NEW_ENERGY, "光伏": NEW_ENERGY}
NEW_ENERGY_SYNONYM_ROWS = 4

TYPE_SHARES = {"安家": 0.40, "回家": 0.15, "建新家": 0.20, "增资扩产": 0.25}
# Local expansions move fastest through the pipeline, new settlements are mostly still early.
TYPE_AFFINITY_BY_STAGE = {
    "洽谈": {"安家": 0.50, "回家": 0.18, "建新家": 0.15, "增资扩产": 0.17},
    "已签约": {"安家": 0.45, "回家": 0.17, "建新家": 0.18, "增资扩产": 0.20},
    "已落地": {"安家": 0.40, "回家": 0.15, "建新家": 0.20, "增资扩产": 0.25},
    "已动工": {"安家": 0.35, "回家": 0.15, "建新家": 0.22, "增资扩产": 0.28},
    "竣工投产": {"安家": 0.10, "回家": 0.05, "建新家": 0.35, "增资扩产": 0.50},
    "暂缓": {"安家": 0.45, "回家": 0.15, "建新家": 0.20, "增资扩产": 0.20},
}
SOURCE_SHARES = {
    "本镇": 0.40,
    "中山其他镇街": 0.12,
    "深圳": 0.18,
    "广州": 0.09,
    "佛山": 0.09,
    "香港": 0.05,
    "其他": 0.07,
}

CHANNEL_SHARES = {
    "以商引商": 0.30,
    "驻点招商": 0.11,
    "上门招商": 0.10,
    "主动对接": 0.09,
    "展会招商": 0.07,
    "灯博会": 0.05,
    "基金招商": 0.05,
    "中介招商": 0.08,
    "挂榜招商": 0.05,
    "": 0.10,
}
REFERRAL = "以商引商"
FUND = "基金招商"
FUND_SHARE = (0.06, 0.20)
SIDE_FUND_SHARE = (0.02, 0.05)

DEPARTMENTS_EARLY = {"招商办": 75, "经济发展局": 10, "工信科商局": 10, "自然资源分局": 5}
DEPARTMENTS_LANDED = {"落地办": 60, "工信科商局": 15, "城建和水利局": 10, "自然资源分局": 8, "经济发展局": 7}
DEPARTMENTS_PRODUCING = {
    "落地办": 45,
    "工信科商局": 35,
    "经济发展局": 10,
    "城建和水利局": 5,
    "自然资源分局": 5,
}

KEY_SHARE = 0.20
KEY_THRESHOLD = 50_000.0
PROBLEM_SHARE_OF_KEY = 0.80
# Each problem with the stages it can occur at: land and price issues before landing, permits and
# utilities during construction, ramp-up after production.
PROBLEMS = {
    "用地指标尚未落实，需协调市自然资源局": ("洽谈", "已签约", "暂缓"),
    "环评审批进度滞后": ("已落地", "已动工"),
    "企业融资计划调整，投资节奏放缓": ("已签约", "已落地", "已动工", "暂缓"),
    "厂房产权分割手续未完成": ("已落地", "已动工", "竣工投产"),
    "规划调整未获批复，影响项目报建": ("已签约", "已落地", "暂缓"),
    "施工许可证办理进度较慢": ("已落地",),
    "企业对土地出让价格有异议，谈判仍在进行": ("洽谈", "已签约", "暂缓"),
    "配套电力增容未完成": ("已动工", "竣工投产"),
    "受市场需求下降影响，企业推迟设备采购": ("已动工", "竣工投产", "暂缓"),
    "项目用地存在历史遗留问题，征拆未完成": ("洽谈", "已签约", "已落地"),
    "企业总部决策流程较长，签约后推进缓慢": ("洽谈", "已签约", "暂缓"),
    "达产进度慢于协议约定": ("竣工投产",),
}
MEASURES = (
    "由分管领导牵头召开专题协调会",
    "落地办驻点跟进，每周通报进度",
    "协调市自然资源局加快用地指标审批",
    "开通审批绿色通道，实行容缺受理",
    "联合供电部门制定增容方案，限期完成",
    "安排专人对接企业总部，争取尽快决策",
    "协调金融机构提供项目贷款支持",
    "纳入镇重点项目调度会议清单，按月调度",
    "协助企业申报省市专项扶持资金",
    "组织相关部门现场办公，逐项销号",
    "督促企业按协议约定节点推进",
    "委托第三方机构开展产权分割测绘",
)
KEY_NOTES = ("拟申报省重点项目", "已纳入市重点项目库")
OTHER_NOTES = ("企业已完成工商注册", "项目名称以备案为准")

BRAND_CHARS = "华艺明盛耀星辉鸿佳德金宏雅丰嘉泰博恒信瑞永祥达创晶灿朗锐凯腾宇润卓益源汇豪振美欧利通"
FIRM_WORDS = {
    LIGHTING: ("照明科技", "灯饰", "光电科技", "照明电器", "灯饰制造", "照明"),
    NEW_IT: ("电子科技", "智能科技", "半导体", "信息技术", "物联网科技", "微电子"),
    NEW_ENERGY: ("新能源科技", "储能科技", "光伏科技", "电池科技", "新能源"),
    "五金制品": ("五金制品", "金属制品", "五金"),
    "家居家电": ("电器", "智能家居", "家居用品", "厨卫电器"),
    "现代服务业": ("供应链管理", "电子商务", "商业管理", "会展服务"),
    "生物医药": ("生物科技", "医药科技", "生物医药"),
    "新材料": ("新材料科技", "高分子材料", "新材料"),
}
PROJECT_TEMPLATES = {
    LIGHTING: (
        "{b}智能照明产业园项目",
        "{b}灯饰总部及研发中心项目",
        "{b}照明智能制造基地项目",
        "{b}商业照明生产基地项目",
        "{b}户外照明产业化项目",
        "{b}灯饰设计创意中心项目",
        "{b}LED光源生产线项目",
    ),
    NEW_IT: (
        "{b}半导体封装测试项目",
        "{b}智能终端制造项目",
        "{b}物联网模组生产基地项目",
        "{b}电子元器件生产项目",
        "{b}显示模组项目",
        "{b}智能控制器研发生产项目",
    ),
    NEW_ENERGY: (
        "{b}储能电池生产基地项目",
        "{b}光伏组件生产项目",
        "{b}新能源汽车零部件项目",
        "{b}充电桩生产项目",
        "{b}储能系统集成项目",
    ),
    "五金制品": ("{b}精密五金生产项目", "{b}灯饰配件五金生产项目", "{b}五金制品生产基地项目"),
    "家居家电": ("{b}智能家电生产项目", "{b}智能家居产业园项目", "{b}小家电制造项目"),
    "现代服务业": (
        "{b}灯饰供应链总部项目",
        "{b}跨境电商产业园项目",
        "{b}灯饰展贸中心项目",
        "{b}物流仓储中心项目",
    ),
    "生物医药": ("{b}医疗器械生产项目", "{b}生物医药研发中心项目"),
    "新材料": ("{b}高分子材料生产项目", "{b}新型光学材料项目", "{b}铝型材生产项目"),
}
LIGHTING_EXPANSION_TEMPLATES = (
    "{b}年产{n}万套LED灯具扩产项目",
    "{b}照明生产线技改扩产项目",
    "{b}灯饰增资扩产项目",
)
EXPANSION_TEMPLATES = ("{b}增资扩产项目", "{b}生产线技术改造项目", "{b}扩产增效项目")
NEW_SITE_TEMPLATES = ("{b}新厂区建设项目", "{b}新厂房建设项目", "{b}产业升级新基地项目")
RETURN_TEMPLATES = ("{b}总部回归项目", "{b}总部及研发中心项目")
OTHER_PROVINCES = ("浙江", "江苏", "福建", "上海")
REPEAT_FIRMS = 5

INSTRUCTIONS = (
    "1. 计划总投资、到位资金、基金出资单位均为万元，保留一位小数。",
    "2. 项目进度填写：洽谈、已签约、已落地、已动工、竣工投产、暂缓。",
    "3. 签约时间、落地时间、动工时间、投产时间按“年-月-日”填写，未到该阶段的留空。",
    "4. 项目类型填写：安家、回家、建新家、增资扩产。",
    "5. 招商方式为“以商引商”的，须在“引荐企业”栏填写引荐企业全称。",
    "6. 是否重点项目填“是”或“否”；计划总投资5亿元以上的项目均列为重点项目。",
    "7. 重点项目须填写存在问题及解决措施，无问题的可留空。",
    "8. 本表每月5日前报镇招商引资指挥部办公室。",
)

# Key projects that have signed carry a planned date for each step they have not reached yet.
SIGNED_STAGES = ("已签约", "已落地", "已动工", "暂缓")
PLANNED_START_DAYS = (61, 273)  # construction planned 2–9 months after signing or landing
PLANNED_PRODUCTION_DAYS = (244, 730)  # production planned 8–24 months after (planned) construction
# A step started after Q3 needs a Q3 plan of its own that the production plan still fits (see _plan_q3).
STARTED_AFTER_Q3_PRODUCTION_DAYS = (300, 700)
PLAN_JITTER_DAYS = 30  # how far a Q3 plan for a step reached since then lies from the actual date
NEXT_YEAR = dt.date(2024, 1, 1)
PLAN_HORIZON = dt.date(2025, 12, 31)
OVERDUE_AT_YEAR_END = 8  # key projects whose planned step has passed on 2023-12-31 ...
OVERDUE_AT_Q3 = 3  # ... of which this many were already late on 2023-09-30

# The deliberate differences between the Q3 export and the year-end one (see generate_q3).
Q3_SUSPENDED = 4  # 暂缓 at year end, still moving at Q3
Q3_BACK = 2  # 已落地 at Q3, back to 已签约 at year end (the landing fell through)
Q3_REPLANNED = 5  # 计划总投资 revised between the two exports
Q3_VANISHED = 3  # in the Q3 export only: talks broke off or the agreement was cancelled
Q3_TALKS_SHARE = 0.5  # of the projects signed in Q4, the share already in talks (洽谈) at Q3
REPLAN_CHANGE = (0.15, 0.40)
# At Q3 an advanced project had this share of its year-end 到位资金 in place.
ADVANCED_INVESTED_SCALE = (0.4, 0.85)

Row = dict[str, Any]


def industry_group(text: str | None) -> str:
    """Map an 所属行业 text (including the synonyms used in the ledger) to its target group."""
    canonical = INDUSTRY_SYNONYMS.get(text or "", text or "")
    return canonical if canonical in (LIGHTING, NEW_IT, NEW_ENERGY) else OTHER


def _quota(shares: dict[str, float], n: int) -> dict[str, int]:
    """Split n into integer counts proportional to shares (largest remainder)."""
    raw = {label: share * n / sum(shares.values()) for label, share in shares.items()}
    counts = {label: math.floor(value) for label, value in raw.items()}
    by_remainder = sorted(raw, key=lambda label: raw[label] - counts[label], reverse=True)
    for label in by_remainder[: n - sum(counts.values())]:
        counts[label] += 1
    return counts


def _allocate(rng: random.Random, n: int, shares: dict[str, float], affinity: Callable[[int, str], float]) -> list[str]:
    """Give n rows labels in exact quota, each row drawing by remaining quota times its affinity."""
    remaining = _quota(shares, n)
    labels = [""] * n
    order = list(range(n))
    rng.shuffle(order)
    for i in order:
        open_labels = [label for label, left in remaining.items() if left > 0]
        weights = [remaining[label] * affinity(i, label) for label in open_labels]
        label = rng.choices(open_labels, weights)[0]
        remaining[label] -= 1
        labels[i] = label
    return labels


def _nice_amount(value: float) -> float:
    """Round an investment to the granularity an official would write down."""
    step = 5000 if value >= 100_000 else 500 if value >= 10_000 else 100 if value >= 1000 else 50
    return float(max(300, round(value / step) * step))


def _floor_amount(value: float) -> float:
    """Round a partial amount down (to 100 万元 when large) so it never exceeds its share."""
    return float(math.floor(value / 100) * 100) if value >= 1000 else math.floor(value * 10) / 10


def _planned_amounts(rng: random.Random, rows: list[Row]) -> list[float]:
    """Lognormal amounts by stratified quantiles, the larger ones going to capital-heavy projects."""
    n = len(rows)
    normal = NormalDist(mu=math.log(10_000), sigma=1.4)
    # Stratified quantiles fix the shape (median, count of 10亿+ projects) whatever the seed.
    amounts = sorted(math.exp(normal.inv_cdf((k + rng.random()) / n)) for k in range(n))
    bonus = {NEW_ENERGY: 0.5, NEW_IT: 0.3, "五金制品": -0.3, "现代服务业": -0.3}
    type_bonus = {"安家": 0.3, "增资扩产": -0.4}

    def appetite(i: int) -> float:
        row = rows[i]
        return rng.gauss(0, 1) + bonus.get(str(row["industry"]), 0) + type_bonus.get(str(row["项目类型"]), 0)

    scores = {i: appetite(i) for i in range(n)}
    planned = [0.0] * n
    for amount, i in zip(amounts, sorted(range(n), key=scores.__getitem__), strict=True):
        planned[i] = min(500_000.0, _nice_amount(amount))
    return planned


def _dates(rng: random.Random, stage: str) -> list[dt.date | None]:
    """Milestone dates filled up to the stage, 1–6 months apart, all on or before AS_OF."""
    steps = STAGE_DATE_COUNT.get(stage)
    if steps is None:  # 暂缓: signed, sometimes landed, rarely started before stalling
        steps = rng.choices((1, 2, 3), (50, 35, 15))[0]
    if steps == 0:
        return [None] * 4
    gaps = [rng.randint(30, 183) for _ in range(steps - 1)]
    latest_sign = AS_OF - dt.timedelta(days=sum(gaps))
    earliest_sign = max(EARLIEST, latest_sign - dt.timedelta(days=SIGN_WINDOW_DAYS[stage]))
    current = earliest_sign + dt.timedelta(days=rng.randint(0, (latest_sign - earliest_sign).days))
    dates: list[dt.date | None] = [current]
    for gap in gaps:
        current += dt.timedelta(days=gap)
        dates.append(current)
    return dates + [None] * (4 - steps)


def _department(rng: random.Random, stage: str, date_count: int) -> str:
    """The unit following a project: 招商办 until it lands, 落地办 (or a line bureau) after."""
    if stage == "竣工投产":
        table = DEPARTMENTS_PRODUCING
    elif date_count >= 2:
        table = DEPARTMENTS_LANDED
    else:
        table = DEPARTMENTS_EARLY
    return rng.choices(list(table), list(table.values()))[0]


def _channel_affinity(row: Row, channel: str) -> float:
    """How plausible a channel is for a project (expansions are rarely introduced by others)."""
    industry, kind, stage = row["industry"], row["项目类型"], row["项目进度"]
    weight = 1.0
    if channel == REFERRAL and kind == "增资扩产":
        weight = 0.1
    elif channel == "灯博会":
        weight = 4.0 if industry == LIGHTING else 0.2
    elif channel == "展会招商" and industry == LIGHTING:
        weight = 2.0
    elif channel == FUND:
        weight = 5.0 if industry in (NEW_IT, NEW_ENERGY, "生物医药", "新材料") else 0.5
        weight *= 0.3 if stage == "洽谈" else 1.0
    elif channel in ("主动对接", "") and kind == "增资扩产":
        weight = 3.0 if channel == "主动对接" else 2.0
    elif channel == "中介招商" and kind == "安家":
        weight = 1.5
    return weight


def _brands(rng: random.Random, n: int) -> list[str]:
    """Distinct two-character trade names."""
    pairs = [a + b for a in BRAND_CHARS for b in BRAND_CHARS if a != b]
    return rng.sample(pairs, n)


def _investor_name(rng: random.Random, brand: str, source: str, industry: str, big: bool) -> str:
    """A company name whose registration prefix matches the investor's home region."""
    word = rng.choice(FIRM_WORDS[industry])
    if big and rng.random() < 0.5:
        suffix = "集团有限公司"
    elif rng.random() < (0.4 if big else 0.1):
        suffix = "股份有限公司"
    else:
        suffix = "有限公司"
    if source == "香港":
        return f"{brand}{word}（香港）有限公司" if rng.random() < 0.6 else f"香港{brand}集团有限公司"
    prefixes = {
        "本镇": "中山市古镇" if rng.random() < 0.75 else "古镇",
        "中山其他镇街": "中山市" if rng.random() < 0.8 else "广东",
        "深圳": "深圳市",
        "广州": "广州市" if rng.random() < 0.6 else "广州",
        "佛山": "佛山市",
        "其他": rng.choice(OTHER_PROVINCES),
    }
    return f"{prefixes[source]}{brand}{word}{suffix}"


def _project_templates(row: Row) -> tuple[str, ...]:
    """Name patterns suited to the project's type and industry."""
    industry, kind = str(row["industry"]), row["项目类型"]
    if kind == "增资扩产":
        return LIGHTING_EXPANSION_TEMPLATES if industry == LIGHTING else EXPANSION_TEMPLATES
    if kind == "建新家":
        return NEW_SITE_TEMPLATES + PROJECT_TEMPLATES[industry]
    if kind == "回家":
        return RETURN_TEMPLATES + PROJECT_TEMPLATES[industry]
    return PROJECT_TEMPLATES[industry]


def _project_name(rng: random.Random, row: Row, taken: set[str]) -> str:
    """A project name not yet in the ledger; a firm's second project becomes its 二期."""
    templates = list(_project_templates(row))
    rng.shuffle(templates)
    names = [t.format(b=row["brand"], n=rng.choice((100, 200, 300, 500, 800))) for t in templates]
    phased = [name.removesuffix("项目") + phase + "项目" for phase in ("二期", "三期") for name in names]
    return next(name for name in names + phased if name not in taken)


def _name_rows(rng: random.Random, rows: list[Row]) -> None:
    """Fill investors and project names, letting a handful of firms hold two projects."""
    for row, brand in zip(rows, _brands(rng, len(rows)), strict=True):
        row["brand"] = brand
        big = float(row["计划总投资"]) >= KEY_THRESHOLD
        row["投资方"] = _investor_name(rng, brand, str(row["投资方来源地"]), str(row["industry"]), big)
    used: set[int] = set()
    for i in rng.sample(range(len(rows)), len(rows)):
        if len(used) >= 2 * REPEAT_FIRMS:
            break
        if i in used:
            continue
        # A firm's second project stays in its home region and its line of business.
        profile = (rows[i]["投资方来源地"], rows[i]["industry"])
        same = [
            j
            for j, other in enumerate(rows)
            if j != i and j not in used and (other["投资方来源地"], other["industry"]) == profile
        ]
        if same:
            donor = rng.choice(same)
            rows[i]["brand"], rows[i]["投资方"] = rows[donor]["brand"], rows[donor]["投资方"]
            used.update((i, donor))
    taken: set[str] = set()
    for row in rows:
        row["项目名称"] = _project_name(rng, row, taken)
        taken.add(str(row["项目名称"]))


def _referral_counts(rng: random.Random, pool_size: int, total: int) -> list[int]:
    """Referrals per referrer: one chain leader, a runner-up, then a long tail with ties."""
    if total and not pool_size:
        raise ValueError("以商引商 projects need at least one producing local firm to refer them")
    counts = [0] * pool_size
    for k, count in enumerate((6, 5)[:pool_size]):
        counts[k] = min(count, total - sum(counts))
    tail = range(min(2, pool_size), pool_size)
    cap = 3
    while sum(counts) < total:
        open_ranks = [k for k in tail if counts[k] < cap] or [0]
        if open_ranks == [0] and tail:
            cap += 1  # a small pool of producing local firms has to carry more referrals each
            continue
        counts[rng.choices(open_ranks, [1 / (k + 1) ** 0.7 for k in open_ranks])[0]] += 1
    return counts


def _assign_referrers(rng: random.Random, rows: list[Row]) -> None:
    """Fill 引荐企业 for 以商引商 rows from firms already producing in town."""
    producing = [r for r in rows if r["项目进度"] == "竣工投产" and r["投资方来源地"] == "本镇"]
    # The chain leader is a big local lighting firm: rank referrers by size, lighting first, with noise.
    standing = {
        str(r["投资方"]): math.log(float(r["计划总投资"])) + (1.0 if r["industry"] == LIGHTING else 0.0)
        for r in producing
    }
    noisy = {firm: score + rng.gauss(0, 0.5) for firm, score in sorted(standing.items())}
    pool = sorted(noisy, key=noisy.__getitem__, reverse=True)
    referred = [i for i, r in enumerate(rows) if r["招商方式"] == REFERRAL]
    counts = _referral_counts(rng, len(pool), len(referred))
    slots = [firm for firm, count in zip(pool, counts, strict=True) for _ in range(count)]
    rng.shuffle(slots)
    for pos, i in enumerate(referred):
        if slots[pos] == rows[i]["投资方"]:
            # A firm cannot introduce itself: swap with a slot that suits both rows.
            swap = next(
                p
                for p in range(len(slots))
                if slots[p] != rows[i]["投资方"] and slots[pos] != rows[referred[p]]["投资方"]
            )
            slots[pos], slots[swap] = slots[swap], slots[pos]
    for pos, i in enumerate(referred):
        rows[i]["引荐企业"] = slots[pos]


def _assign_funds(rng: random.Random, rows: list[Row]) -> None:
    """基金出资 for fund-channel projects, plus a small co-investment in two or three others."""
    for row in rows:
        if row["招商方式"] == FUND:
            row["基金出资"] = _floor_amount(float(row["计划总投资"]) * rng.uniform(*FUND_SHARE))
    candidates = [
        r for r in rows if r["招商方式"] != FUND and r["项目进度"] != "洽谈" and r["industry"] in (NEW_IT, NEW_ENERGY)
    ]
    for row in rng.sample(candidates, rng.randint(2, 3)):
        row["基金出资"] = _floor_amount(float(row["计划总投资"]) * rng.uniform(*SIDE_FUND_SHARE))


def _assign_key(rng: random.Random, rows: list[Row]) -> None:
    """Mark ~20% as key: every 5亿+ project, then the largest others (with some judgement noise)."""
    key = {i for i, r in enumerate(rows) if float(r["计划总投资"]) >= KEY_THRESHOLD}
    wanted = round(KEY_SHARE * len(rows)) - len(key)
    others = [i for i in range(len(rows)) if i not in key]
    noisy = {i: math.log(float(rows[i]["计划总投资"])) + rng.gauss(0, 0.7) for i in others}
    key.update(sorted(others, key=noisy.__getitem__, reverse=True)[: max(0, wanted)])
    for i, row in enumerate(rows):
        row["是否重点项目"] = "是" if i in key else "否"


def _assign_issues(rng: random.Random, rows: list[Row]) -> None:
    """存在问题 / 解决措施 for most key projects, and the occasional 备注."""
    key_rows = [r for r in rows if r["是否重点项目"] == "是"]
    for row in rng.sample(key_rows, round(PROBLEM_SHARE_OF_KEY * len(key_rows))):
        fitting = [problem for problem, stages in PROBLEMS.items() if row["项目进度"] in stages]
        row["存在问题"] = "；".join(rng.sample(fitting, rng.choices((1, 2), (65, 35))[0]))
        row["解决措施"] = "；".join(rng.sample(MEASURES, rng.choices((1, 2), (55, 45))[0]))
    for row in rows:
        draw = rng.random()
        if row["是否重点项目"] == "是" and draw < 0.2:
            row["备注"] = KEY_NOTES[0] if draw < 0.1 else KEY_NOTES[1]
        elif row["是否重点项目"] == "否" and draw < 0.02:
            row["备注"] = rng.choice(OTHER_NOTES)


def _industry_texts(rng: random.Random, rows: list[Row]) -> None:
    """Write 所属行业 as a real ledger would: mostly canonical, sometimes a synonym."""
    for row in rows:
        row["所属行业"] = row["industry"]
    lighting = [r for r in rows if r["industry"] == LIGHTING]
    for row in rng.sample(lighting, round(0.05 * len(lighting))):
        row["所属行业"] = rng.choice(("LED", "智能照明"))
    energy = [r for r in rows if r["industry"] == NEW_ENERGY]
    for row in rng.sample(energy, min(NEW_ENERGY_SYNONYM_ROWS, len(energy))):
        row["所属行业"] = rng.choice(("储能", "光伏"))


def _project_rows(rng: random.Random) -> list[Row]:
    """Build the project rows, one attribute family at a time so the correlations stay explicit."""
    n = rng.randint(248, 256)
    rows: list[Row] = [{"序号": i + 1} for i in range(n)]
    for row, stage in zip(rows, _allocate(rng, n, STAGE_SHARES, lambda i, s: 1.0), strict=True):
        row["项目进度"] = stage
    for row, industry in zip(rows, _allocate(rng, n, INDUSTRY_SHARES, lambda i, s: 1.0), strict=True):
        row["industry"] = industry
    kinds = _allocate(rng, n, TYPE_SHARES, lambda i, k: TYPE_AFFINITY_BY_STAGE[str(rows[i]["项目进度"])][k])
    for row, kind in zip(rows, kinds, strict=True):
        row["项目类型"] = kind

    def source_affinity(i: int, source: str) -> float:
        local_firm = rows[i]["项目类型"] in ("增资扩产", "建新家")
        if source != "本镇":
            return 0.3 if local_firm else 1.0
        # Producing local firms are the town's established base (and its pool of referrers).
        return (60.0 if rows[i]["项目进度"] == "竣工投产" else 20.0) if local_firm else 0.02

    for row, source in zip(rows, _allocate(rng, n, SOURCE_SHARES, source_affinity), strict=True):
        row["投资方来源地"] = source
    for row, planned in zip(rows, _planned_amounts(rng, rows), strict=True):
        row["计划总投资"] = planned
    for row in rows:
        stage, planned = str(row["项目进度"]), float(row["计划总投资"])
        dates = _dates(rng, stage)
        row.update(zip(DATE_COLUMNS, dates, strict=True))
        row["到位资金"] = (
            None if stage == "洽谈" else min(planned, round(planned * rng.uniform(*INVESTED_SHARE[stage]), 1))
        )
        row["责任单位"] = _department(rng, stage, sum(d is not None for d in dates))
    channels = _allocate(rng, n, CHANNEL_SHARES, lambda i, c: _channel_affinity(rows[i], c))
    for row, channel in zip(rows, channels, strict=True):
        row["招商方式"] = channel or None
    _assign_key(rng, rows)
    _name_rows(rng, rows)
    _assign_referrers(rng, rows)
    _assign_funds(rng, rows)
    _assign_issues(rng, rows)
    _industry_texts(rng, rows)
    return rows


def _days(date: dt.date, days: int) -> dt.date:
    """The date `days` days later (earlier when negative)."""
    return date + dt.timedelta(days=days)


def _draw_date(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    """A day drawn uniformly from low..high, both included."""
    return _days(low, rng.randint(0, (high - low).days))


def _needs_plan(row: Row) -> bool:
    """Key projects that have signed plan their next steps (a project in production has none left)."""
    return row["是否重点项目"] == "是" and row["项目进度"] in SIGNED_STAGES and row["签约时间"] is not None


def _next_step_window(row: Row) -> tuple[dt.date, dt.date]:
    """Feasible year-end planned dates of the row's next step, kept valid for the Q3 export too."""
    started = row["动工时间"]
    if started is not None:
        low, high = STARTED_AFTER_Q3_PRODUCTION_DAYS if started > Q3_AS_OF else PLANNED_PRODUCTION_DAYS
        return _days(started, low), _days(started, high)
    low, high = PLANNED_START_DAYS
    base = row["落地时间"] or row["签约时间"]
    until = _days(base, high)
    # A landing after Q3 is not in the Q3 export, where the same plan must still fit the signing date.
    at_q3 = [d for d in (row["签约时间"], row["落地时间"]) if d is not None and d <= Q3_AS_OF]
    if at_q3:
        until = min(until, _days(max(at_q3), high))
    return _days(base, low), until


def _production_plan(rng: random.Random, start: dt.date) -> dt.date:
    """A planned production date 8–24 months after a (planned) construction start, by 2025 at the latest."""
    low, high = PLANNED_PRODUCTION_DAYS
    return _draw_date(rng, _days(start, low), min(_days(start, high), PLAN_HORIZON))


def _pick_late(rng: random.Random, rows: list[Row], pool: list[int], n: int) -> set[int]:
    """n rows of pool, those with a 存在问题 first: the problem is why the project is late."""
    troubled = [i for i in pool if not _is_blank(rows[i].get("存在问题"))]
    calm = [i for i in pool if i not in troubled]
    first = rng.sample(troubled, max(0, min(n, len(troubled))))
    return set(first) | set(rng.sample(calm, max(0, min(n - len(first), len(calm)))))


def _plan_year_end(rng: random.Random, rows: list[Row]) -> None:
    """计划开工时间 / 计划投产时间 of key signed projects, a few of them passed already (overdue)."""
    for row in rows:
        row.update(dict.fromkeys(PLANNED_STEPS))
    windows = {i: _next_step_window(row) for i, row in enumerate(rows) if _needs_plan(row)}
    signed_by_q3 = {i for i in windows if rows[i]["签约时间"] <= Q3_AS_OF}
    # Some plans cannot help having passed: a project signed long ago that has not moved since.
    forced_q3 = [i for i, (_, high) in windows.items() if high < Q3_AS_OF]
    could_q3 = [i for i, (low, high) in windows.items() if i in signed_by_q3 and low < Q3_AS_OF <= high]
    late_at_q3 = set(forced_q3) | _pick_late(rng, rows, could_q3, OVERDUE_AT_Q3 - len(forced_q3))

    def late_window(i: int) -> tuple[dt.date, dt.date]:
        """Overdue at year end but not at Q3: Oct–Dec, or any time before year end if signed since Q3."""
        low, high = windows[i]
        return (max(low, Q3_AS_OF) if i in signed_by_q3 else low), min(high, _days(AS_OF, -1))

    forced = [i for i, (_, high) in windows.items() if high < NEXT_YEAR and i not in late_at_q3]
    could = [i for i in windows if i not in late_at_q3 and i not in forced and late_window(i)[0] <= late_window(i)[1]]
    wanted = OVERDUE_AT_YEAR_END - len(late_at_q3) - len(forced)
    late = late_at_q3 | set(forced) | _pick_late(rng, rows, could, wanted)
    for i, (low, high) in windows.items():
        if i in late_at_q3:
            step = _draw_date(rng, low, min(high, _days(Q3_AS_OF, -1)))
        elif i in late:
            step = _draw_date(rng, *late_window(i))
        else:
            step = _draw_date(rng, max(low, NEXT_YEAR), min(high, PLAN_HORIZON))
        row = rows[i]
        if row["动工时间"] is None:
            row["计划开工时间"] = step
            row["计划投产时间"] = _production_plan(rng, step)
        else:
            row["计划投产时间"] = step


def _nice_target(actual: float, factor: float, step: int) -> int:
    """Lift a 2023 actual by a growth factor and round up to a presentable step."""
    return max(step, math.ceil(actual * factor / step) * step)


def _targets(rng: random.Random, projects: pd.DataFrame) -> pd.DataFrame:
    """2024 targets per industry group, 10–25% above the 2023 actuals."""
    group = projects["所属行业"].map(industry_group)

    def in_2023(column: str) -> pd.Series:
        return projects[column].map(lambda d: isinstance(d, dt.date) and d.year == 2023)

    rows = []
    for name in TARGET_GROUPS:
        mine = group == name
        signed = mine & in_2023("签约时间")
        counts = [
            int(signed.sum()),
            int((mine & in_2023("落地时间")).sum()),
            int((mine & in_2023("动工时间")).sum()),
            int((mine & in_2023("投产时间")).sum()),
        ]
        count_targets = [_nice_target(c, rng.uniform(1.10, 1.25), 5 if c >= 20 else 1) for c in counts]
        investment = float(projects.loc[signed, "计划总投资"].sum())
        invest_step = 10_000 if investment >= 100_000 else 1000
        invest_target = _nice_target(investment, rng.uniform(1.10, 1.25), invest_step)
        rows.append([name, count_targets[0], invest_target, *count_targets[1:]])
    table = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    totals = [TOTAL_LABEL, *(int(table[c].sum()) for c in TARGET_COLUMNS[1:])]
    return pd.concat([table, pd.DataFrame([totals], columns=list(TARGET_COLUMNS))], ignore_index=True)


def generate(seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (projects, targets) for the given seed; the same seed always gives the same frames."""
    rng = random.Random(seed)
    rows = _project_rows(rng)
    # A stream of their own, so adding the plans left every other cell of the ledger as it was.
    _plan_year_end(random.Random(f"{seed}-plans"), rows)
    projects = pd.DataFrame([{c: row.get(c) for c in PROJECT_COLUMNS} for row in rows])
    for column in AMOUNT_COLUMNS:
        projects[column] = projects[column].astype("float64")
    return projects, _targets(rng, projects)


def _is_blank(value: object) -> bool:
    """True for None and NaN alike (pandas turns missing amounts into NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _present_dates(row: Row) -> list[dt.date]:
    return [row[c] for c in DATE_COLUMNS if row[c] is not None]


def _truncate_to_q3(row: Row) -> bool:
    """Empty the milestone dates after Q3_AS_OF; True when any was emptied."""
    later = [c for c in DATE_COLUMNS if row[c] is not None and row[c] > Q3_AS_OF]
    for column in later:
        row[column] = None
    return bool(later)


def _fit_problems(rng: random.Random, row: Row) -> None:
    """Keep only the 存在问题 that make sense at the row's Q3 stage, drawing one if none does."""
    if _is_blank(row["存在问题"]):
        return
    stage = str(row["项目进度"])
    kept = [p for p in str(row["存在问题"]).split("；") if stage in PROBLEMS[p]]
    fitting = [p for p, stages in PROBLEMS.items() if stage in stages]
    row["存在问题"] = "；".join(kept) if kept else rng.choice(fitting)


def _back_to_talks(row: Row) -> None:
    """A project signed in Q4 as it stood at Q3: in talks, no dates, no capital in place yet."""
    for column in DATE_COLUMNS:
        row[column] = None
    row["项目进度"] = "洽谈"
    row["到位资金"] = None
    if row["招商方式"] != FUND:
        row["基金出资"] = None  # a co-investment is only committed once the agreement is signed


def _replanned_amount(rng: random.Random, row: Row) -> float | None:
    """A plausible Q3 计划总投资 15–40% off the year-end one, or None if this row cannot take one."""
    year_end = float(row["计划总投资"])
    change = rng.uniform(*REPLAN_CHANGE) * rng.choice((1, -1))
    q3 = _nice_amount(year_end / (1 + change))
    if not REPLAN_CHANGE[0] <= abs(year_end - q3) / q3 <= REPLAN_CHANGE[1] or q3 > 500_000:
        return None
    if q3 >= KEY_THRESHOLD and row["是否重点项目"] != "是":
        return None
    invested = row["到位资金"]
    if not _is_blank(invested):
        low, high = INVESTED_SHARE[str(row["项目进度"])]
        if not q3 * low <= float(invested) <= q3 * high:
            return None
    return q3


def _vanished_row(rng: random.Random, stage: str, brand: str, taken: set[str]) -> Row:
    """A small project that was in the Q3 export but had dropped off the ledger by year end."""
    industry = rng.choices(list(INDUSTRY_SHARES), list(INDUSTRY_SHARES.values()))[0]
    kinds = TYPE_AFFINITY_BY_STAGE[stage]
    kind = rng.choices(list(kinds), list(kinds.values()))[0]
    outside = {s: w for s, w in SOURCE_SHARES.items() if s != "本镇"}
    local = kind in ("增资扩产", "建新家") and rng.random() < 0.8
    source = "本镇" if local else rng.choices(list(outside), list(outside.values()))[0]
    planned = KEY_THRESHOLD
    while planned >= KEY_THRESHOLD:
        planned = _nice_amount(math.exp(rng.gauss(math.log(8000), 1.0)))
    row: Row = {"industry": industry, "项目类型": kind, "brand": brand, "项目进度": stage}
    row["投资方"] = _investor_name(rng, brand, source, industry, big=False)
    row["项目名称"] = _project_name(rng, row, taken)
    signed = Q3_AS_OF - dt.timedelta(days=rng.randint(20, 270)) if stage == "已签约" else None
    channels = {c: w for c, w in CHANNEL_SHARES.items() if c not in (REFERRAL, FUND)}
    channel = rng.choices(list(channels), list(channels.values()))[0]
    row.update(
        {
            "所属行业": industry,
            "投资方来源地": source,
            "计划总投资": planned,
            "到位资金": None if signed is None else round(planned * rng.uniform(*INVESTED_SHARE[stage]), 1),
            "签约时间": signed,
            "落地时间": None,
            "动工时间": None,
            "投产时间": None,
            "责任单位": _department(rng, stage, 0 if signed is None else 1),
            "是否重点项目": "否",
            "招商方式": channel or None,
            "引荐企业": None,
            "基金出资": None,
            "存在问题": None,
            "解决措施": None,
            "备注": None,
        }
    )
    return row


def _unused_brands(rng: random.Random, rows: list[Row], n: int) -> list[str]:
    """Trade names that appear in no year-end project or investor name."""
    names = "".join(str(r["项目名称"]) + str(r["投资方"]) for r in rows)
    pairs = [a + b for a in BRAND_CHARS for b in BRAND_CHARS if a != b and a + b not in names]
    return rng.sample(pairs, n)


def _q3_rows(rng: random.Random, rows: list[Row]) -> list[Row]:
    """Rewind year-end rows to 2023-09-30, with the deliberate changes listed by the Q3_* constants."""
    signed_later = [i for i, r in enumerate(rows) if r["签约时间"] is not None and r["签约时间"] > Q3_AS_OF]
    active_later = [i for i in signed_later if rows[i]["项目进度"] != "暂缓"]
    in_talks = set(rng.sample(active_later, round(Q3_TALKS_SHARE * len(active_later))))
    absent = set(signed_later) - in_talks

    suspended = [i for i, r in enumerate(rows) if r["项目进度"] == "暂缓" and i not in absent]
    # A project that moved on after Q3 was necessarily still active then; top up with recent stalls.
    moved = [i for i in suspended if max(_present_dates(rows[i])) > Q3_AS_OF]
    still = sorted(set(suspended) - set(moved), key=lambda i: max(_present_dates(rows[i])), reverse=True)
    need = max(0, Q3_SUSPENDED - len(moved))
    stalled_later = set(moved) | set(rng.sample(still[: 2 * need], min(need, len(still))))

    latest_back_sign = Q3_AS_OF - dt.timedelta(days=30)
    back_pool = [
        i
        for i, r in enumerate(rows)
        if r["项目进度"] == "已签约"
        and r["签约时间"] <= latest_back_sign
        and float(r["到位资金"]) >= INVESTED_SHARE["已落地"][0] * float(r["计划总投资"])
    ]
    back = set(rng.sample(back_pool, Q3_BACK))

    q3_rows: list[Row] = []
    changed: set[int] = set()
    for i, year_end in enumerate(rows):
        if i in absent:
            continue
        row = dict(year_end)
        if i in in_talks:
            _back_to_talks(row)
        elif i in back:
            signed = row["签约时间"]
            room = min(183, (Q3_AS_OF - signed).days)
            row["落地时间"] = signed + dt.timedelta(days=rng.randint(30, room))
            row["项目进度"] = "已落地"
        elif _truncate_to_q3(row) or i in stalled_later:
            row["项目进度"] = STAGE_BY_DATE_COUNT[len(_present_dates(row))]
            planned, invested = float(row["计划总投资"]), float(year_end["到位资金"])
            low, high = INVESTED_SHARE[str(row["项目进度"])]
            if year_end["项目进度"] != "暂缓":
                scaled = invested * rng.uniform(*ADVANCED_INVESTED_SCALE)
                row["到位资金"] = math.floor(min(scaled, high * planned) * 10) / 10
            elif not low * planned <= invested <= high * planned:
                # Capital in place before the project stalled, at the level usual for its Q3 stage.
                row["到位资金"] = round(planned * rng.uniform(low, high), 1)
        if row["项目进度"] != year_end["项目进度"]:
            changed.add(i)
            _fit_problems(rng, row)
            if len(_present_dates(row)) < 2 and row["责任单位"] not in DEPARTMENTS_EARLY:
                row["责任单位"] = rng.choices(list(DEPARTMENTS_EARLY), list(DEPARTMENTS_EARLY.values()))[0]
        q3_rows.append(row)

    by_identity = {(r["项目名称"], r["投资方"]): r for r in q3_rows}
    replan_pool = [i for i in range(len(rows)) if i not in changed | absent and _is_blank(rows[i]["基金出资"])]
    replanned = 0
    for i in rng.sample(replan_pool, len(replan_pool)):
        row = by_identity[(rows[i]["项目名称"], rows[i]["投资方"])]
        amount = _replanned_amount(rng, row)
        if amount is not None:
            row["计划总投资"] = amount
            replanned += 1
            if replanned == Q3_REPLANNED:
                break

    taken = {str(r["项目名称"]) for r in rows}
    brands = _unused_brands(rng, rows, Q3_VANISHED)
    for k, brand in enumerate(brands):
        stage = ("洽谈", "已签约")[k % 2]
        q3_rows.insert(rng.randint(0, len(q3_rows)), _vanished_row(rng, stage, brand, taken))
    for number, row in enumerate(q3_rows, start=1):
        row["序号"] = number
    return q3_rows


def _q3_plan(
    rng: random.Random, year_end: Row, column: str, window: tuple[dt.date, dt.date], fits: tuple[dt.date, dt.date]
) -> dt.date:
    """The year-end plan for a step if it fits the Q3 row, else the plan made at Q3 for a step reached since.

    Such a plan lies near the date the step happened and had not passed at Q3; it stays inside `fits`
    (the range that keeps the year-end plan of the following step valid) where it can.
    """
    low, high = window
    planned = year_end[column]
    if planned is not None and low <= planned <= high:
        return planned
    target = year_end[PLANNED_STEPS[column]] or planned or low
    aim = _days(target, rng.randint(-PLAN_JITTER_DAYS, PLAN_JITTER_DAYS))
    not_passed = (max(low, _days(Q3_AS_OF, 1)), high)
    narrowed = (max(not_passed[0], fits[0]), min(high, fits[1]))
    low, high = next(w for w in (narrowed, not_passed, window) if w[0] <= w[1])
    # Outside the range, land a few days in from its nearer end rather than all on the end itself.
    inward = rng.randint(0, min(PLAN_JITTER_DAYS, (high - low).days))
    return _days(low, inward) if aim < low else _days(high, -inward) if aim > high else aim


def _plan_q3(rng: random.Random, q3_rows: list[Row], year_end_rows: list[Row]) -> None:
    """计划开工时间 / 计划投产时间 as they stood at Q3: the year-end plans, plus those of steps reached since."""
    later = {(r["项目名称"], r["投资方"]): r for r in year_end_rows}
    start_days, production_days = PLANNED_START_DAYS, PLANNED_PRODUCTION_DAYS
    for row in q3_rows:
        row.update(dict.fromkeys(PLANNED_STEPS))
        year_end = later.get((row["项目名称"], row["投资方"]))
        if year_end is None or not _needs_plan(row):
            continue
        start = row["动工时间"]
        if start is None:
            base = row["落地时间"] or row["签约时间"]
            window = (_days(base, start_days[0]), _days(base, start_days[1]))
            production = year_end["计划投产时间"]
            fits = window
            if production is not None:
                fits = (_days(production, -production_days[1]), _days(production, -production_days[0]))
            start = row["计划开工时间"] = _q3_plan(rng, year_end, "计划开工时间", window, fits)
        if row["投产时间"] is None:
            window = (_days(start, production_days[0]), _days(start, production_days[1]))
            row["计划投产时间"] = _q3_plan(rng, year_end, "计划投产时间", window, window)


def generate_q3(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Return the projects as exported at 2023-09-30, derived from generate(seed) (amounts in 万元)."""
    year_end, _ = generate(seed)
    rows = [{c: None if _is_blank(v) else v for c, v in r.items()} for r in year_end.to_dict("records")]
    # A separate stream, so the Q3 story never disturbs the year-end ledger drawn from `seed`.
    rng = random.Random(f"{seed}-2023q3")
    q3_rows = _q3_rows(rng, rows)
    _plan_q3(random.Random(f"{seed}-2023q3-plans"), q3_rows, rows)
    projects = pd.DataFrame([{c: row.get(c) for c in PROJECT_COLUMNS} for row in q3_rows])
    for column in AMOUNT_COLUMNS:
        projects[column] = projects[column].astype("float64")
    return projects


class _Formats:
    """The handful of cell styles a government office export uses."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.title = book.add_format({**base, "font_name": "黑体", "font_size": 18, "bold": True, "align": "center"})
        self.left = book.add_format({**base, "font_size": 11})
        self.right = book.add_format({**base, "font_size": 11, "align": "right"})
        self.header = book.add_format(
            {**cell, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9E1F2"}
        )
        self.text = book.add_format({**cell, "text_wrap": True})
        self.center = book.add_format({**cell, "align": "center"})
        self.date = book.add_format({**cell, "align": "center", "num_format": "yyyy-mm-dd"})
        self.amount = book.add_format({**cell, "num_format": "#,##0.0"})
        self.integer = book.add_format({**cell, "num_format": "#,##0"})
        self.total_text = book.add_format({**cell, "bold": True, "align": "center"})
        self.total_amount = book.add_format({**cell, "bold": True, "num_format": "#,##0.0"})
        self.total_integer = book.add_format({**cell, "bold": True, "num_format": "#,##0"})
        self.plain = book.add_format({**base, "font_size": 11, "text_wrap": True})


PROJECT_WIDTHS = {
    "序号": 6,
    "项目名称": 34,
    "投资方": 34,
    "所属行业": 14,
    "项目类型": 10,
    "投资方来源地": 12,
    "计划总投资": 13,
    "到位资金": 12,
    "项目进度": 10,
    "责任单位": 13,
    "是否重点项目": 8,
    "招商方式": 11,
    "引荐企业": 32,
    "基金出资": 11,
    "存在问题": 36,
    "解决措施": 36,
    "备注": 18,
}
CENTERED = {
    "序号",
    "项目类型",
    "投资方来源地",
    "项目进度",
    "责任单位",
    "是否重点项目",
    "招商方式",
    "所属行业",
}


def _write_projects(
    book: xlsxwriter.Workbook, fmt: _Formats, projects: pd.DataFrame, title: str = PROJECT_TITLE
) -> None:
    """Sheet 1: title lines, header, one row per project, 合计 and the signature line."""
    sheet = book.add_worksheet(PROJECT_SHEET)
    last = len(PROJECT_COLUMNS) - 1
    sheet.set_row(0, 32)
    sheet.merge_range(0, 0, 0, last, title, fmt.title)
    sheet.merge_range(1, 0, 1, 5, REPORTING_UNIT, fmt.left)
    sheet.merge_range(1, last - 1, 1, last, UNIT_LINE, fmt.right)
    header_row, first = 2, 3
    sheet.set_row(header_row, 30)
    for col, name in enumerate(PROJECT_COLUMNS):
        sheet.write_string(header_row, col, name, fmt.header)
        sheet.set_column(col, col, PROJECT_WIDTHS.get(name, 12))
    for offset, record in enumerate(projects.itertuples(index=False)):
        for col, (name, value) in enumerate(zip(PROJECT_COLUMNS, record, strict=True)):
            row = first + offset
            if _is_blank(value):
                style = fmt.date if name in DATE_CELLS else fmt.amount if name in AMOUNT_COLUMNS else fmt.text
                sheet.write_blank(row, col, None, style)
            elif name in DATE_CELLS:
                sheet.write_datetime(row, col, value, fmt.date)
            elif name in AMOUNT_COLUMNS or name == "序号":
                sheet.write_number(row, col, value, fmt.amount if name != "序号" else fmt.center)
            else:
                sheet.write_string(row, col, str(value), fmt.center if name in CENTERED else fmt.text)
    total_row = first + len(projects)
    for col, name in enumerate(PROJECT_COLUMNS):
        if name in TOTALLED_COLUMNS:
            letter = xl_col_to_name(col)
            formula = f"=SUM({letter}{first + 1}:{letter}{total_row})"
            cached = round(float(projects[name].sum()), 1)
            sheet.write_formula(total_row, col, formula, fmt.total_amount, cached)
        elif name == "项目名称":
            sheet.write_string(total_row, col, TOTAL_LABEL, fmt.total_text)
        else:
            sheet.write_blank(total_row, col, None, fmt.total_text)
    sheet.merge_range(total_row + 1, 0, total_row + 1, 5, SIGNATURE, fmt.left)
    sheet.freeze_panes(first, 0)
    sheet.autofilter(header_row, 0, total_row - 1, last)


def _write_targets(book: xlsxwriter.Workbook, fmt: _Formats, targets: pd.DataFrame) -> None:
    """Sheet 2: the 2024 targets per industry, with a 合计 row of SUM formulas."""
    sheet = book.add_worksheet(TARGET_SHEET)
    last = len(TARGET_COLUMNS) - 1
    sheet.set_row(0, 32)
    sheet.merge_range(0, 0, 0, last, TARGET_TITLE, fmt.title)
    sheet.write_string(1, last, UNIT_LINE, fmt.right)
    sheet.set_row(2, 30)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, last, 16)
    for col, name in enumerate(TARGET_COLUMNS):
        sheet.write_string(2, col, name, fmt.header)
    body = targets[targets["产业"] != TOTAL_LABEL]
    for offset, record in enumerate(body.itertuples(index=False)):
        sheet.write_string(3 + offset, 0, record[0], fmt.center)
        for col, value in enumerate(record[1:], start=1):
            sheet.write_number(3 + offset, col, value, fmt.integer)
    total_row = 3 + len(body)
    sheet.write_string(total_row, 0, TOTAL_LABEL, fmt.total_text)
    for col, name in enumerate(TARGET_COLUMNS[1:], start=1):
        letter = xl_col_to_name(col)
        cached = int(body[name].sum())
        sheet.write_formula(total_row, col, f"=SUM({letter}4:{letter}{total_row})", fmt.total_integer, cached)


def _write_instructions(book: xlsxwriter.Workbook, fmt: _Formats) -> None:
    """Sheet 3: filling instructions, which an importer must recognise and skip."""
    sheet = book.add_worksheet(NOTES_SHEET)
    sheet.set_column(0, 0, 90)
    sheet.write_string(0, 0, NOTES_SHEET, book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}))
    for offset, line in enumerate(INSTRUCTIONS, start=1):
        sheet.write_string(offset, 0, line, fmt.plain)


def _new_book(path: Path, title: str, created: dt.datetime) -> xlsxwriter.Workbook:
    """An empty workbook with the office's document properties (a fixed stamp keeps bytes stable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties(
        {
            "title": title,
            "author": "古镇镇招商引资指挥部办公室",
            "company": "中山市古镇镇人民政府",
            "created": created,
        }
    )
    return book


def write_workbook(path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the sample ledger workbook to path and return the path."""
    path = Path(path)
    projects, targets = generate(seed)
    book = _new_book(path, PROJECT_TITLE, CREATED)
    fmt = _Formats(book)
    _write_projects(book, fmt, projects)
    _write_targets(book, fmt, targets)
    _write_instructions(book, fmt)
    book.close()
    return path


def write_q3_workbook(path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the 2023-09-30 export (project and instructions sheets, no targets) and return the path."""
    path = Path(path)
    book = _new_book(path, Q3_TITLE, CREATED_Q3)
    fmt = _Formats(book)
    _write_projects(book, fmt, generate_q3(seed), Q3_TITLE)
    _write_instructions(book, fmt)
    book.close()
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: write the year-end and the Q3 sample workbooks (default under data/sample/)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the year-end .xlsx")
    parser.add_argument("--out-q3", type=Path, default=DEFAULT_OUT_Q3, help="where to write the 2023-09-30 .xlsx")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    print(write_workbook(args.out, args.seed))
    print(write_q3_workbook(args.out_q3, args.seed))


if __name__ == "__main__":
    main()
