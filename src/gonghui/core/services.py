"""Write helpers shared by the plain record services of every app.

Each app's ``services.py`` keeps one named function per use case (``employer_create`` ...); those
that are plain scoped create/update/delete delegate here, so that the checks, the validation and
the event row are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event


def _perm(instance: models.Model, action: str) -> str:
    meta = instance._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def _org_of(instance: models.Model, org_attr: str | None):
    """The org whose subtree a record belongs to; ``None`` means the record is an org. A dotted
    path ("session.course.org") reaches the org of a record held by another."""
    if org_attr is None:
        return instance
    for name in org_attr.split("."):
        instance = getattr(instance, name)
    return instance


def _display(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    return value


def record_create(*, actor, instance: models.Model, org_attr: str | None = "org") -> models.Model:
    """Validate and insert ``instance`` (unsaved), whose org must lie in the actor's subtree."""
    require_perm(actor, _perm(instance, "add"))
    with transaction.atomic():
        org = _org_of(instance, org_attr)
        require_in_scope(actor, org)
        full_clean(instance)
        instance.save(force_insert=True)
        record_event(
            actor=actor, action=f"{instance._meta.model_name}.create", org=org, target=instance
        )
    return instance


def record_update(
    *, actor, instance: models.Model, changes: Mapping[str, Any], org_attr: str | None = "org"
) -> models.Model:
    """Apply ``changes`` to the stored row (locked), validate, save and log old → new."""
    require_perm(actor, _perm(instance, "change"))
    model = type(instance)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=instance.pk)
        require_in_scope(actor, _org_of(locked, org_attr))
        diff = {}
        for field, value in changes.items():
            old = getattr(locked, field)
            if old != value:
                diff[field] = [_display(old), _display(value)]
                setattr(locked, field, value)
        if not diff:
            return locked
        # Moving a record to another org needs that org in scope too.
        require_in_scope(actor, _org_of(locked, org_attr))
        full_clean(locked)
        locked.save()
        record_event(
            actor=actor,
            action=f"{model._meta.model_name}.update",
            org=_org_of(locked, org_attr),
            target=locked,
            details={"changes": diff},
        )
    return locked


def record_delete(*, actor, instance: models.Model, org_attr: str | None = "org") -> None:
    """Delete a record that nothing else refers to; otherwise refuse and change nothing."""
    require_perm(actor, _perm(instance, "delete"))
    model = type(instance)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=instance.pk)
        org = _org_of(locked, org_attr)
        require_in_scope(actor, org)
        label = str(locked)
        try:
            with transaction.atomic():
                locked.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise DomainError(
                _(
                    "“%(name)s” has related records and cannot be deleted; deactivate "
                    "it if it is no longer used."
                )
                % {"name": label},
                code="has_records",
            ) from exc
        record_event(
            actor=actor,
            action=f"{model._meta.model_name}.delete",
            org=org,
            details={"name": label, "id": instance.pk},
        )


# -- files ------------------------------------------------------------------------------------

FILE_PURPOSE = "stored_file"


def stored_file_create(*, actor, upload, kinds, max_bytes: int):
    """Check an upload (``core.files.check_upload``) and keep it encrypted, in the caller's
    transaction: the record that refers to it is written in the same one."""
    from gonghui.core.crypto import cipher
    from gonghui.core.files import check_upload
    from gonghui.core.models import StoredFile

    checked = check_upload(upload, kinds=kinds, max_bytes=max_bytes)
    stored = StoredFile(
        name=checked.name,
        kind=checked.ext,
        size=checked.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # The id is bound into the ciphertext: a file's bytes copied onto another row do not open.
    stored.content = cipher().encrypt_bytes(checked.data, f"{FILE_PURPOSE}.{stored.id}")
    stored.save(force_insert=True)
    return stored


# -- the installation's key -------------------------------------------------------------------


def installation_key_verify() -> str:
    """Refuse to go on with a key that is not the one this installation's data was encrypted
    with: it would read no ID number and register every member anew (a new digest).

    The first start records the key's fingerprint; an installation of an earlier version, with
    data but no fingerprint yet, first proves the key by decrypting one of its values. Raises
    ``ImproperlyConfigured`` with a Chinese message; returns the fingerprint."""
    from django.apps import apps

    from gonghui.core.crypto import KEY_PROBES, cipher, key_fingerprint
    from gonghui.core.models import Installation

    fingerprint = key_fingerprint()
    with transaction.atomic():
        row = Installation.objects.select_for_update().filter(pk=1).first()
        if row is not None:
            if row.key_fingerprint != fingerprint:
                raise _wrong_key(fingerprint, row.key_fingerprint)
            return fingerprint
        for label, field, purpose in KEY_PROBES:
            value = (
                apps.get_model(label)
                .objects.exclude(**{f"{field}__isnull": True})
                .values_list(field, flat=True)
                .first()
            )
            if value is None:
                continue
            try:
                cipher().decrypt_bytes(bytes(value), purpose)
            except Exception:  # whatever fails, this is not the data's key
                raise _wrong_key(fingerprint, "?") from None
            break
        Installation.objects.create(key_fingerprint=fingerprint)
    return fingerprint


def _wrong_key(found: str, expected: str):
    from django.core.exceptions import ImproperlyConfigured

    return ImproperlyConfigured(
        _(
            "GONGHUI_ENCRYPTION_KEY is not the key this installation's data was encrypted "
            "with (its fingerprint is %(found)s, the data's %(expected)s). Set this "
            "installation's key, from its backup: with another key no ID number can be read."
        )
        % {"found": found, "expected": expected}
    )
