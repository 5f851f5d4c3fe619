"""Writing the event log. Services call ``record_event`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext

from gonghui.core.models import Event


def record_event(*, actor, action: str, org, target=None, details: dict[str, Any] | None = None):
    """Write one event row. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(
            getattr(actor, "display_name", "")
            or getattr(actor, "username", "")
            or gettext("System")
        ),
        action=action,
        org=org,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        details=_jsonable(details or {}),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
