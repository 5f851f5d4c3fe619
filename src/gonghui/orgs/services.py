"""Every write to the union tree, its employers and its service points."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.orgs.models import PATH_STEP, Employer, Org, OrgPolicy, ServicePoint

ORG_EDITABLE_FIELDS = (
    "code",
    "name",
    "short_name",
    "level",
    "kind",
    "region_code",
    "uscc",
    "founded_on",
    "term_years",
    "term_started_on",
    "legal_person_certificate",
    "chair_name",
    "address",
)


def _path_segment(org_id: int) -> str:
    return f"{org_id:0{PATH_STEP}d}/"


def _next_org_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('orgs_org', 'id'))")
        return cursor.fetchone()[0]


def _is_own_root(actor, org: Org) -> bool:
    return actor is not None and actor.org_id == org.pk


def org_create(
    *,
    actor,
    parent: Org | None,
    code: str,
    name: str,
    level: int,
    kind: str,
    short_name: str = "",
    region_code: str = "",
    uscc: str = "",
    founded_on: datetime.date | None = None,
    term_years: int | None = None,
    term_started_on: datetime.date | None = None,
    legal_person_certificate: str = "",
    chair_name: str = "",
    address: str = "",
) -> Org:
    """Add an org under ``parent`` (in the actor's subtree).

    Only the platform itself (``actor=None``: the demo, the first administrator) may create a
    root. The parent row is locked so that a concurrent move cannot leave the child with a stale
    path.
    """
    require_perm(actor, "orgs.add_org")
    fields = {
        "short_name": short_name,
        "region_code": region_code,
        "uscc": uscc,
        "founded_on": founded_on,
        "term_years": term_years,
        "term_started_on": term_started_on,
        "legal_person_certificate": legal_person_certificate,
        "chair_name": chair_name,
        "address": address,
    }
    with transaction.atomic():
        if parent is None:
            if actor is not None:
                raise DomainError(
                    _("Please choose the parent organisation."), code="parent_required"
                )
        else:
            parent = Org.objects.select_for_update().get(pk=parent.pk)
            require_in_scope(actor, parent)
            if not parent.is_active:
                raise DomainError(
                    _(
                        "The parent organisation “%(name)s” is deactivated; no "
                        "organisation can be created under it."
                    )
                    % {"name": parent.name},
                    code="parent_inactive",
                )
        org = Org(parent=parent, code=code, name=name, level=level, kind=kind, **fields)
        # The level and term checks are the fields' choices, already validated here; checking
        # the constraints in Python costs a query each (most of an org's creation time), so only
        # the unique credit code, when there is one, goes to the database before the insert.
        org.full_clean(exclude=["path"], validate_constraints=bool(org.uscc))
        org.pk = _next_org_id()
        org.path = (parent.path if parent else "") + _path_segment(org.pk)
        org.save(force_insert=True)
        record_event(
            actor=actor,
            action="org.create",
            org=parent or org,
            target=org,
            details={"code": code, "level": org.get_level_display()},
        )
    return org


def org_update(*, actor, org: Org, changes: Mapping[str, Any]) -> Org:
    """Change an org's own fields. A new parent goes through ``org_move``."""
    changes = dict(changes)
    new_parent = changes.pop("parent", org.parent)
    bad = set(changes) - set(ORG_EDITABLE_FIELDS)
    if bad:
        raise TypeError(f"org_update cannot change {sorted(bad)}")
    with transaction.atomic():
        if new_parent is not None and new_parent.pk != org.parent_id:
            org = org_move(actor=actor, org=org, new_parent=new_parent)
        if _is_own_root(actor, org) and "level" in changes and changes["level"] != org.level:
            raise DomainError(
                _("You cannot change the level of your own organisation."), code="own_level"
            )
        return record_update(actor=actor, instance=org, changes=changes, org_attr=None)


def org_move(*, actor, org: Org, new_parent: Org) -> Org:
    """Move ``org`` and its whole subtree under ``new_parent``; its records follow it.

    One UPDATE rewrites the paths of the subtree. Refused: a move into the org's own subtree
    (a cycle), a parent whose level is not above the org's, the actor's own org, and anything
    outside the actor's subtree.
    """
    require_perm(actor, "orgs.change_org")
    with transaction.atomic():
        ids = sorted({org.pk, new_parent.pk})
        locked = {
            o.pk: o for o in Org.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        org, new_parent = locked[org.pk], locked[new_parent.pk]
        require_in_scope(actor, org)
        require_in_scope(actor, new_parent)
        if _is_own_root(actor, org):
            raise DomainError(
                _("You cannot move your own organisation; please ask the union above."),
                code="own_root",
            )
        if new_parent.path.startswith(org.path):
            raise DomainError(
                _("An organisation cannot be moved under itself or one of its subordinates."),
                code="cycle",
            )
        if org.level <= new_parent.level:
            raise DomainError(
                _(
                    "“%(org)s” (%(level)s) cannot be placed under “%(parent)s” (%(plevel)s): a "
                    "subordinate’s level must be below its parent’s."
                )
                % {
                    "org": org.name,
                    "level": org.get_level_display(),
                    "parent": new_parent.name,
                    "plevel": new_parent.get_level_display(),
                },
                code="level",
            )
        if not new_parent.is_active:
            raise DomainError(
                _("The parent organisation “%(name)s” is deactivated.") % {"name": new_parent.name},
                code="parent_inactive",
            )
        old_parent = org.parent
        old_prefix = org.path
        new_prefix = new_parent.path + _path_segment(org.pk)
        with connection.cursor() as cursor:
            # Lock the whole subtree in id order first, so concurrent moves cannot deadlock.
            cursor.execute(
                "SELECT id FROM orgs_org WHERE path LIKE %s ORDER BY id FOR UPDATE",
                [old_prefix + "%"],
            )
            cursor.execute(
                "UPDATE orgs_org SET path = %s || substr(path, %s) WHERE path LIKE %s",
                [new_prefix, len(old_prefix) + 1, old_prefix + "%"],
            )
        Org.objects.filter(pk=org.pk).update(parent=new_parent)
        org.refresh_from_db()
        record_event(
            actor=actor,
            action="org.move",
            org=org,
            target=org,
            details={"from": str(old_parent), "to": str(new_parent)},
        )
    return org


def org_deactivate(*, actor, org: Org) -> Org:
    """Stop using an org (its records stay). Refused while it has active child orgs."""
    require_perm(actor, "orgs.change_org")
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        require_in_scope(actor, org)
        if _is_own_root(actor, org):
            raise DomainError(_("You cannot deactivate your own organisation."), code="own_root")
        if org.children.filter(is_active=True).exists():
            raise DomainError(
                _(
                    "“%(name)s” still has active subordinate organisations; "
                    "deactivate or move them first."
                )
                % {"name": org.name},
                code="active_children",
            )
        if org.is_active:
            org.is_active = False
            org.save(update_fields=["is_active", "updated_at"])
            record_event(actor=actor, action="org.deactivate", org=org, target=org)
    return org


def org_reactivate(*, actor, org: Org) -> Org:
    require_perm(actor, "orgs.change_org")
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        require_in_scope(actor, org)
        if org.parent is not None and not org.parent.is_active:
            raise DomainError(
                _("The parent organisation “%(name)s” is deactivated; activate it first.")
                % {"name": org.parent.name},
                code="parent_inactive",
            )
        if not org.is_active:
            org.is_active = True
            org.save(update_fields=["is_active", "updated_at"])
            record_event(actor=actor, action="org.reactivate", org=org, target=org)
    return org


def org_delete(*, actor, org: Org) -> None:
    """Delete an org entered by mistake. One with records (children, employers, accounts, its
    own change history) is refused: deactivate it instead."""
    require_perm(actor, "orgs.delete_org")
    if _is_own_root(actor, org):
        raise DomainError(_("You cannot delete your own organisation."), code="own_root")
    if org.parent is None:
        raise DomainError(_("A top-level organisation cannot be deleted."), code="root")
    record_delete(actor=actor, instance=org, org_attr="parent")


def employer_create(
    *,
    actor,
    org: Org,
    name: str,
    unit_type: str,
    uscc: str = "",
    industry_section: str = "",
    headcount: int = 0,
    monthly_payroll: Decimal | int = 0,
    is_small_micro: bool = False,
    region_code: str = "",
    union: Org | None = None,
    address: str = "",
    is_active: bool = True,
) -> Employer:
    return record_create(
        actor=actor,
        instance=Employer(
            org=org,
            name=name,
            unit_type=unit_type,
            uscc=uscc,
            industry_section=industry_section,
            headcount=headcount,
            monthly_payroll=monthly_payroll,
            is_small_micro=is_small_micro,
            region_code=region_code,
            union=union,
            address=address,
            is_active=is_active,
        ),
    )


def employer_update(*, actor, employer: Employer, changes: Mapping[str, Any]) -> Employer:
    return record_update(actor=actor, instance=employer, changes=changes)


def employer_delete(*, actor, employer: Employer) -> None:
    record_delete(actor=actor, instance=employer)


def service_point_create(
    *,
    actor,
    org: Org,
    kind: str,
    name: str,
    address: str = "",
    partner: str = "",
    recognition: str = ServicePoint.Recognition.NONE,
    opened_on: datetime.date | None = None,
    recognized_on: datetime.date | None = None,
    is_active: bool = True,
) -> ServicePoint:
    return record_create(
        actor=actor,
        instance=ServicePoint(
            org=org,
            kind=kind,
            name=name,
            address=address,
            partner=partner,
            recognition=recognition,
            opened_on=opened_on,
            recognized_on=recognized_on,
            is_active=is_active,
        ),
    )


def service_point_update(
    *, actor, service_point: ServicePoint, changes: Mapping[str, Any]
) -> ServicePoint:
    return record_update(actor=actor, instance=service_point, changes=changes)


def service_point_delete(*, actor, service_point: ServicePoint) -> None:
    record_delete(actor=actor, instance=service_point)


def org_policy_create(
    *,
    actor,
    region_code: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None = None,
    reelection_due_within_days: int = OrgPolicy.DEFAULT_REELECTION_DUE_WITHIN_DAYS,
    note: str = "",
) -> OrgPolicy:
    """A region's organisation rule from a date (platform administrators)."""
    return _policy_write(
        actor,
        OrgPolicy(
            region_code=region_code,
            effective_from=effective_from,
            effective_to=effective_to,
            reelection_due_within_days=reelection_due_within_days,
            note=note,
        ),
    )


def org_policy_update(*, actor, policy: OrgPolicy, changes: Mapping[str, Any]) -> OrgPolicy:
    with transaction.atomic():
        locked = OrgPolicy.objects.select_for_update().get(pk=policy.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        return _policy_write(actor, locked)


def _policy_write(actor, policy: OrgPolicy) -> OrgPolicy:
    # Public numbers of a region, not records of an org: the permission is the whole check.
    require_perm(actor, "orgs.change_orgpolicy" if policy.pk else "orgs.add_orgpolicy")
    with transaction.atomic():
        full_clean(policy)
        created = policy.pk is None
        policy.save()
        record_event(
            actor=actor,
            action="orgpolicy.create" if created else "orgpolicy.update",
            org=getattr(actor, "org", None) or Org.objects.filter(parent=None).first(),
            target=policy,
            details={"region": policy.region_code, "days": policy.reelection_due_within_days},
        )
    return policy
