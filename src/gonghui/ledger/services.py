"""Writes of the work ledger: plain scoped records, checked and logged like every other."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.ledger.models import LedgerEntry

COUNTS = ("people", "person_times", "households", "sessions", "items")


def _check(entry: LedgerEntry) -> None:
    if not entry.category.is_active:
        raise DomainError({"category": _("This category is no longer in use.")})
    has_figure = any(getattr(entry, f) for f in COUNTS) or entry.cash_amount or entry.goods_value
    if not has_figure:
        raise DomainError(_("An entry records at least one figure: a count or an amount."))


def entry_create(*, actor, **fields) -> LedgerEntry:
    entry = LedgerEntry(**fields)
    _check(entry)
    return record_create(actor=actor, instance=entry)


def entry_update(*, actor, entry: LedgerEntry, changes: dict) -> LedgerEntry:
    probe = LedgerEntry(
        **{**{f.attname: getattr(entry, f.attname) for f in LedgerEntry._meta.concrete_fields}}
    )
    for key, value in changes.items():
        setattr(probe, key, value)
    _check(probe)
    return record_update(actor=actor, instance=entry, changes=changes)


def entry_delete(*, actor, entry: LedgerEntry) -> None:
    record_delete(actor=actor, instance=entry)
