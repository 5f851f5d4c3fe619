"""Writes of the work ledger: plain scoped records, checked and logged like every other."""

from __future__ import annotations

import os
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.ledger.models import LedgerAttachment, LedgerEntry

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
    files = [a.file.name for a in entry.attachments.all()]
    with transaction.atomic():
        record_delete(actor=actor, instance=entry)  # the attachments' rows go with it
        transaction.on_commit(lambda: _remove_files(files))


# Declared extension → what ``filetype`` may find in the first bytes. The old Office and WPS
# formats (OLE2) and plain text have no signature ``filetype`` names, so "nothing found" is
# the only acceptable answer for them: a renamed program or archive is still caught.
OLE = frozenset({None, "doc", "xls", "ppt"})
ATTACHMENT_KINDS = {
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "wps": OLE,
    "et": OLE,
    "dps": OLE,
    "txt": {None},
}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def attachment_add(*, actor, entry: LedgerEntry, upload) -> LedgerAttachment:
    """Keep a file behind an entry: a picture, PDF, Office or WPS document of at most 20 MB
    whose content is what its name says."""
    import filetype

    require_perm(actor, "ledger.change_ledgerentry")
    name = os.path.basename(str(upload.name or "")).strip()[:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_KINDS:
        raise DomainError(
            {
                "file": _(
                    "“%(name)s” cannot be attached: attach pictures (jpg, png), PDF, Word, "
                    "Excel, PowerPoint or WPS files."
                )
                % {"name": name}
            }
        )
    if not upload.size:
        raise DomainError({"file": _("The file “%(name)s” is empty.") % {"name": name}})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise DomainError(
            {
                "file": _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = upload.read(8192)
    upload.seek(0)
    if filetype.guess_extension(head) not in ATTACHMENT_KINDS[ext]:
        raise DomainError(
            {
                "file": _("“%(name)s” is not really a .%(ext)s file; it cannot be attached.")
                % {"name": name, "ext": ext}
            }
        )
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        require_in_scope(actor, locked.org)
        attachment = LedgerAttachment(
            entry=locked,
            name=name,
            size=upload.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        # Stored under a random name: the clerk's file name is kept in the row only.
        attachment.file.save(f"{uuid.uuid4().hex}.{ext}", upload, save=False)
        stored = attachment.file.name
        try:
            attachment.save()
            record_event(
                actor=actor,
                action="ledgerattachment.create",
                org=locked.org,
                target=locked,
                details={"file": name, "size": upload.size},
            )
        except BaseException:
            _remove_files([stored])
            raise
    return attachment


def attachment_delete(*, actor, attachment: LedgerAttachment) -> None:
    require_perm(actor, "ledger.change_ledgerentry")
    with transaction.atomic():
        locked = LedgerAttachment.objects.select_related("entry__org").get(pk=attachment.pk)
        require_in_scope(actor, locked.entry.org)
        stored = locked.file.name
        locked.delete()
        record_event(
            actor=actor,
            action="ledgerattachment.delete",
            org=locked.entry.org,
            target=locked.entry,
            details={"file": locked.name},
        )
        transaction.on_commit(lambda: _remove_files([stored]))


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)
