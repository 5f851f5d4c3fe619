"""The indicators of every installed work area, as their apps declare them."""

from __future__ import annotations

import threading
import time

from gonghui.core.workareas import WorkArea, work_area_apps

# Indicators built from the database (a ledger category an administrator adds) appear within
# this many seconds in every process; the process that changed them sees them at once
# (``all_indicators.cache_clear``).
RECHECK_SECONDS = 5.0
_lock = threading.Lock()
_cache: dict = {"value": None, "version": None, "checked": 0.0}


def _version():
    return tuple(config.indicator_version() for config in work_area_apps())


def _build() -> dict:
    found = [ind for config in work_area_apps() for ind in config.indicator_list()]
    order = {area: i for i, area in enumerate(WorkArea.values)}
    found.sort(key=lambda ind: order.get(ind.work_area, 99))
    keys = [ind.key for ind in found]
    if len(keys) != len(set(keys)):
        raise RuntimeError("two indicators share a key")
    return {ind.key: ind for ind in found}


def all_indicators() -> dict:
    """key → Indicator, in work-area order, then in the apps' and each list's order."""
    now = time.monotonic()
    with _lock:
        if _cache["value"] is not None and now - _cache["checked"] < RECHECK_SECONDS:
            return _cache["value"]
        version = _version()
        if _cache["value"] is None or version != _cache["version"]:
            _cache["value"], _cache["version"] = _build(), version
        _cache["checked"] = now
        return _cache["value"]


def _clear() -> None:
    with _lock:
        _cache["value"] = None


all_indicators.cache_clear = _clear


def all_rates() -> list:
    """Every rate the installed apps declare whose two figures are indicators."""
    registry = all_indicators()
    return [
        rate
        for config in work_area_apps()
        for rate in config.rate_list()
        if rate.numerator in registry and rate.denominator in registry
    ]
