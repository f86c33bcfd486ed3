"""The one filter object every metric takes, and the SQL that applies it to a snapshot's projects."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from analytics.domain import INDUSTRIES


@dataclass(frozen=True)
class Filters:
    """What a page or command narrows the reserve to. Empty or unknown industries mean the whole town."""

    industries: tuple[str, ...] = INDUSTRIES

    def __post_init__(self) -> None:
        chosen = tuple(i for i in INDUSTRIES if i in set(self.industries or ()))
        object.__setattr__(self, "industries", chosen or INDUSTRIES)

    @property
    def whole_town(self) -> bool:
        """True when no industry is left out (the town's entered targets apply)."""
        return self.industries == INDUSTRIES

    def params(self, snapshot_id: int, **more: object) -> dict[str, object]:
        """Named SQL parameters for `SCOPE` and `IN_FILTERS` (snapshot and industries), plus any the caller adds."""
        return {
            "snapshot": snapshot_id, "industries": list(self.industries), "every_industry": self.whole_town, **more,
        }  # fmt: skip


EVERYTHING = Filters()

IN_FILTERS = "(CASE WHEN $every_industry THEN true ELSE list_contains($industries, p.industry) END)"
"""Whether a project row (alias p) is within the filters. With every industry chosen (the whole town, what a
page opens on) no row is tested: every stored industry is one of INDUSTRIES (analytics/store/derived.py checks
each write), and looking each row's industry up in the list cost a third of a comparison of two snapshots at a
million rows."""

SCOPE = f"""
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE p.snapshot_id = $snapshot AND {IN_FILTERS}
"""
"""The FROM/WHERE of every metric: one snapshot's projects (alias p, snapshot s) within the filters."""


def every_industry(found: Iterable[tuple], filters: Filters, keys: Iterable[str]) -> list[tuple[str, str, int, float]]:
    """(industry, key, count, 万元) for every chosen industry × key, in order, from the rows of a query grouped by
    industry and key: what it did not find is zero, and so is a NaN sum (as the frames always showed it)."""
    got = {(industry, key): (count, amount) for industry, key, count, amount in found}
    rows = []
    for industry in filters.industries:
        for key in keys:
            count, amount = got.get((industry, key), (0, 0.0))
            rows.append((industry, key, int(count), 0.0 if amount is None or math.isnan(amount) else float(amount)))
    return rows
