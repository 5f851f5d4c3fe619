"""Accounts: only platform administrators create and change them, within their own subtree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.models import Role, User
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_update
from gonghui.orgs.models import Org

USER_EDITABLE_FIELDS = ("name", "email", "org", "role", "department", "is_active")

# Which org levels each role may sit at: a township clerk at a township union, and so on.
ROLE_LEVELS = {
    Role.PLATFORM_ADMIN: {Org.Level.NATIONAL, Org.Level.PROVINCE, Org.Level.CITY, Org.Level.COUNTY},
    Role.FEDERATION_STAFF: {
        Org.Level.NATIONAL,
        Org.Level.PROVINCE,
        Org.Level.CITY,
        Org.Level.COUNTY,
    },
    Role.TOWNSHIP_STAFF: {Org.Level.TOWNSHIP},
    Role.GRASSROOTS_CLERK: {Org.Level.GRASSROOTS},
}


def check_role_fits_org(role: str, org: Org | None) -> None:
    if org is None:
        raise DomainError(_("Please choose the organisation of the account."), code="org_required")
    if org.level not in ROLE_LEVELS[role]:
        raise DomainError(
            _("“%(role)s” cannot be given at %(level)s “%(org)s”.")
            % {"role": Role(role).label, "level": org.get_level_display(), "org": org.name},
            code="role_level",
        )


def user_create(
    *,
    actor,
    username: str,
    password: str,
    org: Org,
    role: str,
    name: str = "",
    department: str = "",
    email: str = "",
) -> User:
    require_perm(actor, "accounts.add_user")
    with transaction.atomic():
        require_in_scope(actor, org)
        check_role_fits_org(role, org)
        user = User(
            username=username,
            name=name,
            org=org,
            role=role,
            department=department,
            email=email,
            is_staff=True,
            is_active=True,
        )
        validate_password(password, user)
        user.set_password(password)
        full_clean(user)
        user.save(force_insert=True)
        record_event(
            actor=actor,
            action="user.create",
            org=org,
            target=user,
            details={"role": user.get_role_display()},
        )
    return user


def user_update(*, actor, user: User, changes: Mapping[str, Any]) -> User:
    bad = set(changes) - set(USER_EDITABLE_FIELDS)
    if bad:
        raise TypeError(f"user_update cannot change {sorted(bad)}")
    if (
        actor is not None
        and actor.pk == user.pk
        and (changes.get("role", user.role) != user.role or changes.get("is_active", True) is False)
    ):
        raise DomainError(
            _("You cannot change your own role or deactivate your own account."), code="self"
        )
    with transaction.atomic():
        check_role_fits_org(changes.get("role", user.role), changes.get("org", user.org))
        return record_update(actor=actor, instance=user, changes=changes)


def user_set_password(*, actor, user: User, password: str) -> User:
    """Set a password. Administrators reset others'; everyone may change their own."""
    if actor is None or actor.pk != user.pk:
        require_perm(actor, "accounts.change_user")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        require_in_scope(actor, user.org)
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor=actor, action="user.set_password", org=user.org, target=user)
    return user
