"""The written briefing (汇报材料): rule-based paragraphs from the meeting's numbers, in Chinese or English.

Every number in the text is a `fact`, taken from a MeetingNumbers frame (the same frames the slides chart)
and formatted once here; tests check each fact against the metric and find it in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics.domain import EVENTS, TOWN
from analytics.i18n import label, t
from analytics.metrics.changes import KINDS
from analytics.metrics.targets import MEASURES
from analytics.story.numbers import MeetingNumbers
from analytics.theme import yi

TOP_RISKS = 3


@dataclass(frozen=True)
class Briefing:
    sections: tuple[tuple[str, str], ...]  # (the slide key it speaks to, paragraph)
    facts: dict[str, float | int | str | None] = field(default_factory=dict)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.sections)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def about(self, slide_key: str) -> str:
        """The paragraphs that speak to one slide, for its notes."""
        return "\n\n".join(text for key, text in self.sections if key == slide_key)


def long_date(day: date, lang: str) -> str:
    """2023年12月31日 / 31 December 2023."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B} {day.year}"


def share(part: float, whole: float) -> str:
    """A share as '32.9%' (one decimal), '—' when the whole is zero."""
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _scope(numbers: MeetingNumbers, lang: str) -> str:
    if numbers.filters.whole_town:
        return label("industry", TOWN, lang)
    return t("brief.list_sep", lang).join(label("industry", i, lang) for i in numbers.filters.industries)


def _reserve(n: MeetingNumbers, lang: str, facts: dict) -> list[str]:
    totals = n.totals
    facts.update(projects=int(totals["projects"]), investment_wan=float(totals["investment_wan"]))
    facts["key_projects"] = int(totals["key_projects"])
    parts = []
    for row in n.by_industry.itertuples():
        facts[f"{row.industry}.projects"] = int(row.projects)
        facts[f"{row.industry}.investment_wan"] = float(row.investment_wan)
        parts.append(
            t(
                "brief.part",
                lang,
                industry=label("industry", row.industry, lang),
                projects=int(row.projects),
                investment=yi(row.investment_wan),
                share=share(row.investment_wan, totals["investment_wan"]),
            )  # fmt: skip
        )
    first = t(
        "brief.reserve", lang, as_of=long_date(n.as_of, lang), scope=_scope(n, lang), projects=facts["projects"],
        investment=yi(facts["investment_wan"]), parts=t("brief.part_sep", lang).join(parts),
        key_count=facts["key_projects"],
    )  # fmt: skip
    reached = {stage: int(totals[f"reached_{stage}"]) for stage in EVENTS}
    facts.update({f"reached_{stage}": value for stage, value in reached.items()})
    return [first + t("brief.stages", lang, **reached)]


def _year(n: MeetingNumbers, lang: str, facts: dict) -> list[str]:
    comp = n.comparison.set_index("event")
    counts = {event: int(comp.loc[event, "count"]) for event in EVENTS}
    facts.update({f"{n.year}.{event}.count": value for event, value in counts.items()})
    signed_wan = float(comp.loc["signed", "investment_wan"])
    facts[f"{n.year}.signed.investment_wan"] = signed_wan
    delta = comp.loc["signed", "investment_delta"]
    facts[f"{n.year}.signed.investment_delta_wan"] = None if pd.isna(delta) else float(delta)
    if pd.isna(delta):
        change = ""
    else:
        change = t("brief.delta_up" if delta >= 0 else "brief.delta_down", lang, value=yi(abs(delta)))
    text = t(
        "brief.year", lang, year=n.year, signed=counts["signed"], signed_investment=yi(signed_wan), delta=change,
        landed=counts["landed"], construction=counts["construction"], production=counts["production"],
    )  # fmt: skip
    signed = n.flows[n.flows["event"] == "signed"].set_index("industry")["investment_wan"]
    if signed.sum() > 0 and len(signed) > 1:
        lead = signed.idxmax()
        facts[f"{n.year}.signed.lead"] = lead
        facts[f"{n.year}.signed.{lead}.investment_wan"] = float(signed[lead])
        text += t(
            "brief.lead", lang, industry=label("industry", lead, lang), investment=yi(signed[lead]),
            share=share(signed[lead], signed.sum()),
        )  # fmt: skip
    return [text]


def _value(measure: str, value: float) -> str:
    return yi(value) if measure == "signed_investment_wan" else f"{int(round(value))}"


def _targets(n: MeetingNumbers, lang: str, facts: dict, progress: pd.DataFrame, year: int) -> list[str]:
    town = progress[(progress["industry"] == TOWN) & progress["target"].notna()].set_index("measure")
    if town.empty:
        return [t("brief.no_targets", lang, year=year)]
    sentences = []
    for measure in [m for m in MEASURES if m in town.index]:
        row = town.loc[measure]
        facts[f"target.{year}.{measure}"] = float(row["target"])
        facts[f"actual.{year}.{measure}"] = float(row["actual"])
        facts[f"completion.{year}.{measure}"] = None if pd.isna(row["completion"]) else float(row["completion"])
        status = t(f"targets.status.{row['status']}", lang) if isinstance(row["status"], str) else "—"
        unit = t("unit.yi", lang) if measure == "signed_investment_wan" else t("brief.unit_count", lang)
        sentences.append(
            t(
                "brief.target",
                lang,
                measure=t(f"targets.measure.{measure}", lang),
                target=_value(measure, row["target"]),
                actual=_value(measure, row["actual"]),
                unit=unit,
                completion="—" if pd.isna(row["completion"]) else f"{row['completion'] * 100:.0f}%",
                status=status,
            )  # fmt: skip
        )
    return [t("brief.targets", lang, year=year, items=t("brief.part_sep", lang).join(sentences))]


def _changes(n: MeetingNumbers, lang: str, facts: dict) -> list[str]:
    if n.previous is None or n.changed is None:
        return []
    counts = {kind: n.changed.counts[kind] for kind in KINDS}
    facts.update({f"changes.{kind}": value for kind, value in counts.items()})
    return [t("brief.changes", lang, previous=long_date(n.previous["as_of"], lang), **counts)]


def _risks(n: MeetingNumbers, lang: str, facts: dict) -> list[str]:
    keys, flags = n.key_projects, n.key_flags
    facts.update({f"risks.{name}": value for name, value in flags.items() if name != "key"})
    flagged = keys[keys["overdue"] | keys["stalled"]].head(TOP_RISKS)
    top = ""
    if not flagged.empty:
        top = t("brief.risk_top", lang, names=t("brief.list_sep", lang).join(flagged["project_name"]))
    return [t("brief.risks", lang, key_count=flags["key"], overdue=flags["overdue"], stalled=flags["stalled"], top=top)]


def write(numbers: MeetingNumbers, lang: str = "zh") -> Briefing:
    """The briefing: reserve, the year reviewed, its targets, next year's targets, changes, risks."""
    facts: dict = {}
    sections = [
        *(("overview", p) for p in _reserve(numbers, lang, facts)),
        *(("review", p) for p in _year(numbers, lang, facts)),
        *(("review", p) for p in _targets(numbers, lang, facts, numbers.review_progress, numbers.year)),
        *(("targets", p) for p in _targets(numbers, lang, facts, numbers.target_progress, numbers.target_year)),
        *(("changes", p) for p in _changes(numbers, lang, facts)),
        *(("risks", p) for p in _risks(numbers, lang, facts)),
    ]
    return Briefing(tuple(sections), facts)
