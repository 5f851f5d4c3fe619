"""Every read of the union tree that users see, scoped to the actor's subtree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.policy import in_force
from gonghui.core.scoping import scope
from gonghui.orgs.models import Employer, Org, OrgPolicy, ServicePoint


def orgs_visible_to(actor) -> QuerySet[Org]:
    return scope(Org.objects.select_related("parent"), actor, org_field=None)


def org_choices(
    actor,
    *,
    min_level: int | None = None,
    max_level: int | None = None,
    groups: bool = False,
    own: bool = True,
) -> QuerySet[Org]:
    """The orgs an actor may pick in a form: active, in their subtree, in tree order; union
    groups (工会小组) only when asked for, their own org unless ``own`` is false (targets are
    set for the orgs beneath). Every org picker of the back office reads this one selector."""
    qs = scope(Org.objects.filter(is_active=True), actor, org_field=None)
    if min_level is not None:
        qs = qs.filter(level__gte=min_level)
    if max_level is not None:
        qs = qs.filter(level__lte=max_level)
    if not groups:
        qs = qs.exclude(level=Org.Level.GROUP)
    if not own and getattr(actor, "org_id", None):
        qs = qs.exclude(pk=actor.org_id)
    return qs.order_by("path")


def employers_visible_to(actor) -> QuerySet[Employer]:
    return scope(Employer.objects.select_related("org", "union"), actor)


def service_points_visible_to(actor) -> QuerySet[ServicePoint]:
    return scope(ServicePoint.objects.select_related("org"), actor)


def reelection_due_days(org: Org | None, today: datetime.date) -> int:
    """From how many days before a term ends its re-election is due, by the rule in force for
    the org's region (``OrgPolicy``), or the usual 180 days."""
    policy = in_force(OrgPolicy.objects.all(), region_of(org), today) if org is not None else None
    if policy is None:
        return OrgPolicy.DEFAULT_REELECTION_DUE_WITHIN_DAYS
    return policy.reelection_due_within_days


def org_policies_visible_to(actor) -> QuerySet[OrgPolicy]:
    """A region's organisation rules are public numbers: every member of staff reads them."""
    if actor is None or not getattr(actor, "is_active", False):
        return OrgPolicy.objects.none()
    return OrgPolicy.objects.all()


def reelection_q(
    status: str,
    today: datetime.date,
    due_within_days: int = OrgPolicy.DEFAULT_REELECTION_DUE_WITHIN_DAYS,
) -> Q:
    """Filter orgs by the derived re-election status of their committee."""
    due_by = today + datetime.timedelta(days=due_within_days)
    if status == Org.ReelectionStatus.OVERDUE:
        return Q(term_ends_on__lt=today)
    if status == Org.ReelectionStatus.DUE:
        return Q(term_ends_on__gte=today, term_ends_on__lte=due_by)
    if status == Org.ReelectionStatus.OK:
        return Q(term_ends_on__gt=due_by)
    return Q(term_ends_on__isnull=True)


@dataclass
class TreeNode:
    org: Org
    children: list[TreeNode] = field(default_factory=list)
    employers: int = 0
    service_points: int = 0


def org_tree(actor, root: Org | None = None) -> TreeNode | None:
    """The actor's subtree (or a part of it below ``root``) as nested nodes, in three queries."""
    top = root if root is not None else getattr(actor, "org", None)
    if top is None:
        return None
    orgs = list(orgs_visible_to(actor).filter(path__startswith=top.path).order_by("path"))
    if not orgs:
        return None
    ids = [o.pk for o in orgs]
    employers = dict(
        Employer.objects.filter(org_id__in=ids, is_active=True)
        .values_list("org")
        .annotate(n=Count("id"))
    )
    points = dict(
        ServicePoint.objects.filter(org_id__in=ids, is_active=True)
        .values_list("org")
        .annotate(n=Count("id"))
    )
    nodes = {
        o.pk: TreeNode(o, employers=employers.get(o.pk, 0), service_points=points.get(o.pk, 0))
        for o in orgs
    }
    for o in orgs:
        if o.pk != orgs[0].pk and o.parent_id in nodes:
            nodes[o.parent_id].children.append(nodes[o.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.org.level, n.org.code))
    return nodes[orgs[0].pk]


@dataclass
class OrgOverview:
    """What the home dashboard shows for one org's subtree."""

    org: Org
    unions_by_level: list[tuple[str, int]]
    unions_by_kind: list[tuple[str, int]]
    employers_total: int
    employers_with_union: int
    employers_without_union: int
    headcount_total: int
    headcount_without_union: int
    service_points_by_kind: list[tuple[str, int]]
    service_points_total: int
    reelection_due: list[Org]
    reelection_overdue: list[Org]
    reelection_due_count: int
    reelection_overdue_count: int

    @property
    def unions_total(self) -> int:
        return sum(n for _label, n in self.unions_by_level)

    @property
    def coverage_percent(self) -> str:
        """Share of employers with their own union (建会率), one decimal at most."""
        if not self.employers_total:
            return "—"
        rate = round(100 * self.employers_with_union / self.employers_total, 1)
        return f"{rate:g}%"


def org_overview(
    actor, today: datetime.date, org: Org | None = None, limit: int = 10
) -> OrgOverview:
    """Counts over the subtree of ``org`` (default: the actor's own), set-based, no per-org loop."""
    org = org or actor.org
    below = orgs_visible_to(actor).filter(path__startswith=org.path, is_active=True)
    levels = dict(Org.Level.choices)
    kinds = dict(Org.Kind.choices)
    by_level = (
        below.exclude(pk=org.pk).values_list("level").annotate(n=Count("id")).order_by("level")
    )
    by_kind = (
        below.filter(level__gte=Org.Level.GRASSROOTS)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    employers = employers_visible_to(actor).filter(org__path__startswith=org.path, is_active=True)
    emp = employers.aggregate(
        total=Count("id"),
        with_union=Count("id", filter=Q(union__isnull=False)),
    )
    heads = employers.aggregate(
        all=Sum("headcount"),
        without=Sum("headcount", filter=Q(union__isnull=True)),
    )
    points = service_points_visible_to(actor).filter(org__path__startswith=org.path, is_active=True)
    point_kinds = dict(ServicePoint.Kind.choices)
    by_point = points.values_list("kind").annotate(n=Count("id")).order_by("-n")
    within = reelection_due_days(org, today)
    due = below.filter(reelection_q(Org.ReelectionStatus.DUE, today, within)).order_by(
        "term_ends_on"
    )
    overdue = below.filter(reelection_q(Org.ReelectionStatus.OVERDUE, today, within)).order_by(
        "term_ends_on"
    )
    return OrgOverview(
        org=org,
        unions_by_level=[(levels[lv], n) for lv, n in by_level],
        unions_by_kind=[(kinds[k], n) for k, n in by_kind],
        employers_total=emp["total"],
        employers_with_union=emp["with_union"],
        employers_without_union=emp["total"] - emp["with_union"],
        headcount_total=heads["all"] or 0,
        headcount_without_union=heads["without"] or 0,
        service_points_by_kind=[(point_kinds[k], n) for k, n in by_point],
        service_points_total=sum(n for _k, n in by_point),
        reelection_due=list(due[:limit]),
        reelection_overdue=list(overdue[:limit]),
        reelection_due_count=due.count(),
        reelection_overdue_count=overdue.count(),
    )


def region_of(org: Org) -> str:
    """The region code of an org, or of its nearest ancestor that has one ("" if none)."""
    if org.region_code:
        return org.region_code
    code = (
        Org.objects.filter(path__in=org.ancestor_paths())
        .exclude(region_code="")
        .order_by("-level")
        .values_list("region_code", flat=True)
        .first()
    )
    return code or ""


def orgs_waiting(actor, key: str, today: datetime.date) -> QuerySet[Org]:
    """To-do ``orgs.reelection``: active unions of the actor's subtree (its own included) whose
    committee's term has ended without a re-election recorded."""
    if key != "orgs.reelection":
        return Org.objects.none()
    return orgs_visible_to(actor).filter(
        reelection_q(Org.ReelectionStatus.OVERDUE, today), is_active=True
    )
