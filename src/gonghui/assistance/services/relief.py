"""Group relief (集体慰问): head-counts and amounts without names, with a photo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    Campaign,
    GroupRelief,
)
from gonghui.assistance.services.common import (
    _money,
)
from gonghui.core.errors import DomainError
from gonghui.core.files import PHOTO_MAX_BYTES, PHOTOS
from gonghui.core.models import StoredFile
from gonghui.core.services import (
    record_create,
    record_delete,
    record_update,
    stored_file_create,
)
from gonghui.orgs.models import Org

# -- group relief ------------------------------------------------------------------------------


def group_relief_create(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    date: datetime.date,
    headcount: int,
    cash_amount: Decimal | int | str = 0,
    goods_value: Decimal | int | str = 0,
    note: str = "",
    photo=None,
) -> GroupRelief:
    """Record relief given without names. ``photo``, an upload, is kept through the checked
    path (``core.files``) in the same transaction: a refused relief keeps no photo."""
    if not org.path.startswith(campaign.org.path):
        raise DomainError({"org": _("The organisation is not under the campaign's organiser.")})
    with transaction.atomic():
        relief = GroupRelief(
            campaign=campaign,
            org=org,
            date=date,
            headcount=headcount,
            cash_amount=_money(cash_amount, "cash_amount"),
            goods_value=_money(goods_value, "goods_value"),
            note=note,
        )
        if photo:
            relief.photo = _relief_photo(actor, photo)
        return record_create(actor=actor, instance=relief)


def group_relief_update(*, actor, relief: GroupRelief, changes: dict) -> GroupRelief:
    """Correct a relief; a new ``photo`` (an upload) replaces the one kept before."""
    changes = dict(changes)
    photo = changes.pop("photo", None)
    for field in ("cash_amount", "goods_value"):
        if field in changes:
            changes[field] = _money(changes[field], field)
    with transaction.atomic():
        old_photo = relief.photo_id
        if photo:
            changes["photo"] = _relief_photo(actor, photo)
        updated = record_update(actor=actor, instance=relief, changes=changes)
        if photo and old_photo:
            StoredFile.objects.filter(pk=old_photo).delete()
    return updated


def group_relief_delete(*, actor, relief: GroupRelief) -> None:
    with transaction.atomic():
        photo = relief.photo_id
        record_delete(actor=actor, instance=relief)
        if photo:
            StoredFile.objects.filter(pk=photo).delete()


def _relief_photo(actor, upload):
    try:
        return stored_file_create(
            actor=actor, upload=upload, kinds=PHOTOS, max_bytes=PHOTO_MAX_BYTES
        )
    except ValidationError as exc:
        raise DomainError({"photo": exc.messages}) from None
