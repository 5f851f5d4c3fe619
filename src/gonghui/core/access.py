"""Checks a service makes before it writes: may this actor do this, here?"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gonghui.core.errors import NotFound
from gonghui.core.scoping import org_in_scope


def require_perm(actor, perm: str) -> None:
    """``actor=None`` is the platform itself (demo generator, first administrator)."""
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("Your role does not allow this action."))


def require_in_scope(actor, org) -> None:
    """Refuse an org outside the actor's subtree exactly as a missing one is refused."""
    if actor is not None and not org_in_scope(actor, org):
        raise NotFound(_("The record does not exist."))
