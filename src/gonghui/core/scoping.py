"""Access scoping: a user sees their organisation's subtree and nothing else.

Every selector, admin queryset, export, report and API endpoint narrows its queryset through
``scope()``, so that the rule lives in one place. The subtree is a prefix match on the
materialised path of ``orgs.Org`` (indexed with ``varchar_pattern_ops``), one query whatever the
depth of the tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gonghui.core.county import CountyField, subtree_county
from gonghui.core.errors import NotFound

if TYPE_CHECKING:
    from gonghui.accounts.models import User


def subtree_q(actor: User, org_field: str | None = "org") -> Q:
    """A filter for rows whose org lies in the actor's subtree.

    ``org_field`` is the path from the model to its ``Org`` foreign key (``"org"``,
    ``"membership__org"``); ``None`` means the model is ``Org`` itself. An actor without an org
    (an anonymous or half-made account) sees nothing.
    """
    org = getattr(actor, "org", None) if actor is not None else None
    if org is None or not getattr(actor, "is_active", False):
        return Q(pk__in=[])
    lookup = "path__startswith" if org_field is None else f"{org_field}__path__startswith"
    return Q(**{lookup: org.path})


def scope(queryset: QuerySet, actor: User, org_field: str | None = "org") -> QuerySet:
    return queryset.filter(subtree_q(actor, org_field) & county_q(queryset.model, actor, org_field))


def county_q(model, actor: User, org_field: str | None = "org") -> Q:
    """The same subtree said by county as well (``core.county``), for an actor at or below a
    county whose rows carry the county of the org they are scoped by: on one server it only
    repeats the path filter; distributed, it sends the query to the one shard that holds the
    county. Empty where it would not say the same (a city's actor spans counties; a row whose
    county follows another org than ``org_field``)."""
    org = getattr(actor, "org", None) if actor is not None else None
    county = subtree_county(org)
    if county is None:
        return Q()
    *hops, last = (org_field or "").split("__")
    holder = model
    for hop in hops:
        holder = holder._meta.get_field(hop).related_model
    field = next((f for f in holder._meta.concrete_fields if isinstance(f, CountyField)), None)
    if field is None or field.via != (last if org_field else ""):
        return Q()
    return Q(**{"__".join([*hops, "county_id"]): county})


def get_scoped(queryset: QuerySet, actor: User, org_field: str | None = "org", **lookup):
    """One row the actor may see, or ``NotFound``: the same for missing and forbidden."""
    try:
        return scope(queryset, actor, org_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise NotFound from exc


def org_in_scope(actor: User, org) -> bool:
    """Whether ``org`` lies in the actor's subtree (the actor's own org included)."""
    own = getattr(actor, "org", None)
    return bool(own is not None and org is not None and org.path.startswith(own.path))
