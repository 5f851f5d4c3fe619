"""The indicators of every installed work area, as their apps declare them."""

from __future__ import annotations

from functools import cache

from gonghui.core.workareas import WorkArea, work_area_apps


@cache
def all_indicators() -> dict:
    """key → Indicator, in work-area order, then in the apps' and each list's order."""
    found = [ind for config in work_area_apps() for ind in config.indicator_list()]
    order = {area: i for i, area in enumerate(WorkArea.values)}
    found.sort(key=lambda ind: order.get(ind.work_area, 99))
    keys = [ind.key for ind in found]
    if len(keys) != len(set(keys)):
        raise RuntimeError("two indicators share a key")
    return {ind.key: ind for ind in found}
