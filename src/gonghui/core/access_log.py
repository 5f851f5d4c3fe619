"""Writing the personal-data access log (who saw or exported what in full, and when)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from gonghui.core.models import AccessLog


def log_access(*, actor, action: str, target=None, org=None, details: dict | None = None):
    return AccessLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or getattr(actor, "username", ""),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        org=org,
        details=details or {},
    )
