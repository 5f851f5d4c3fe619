"""The indicators of every installed work area, read from their ``indicators.py``."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from gonghui.core.indicators import WorkArea


@cache
def all_indicators() -> dict:
    """key → Indicator, in work-area order, then in each module's order."""
    found = []
    for module in settings.GONGHUI_INDICATOR_MODULES:
        found.extend(import_string(f"{module}.INDICATORS"))
    order = {area: i for i, area in enumerate(WorkArea.ORDER)}
    found.sort(key=lambda ind: order.get(ind.work_area, 99))
    keys = [ind.key for ind in found]
    if len(keys) != len(set(keys)):
        raise RuntimeError("two indicators share a key")
    return {ind.key: ind for ind in found}
