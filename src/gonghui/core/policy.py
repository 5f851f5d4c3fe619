"""Regional policy: "the rule in force for this region on this day", one lookup for every app.

Local numbers (subsistence lines and caps, re-election notice, and later the fund split, the
refund rules, mutual-aid tariffs, model-worker allowances) are rows of an app's policy model
with a ``region_code`` (GB/T 2260) and an effective period. The rule for an org is the row in
force on the day for the most specific region that has one: the county's own, else its city's,
else its province's. A changed rule is a new row from its date: it never applies backwards.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet


def regions_from(region: str) -> list[str]:
    """A county's code, then its city's and its province's (``530524`` → 530524, 530500,
    530000)."""
    if not region:
        return []
    chain = [region, region[:4] + "00", region[:2] + "0000"]
    return list(dict.fromkeys(chain))


def in_force(rows: QuerySet, region: str, on: datetime.date):
    """The row of ``rows`` (a policy model's queryset) in force for ``region`` on ``on``, or
    ``None`` when no region of the chain has one."""
    for code in regions_from(region):
        row = (
            rows.filter(region_code=code, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .order_by("-effective_from")
            .first()
        )
        if row is not None:
            return row
    return None
