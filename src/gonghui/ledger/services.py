"""Writes of the work ledger: plain scoped records, checked and logged like every other."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.files import DOCUMENT_MAX_BYTES, DOCUMENTS
from gonghui.core.models import StoredFile
from gonghui.core.services import (
    record_create,
    record_delete,
    record_update,
    stored_file_create,
)
from gonghui.core.workareas import superseded_ledger_categories
from gonghui.ledger.models import LedgerAttachment, LedgerCategory, LedgerEntry
from gonghui.orgs.models import Org

COUNTS = ("people", "person_times", "households", "sessions", "items")


def _check(entry: LedgerEntry, *, new_category: bool = True) -> None:
    if new_category and not entry.category.is_active:
        raise DomainError({"category": _("This category is no longer in use.")})
    taken_by = superseded_ledger_categories().get(entry.category.code)
    if new_category and taken_by is not None:
        # Old entries stay, are read and reported; new ones go to the area's own records, so
        # that nothing is counted twice.
        raise DomainError(
            {
                "category": _("“%(category)s” is now recorded in “%(area)s”; enter it there.")
                % {"category": entry.category.name, "area": taken_by.verbose_name}
            }
        )
    _check_declared(entry)
    has_figure = (
        any(getattr(entry, f) for f in COUNTS)
        or entry.cash_amount
        or entry.goods_value
        or any(entry.extra.values())
    )
    if not has_figure:
        raise DomainError(_("An entry records at least one figure: a count or an amount."))


def _check_declared(entry: LedgerEntry) -> None:
    """Sub-type, further figures and placings are what the category declares, in kind."""
    category = entry.category
    if entry.approximation not in LedgerEntry.Approximation.values:
        raise DomainError({"approximation": _("Not a way a figure is known.")})
    codes = {s["code"] for s in category.subtypes}
    if entry.subtype and entry.subtype not in codes:
        raise DomainError({"subtype": _("This category has no such sub-type.")})
    declared = (category.wording or {}).get("extra", {})
    for key, value in (entry.extra or {}).items():
        if key not in declared:
            raise DomainError({"extra": _("This category records no figure “%(k)s”.") % {"k": key}})
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise DomainError({"extra": _("“%(v)s” is not a number.") % {"v": value}}) from None
        if number < 0:
            raise DomainError({"extra": _("A figure is not below zero.")})
    for placing in entry.placings or []:
        placing = placing if isinstance(placing, dict) else {}
        rank = placing.get("rank")
        where = str(placing.get("scope", "")).strip() + str(placing.get("group", "")).strip()
        if not isinstance(rank, int) or rank < 1 or not where:
            raise DomainError(
                {"placings": _("A placing names its field (全省, 全国, 男子组) and a rank from 1.")}
            )
    choices = (category.wording or {}).get("unit_choices", {})
    for field, word in (entry.units or {}).items():
        if field not in COUNTS or word not in choices.get(field, ()):
            # The clerk knows the count by its label (人数, 户数), never by its code.
            label = LedgerEntry._meta.get_field(field).verbose_name if field in COUNTS else field
            raise DomainError(
                {
                    "units": _("This category does not count %(label)s in “%(word)s”.")
                    % {"label": label, "word": word}
                }
            )


def entry_create(
    *,
    actor,
    org: Org,
    category: LedgerCategory,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    people: int = 0,
    person_times: int = 0,
    households: int = 0,
    sessions: int = 0,
    items: int = 0,
    cash_amount: Decimal | int = 0,
    goods_value: Decimal | int = 0,
    is_estimate: bool = False,
    approximation: str = "",
    subtype: str = "",
    extra: dict | None = None,
    placings: list | None = None,
    units: dict | None = None,
    note: str = "",
    campaign=None,
    attachments=(),
) -> LedgerEntry:
    """One dated entry of an org, with its ``attachments`` (uploads) kept in the same
    transaction: a refused file leaves no entry behind. ``approximation`` says how its figures
    are known (exact, or written with 余, 以上 or 近; ``is_estimate`` is 余); ``subtype``,
    ``extra`` figures and ``units`` (the word a count is said in, {"households": "家"}) are
    what the category's wording declares; ``placings`` what the activity won
    ([{"scope": "全省", "rank": 1}])."""
    entry = LedgerEntry(
        org=org,
        category=category,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        people=people,
        person_times=person_times,
        households=households,
        sessions=sessions,
        items=items,
        cash_amount=cash_amount,
        goods_value=goods_value,
        approximation=approximation or (LedgerEntry.Approximation.AT_LEAST if is_estimate else ""),
        subtype=subtype,
        extra=extra or {},
        placings=placings or [],
        units=units or {},
        note=note,
        campaign=campaign,
    )
    _check(entry)
    with transaction.atomic():
        entry = record_create(actor=actor, instance=entry)
        for upload in attachments or ():
            attachment_add(actor=actor, entry=entry, upload=upload)
    return entry


def entry_update(*, actor, entry: LedgerEntry, changes: dict) -> LedgerEntry:
    probe = LedgerEntry(
        **{**{f.attname: getattr(entry, f.attname) for f in LedgerEntry._meta.concrete_fields}}
    )
    for key, value in changes.items():
        setattr(probe, key, value)
    _check(probe, new_category="category" in changes)
    return record_update(actor=actor, instance=entry, changes=changes)


def entry_delete(*, actor, entry: LedgerEntry) -> None:
    with transaction.atomic():
        files = list(entry.attachments.values_list("stored_id", flat=True))
        record_delete(actor=actor, instance=entry)  # the attachments' rows go with it
        StoredFile.objects.filter(pk__in=files).delete()


# A sign-in sheet, photos, the signed contract: pictures, PDF, Office and WPS files.
ATTACHMENT_KINDS = DOCUMENTS
ATTACHMENT_MAX_BYTES = DOCUMENT_MAX_BYTES


def attachment_add(*, actor, entry: LedgerEntry, upload) -> LedgerAttachment:
    """Keep a file behind an entry, through the platform's checked path (``core.files``): a
    picture, PDF, Office or WPS document of at most 20 MB whose content is what its name says."""
    require_perm(actor, "ledger.change_ledgerentry")
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        require_in_scope(actor, locked.org)
        try:
            stored = stored_file_create(
                actor=actor,
                upload=upload,
                kinds=ATTACHMENT_KINDS,
                max_bytes=ATTACHMENT_MAX_BYTES,
            )
        except ValidationError as exc:
            raise DomainError({"file": exc.messages}) from None
        attachment = LedgerAttachment.objects.create(
            entry=locked,
            stored=stored,
            name=stored.name,
            size=stored.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="ledgerattachment.create",
            org=locked.org,
            target=locked,
            details={"file": stored.name, "size": stored.size},
        )
    return attachment


def attachment_delete(*, actor, attachment: LedgerAttachment) -> None:
    require_perm(actor, "ledger.change_ledgerentry")
    with transaction.atomic():
        locked = LedgerAttachment.objects.select_related("entry__org").get(pk=attachment.pk)
        require_in_scope(actor, locked.entry.org)
        locked.delete()
        StoredFile.objects.filter(pk=locked.stored_id).delete()
        record_event(
            actor=actor,
            action="ledgerattachment.delete",
            org=locked.entry.org,
            target=locked.entry,
            details={"file": locked.name},
        )
