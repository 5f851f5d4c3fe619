"""Every read of assistance that users see, scoped to the actor's subtree.

A campaign is seen by everyone in its organiser's subtree (they apply to it) and by the
organiser's ancestors; grants, files and relief by the subtree of their own org.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import (
    Campaign,
    Grant,
    GroupRelief,
    HardshipFile,
    PaymentBatch,
)
from gonghui.assistance.services import REVIEW_EVERY
from gonghui.core import idnumbers
from gonghui.core.scoping import scope, subtree_q
from gonghui.orgs.models import Org

NOT_ON_FILE = gettext_lazy("Not on file")


def campaigns_visible_to(actor) -> QuerySet[Campaign]:
    own = getattr(actor, "org", None)
    if own is None or not getattr(actor, "is_active", False):
        return Campaign.objects.none()
    ancestors = [own.path[: i + 1] for i, ch in enumerate(own.path) if ch == "/"]
    # Campaigns organised within the actor's subtree, or above it (the actor applies to them).
    return Campaign.objects.filter(subtree_q(actor) | Q(org__path__in=ancestors)).select_related(
        "org"
    )


def campaign_get(actor, pk) -> Campaign:
    return _get(campaigns_visible_to(actor), pk)


def _get(queryset, pk):
    from gonghui.core.errors import NotFound

    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def grants_visible_to(actor) -> QuerySet[Grant]:
    return scope(Grant.objects.all(), actor).select_related("campaign", "person", "org")


def files_visible_to(actor) -> QuerySet[HardshipFile]:
    return scope(HardshipFile.objects.all(), actor).select_related("applicant", "org")


def reliefs_visible_to(actor) -> QuerySet[GroupRelief]:
    return scope(GroupRelief.objects.all(), actor).select_related("campaign", "org")


def batches_visible_to(actor) -> QuerySet[PaymentBatch]:
    return scope(PaymentBatch.objects.all(), actor).select_related("campaign", "org")


def review_q(state: str, today: datetime.date | None = None) -> Q:
    """Open files whose yearly review is overdue, or due within 60 days."""
    today = today or timezone.localdate()
    open_files = Q(status__in=HardshipFile.OPEN)
    if state == "overdue":
        return open_files & Q(reviewed_on__lt=today - REVIEW_EVERY)
    if state == "due":
        return open_files & Q(
            reviewed_on__gte=today - REVIEW_EVERY,
            reviewed_on__lt=today - REVIEW_EVERY + datetime.timedelta(days=60),
        )
    return Q()


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the surname and the length, as notices print names."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def notice_rows(actor, campaign: Campaign) -> list[dict]:
    """The public notice (公示) list: grants on notice, names and IDs masked."""
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE

    c = cipher()
    rows = []
    grants = (
        grants_visible_to(actor)
        .filter(campaign=campaign, status=Grant.Status.NOTICED)
        .select_related("person", "org")
        .order_by("org__path", "person__name")
    )
    for g in grants:
        rows.append(
            {
                "org": g.org.name,
                "name": masked_name(g.person.name),
                "id_number": idnumbers.mask(c.decrypt(g.person.id_number, ID_PURPOSE)),
                "student": masked_name(g.student_name),
                "school_level": g.get_school_level_display() if g.school_level else "",
                "category": g.get_category_display() if g.category else "",
                "amount": g.amount,
                "notice_ends_on": g.notice_ends_on,
            }
        )
    return rows


@dataclass
class Figures:
    """Money and people of a campaign within one part of the tree."""

    label: str
    org_id: int | None = None
    committed: Decimal = Decimal(0)  # approved + paid
    paid: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)  # submitted, reviewed, on notice
    people: int = 0  # distinct recipients approved or paid
    grants: int = 0
    relief_people: int = 0
    relief_amount: Decimal = Decimal(0)


@dataclass
class CampaignDashboard:
    campaign: Campaign
    root: Org
    total: Figures
    by_org: list[Figures] = field(default_factory=list)
    by_category: list[Figures] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.campaign.budget - self.total.committed


def _figures(grants: QuerySet, reliefs: QuerySet, label: str, org_id=None) -> Figures:
    money = grants.aggregate(
        committed=Sum("cash_amount", filter=Q(status__in=Grant.COMMITTED))
        + Sum("goods_value", filter=Q(status__in=Grant.COMMITTED)),
        paid=Sum("cash_amount", filter=Q(status="paid"))
        + Sum("goods_value", filter=Q(status="paid")),
        pending=Sum("cash_amount", filter=Q(status__in=("submitted", "reviewed", "noticed")))
        + Sum("goods_value", filter=Q(status__in=("submitted", "reviewed", "noticed"))),
        people=Count("person", filter=Q(status__in=Grant.COMMITTED), distinct=True),
        grants=Count("id", filter=Q(status__in=Grant.COMMITTED)),
    )
    relief = reliefs.aggregate(
        n=Sum("headcount"), cash=Sum("cash_amount"), goods=Sum("goods_value")
    )
    return Figures(
        label=label,
        org_id=org_id,
        committed=money["committed"] or Decimal(0),
        paid=money["paid"] or Decimal(0),
        pending=money["pending"] or Decimal(0),
        people=money["people"] or 0,
        grants=money["grants"] or 0,
        relief_people=relief["n"] or 0,
        relief_amount=(relief["cash"] or Decimal(0)) + (relief["goods"] or Decimal(0)),
    )


def campaign_dashboard(actor, campaign: Campaign, root: Org | None = None) -> CampaignDashboard:
    """Budget, committed, paid and people of a campaign for the actor's part of the tree, then
    per child org (each with its whole subtree) and per hardship category.

    One aggregate query per row of the table (children of one org, a dozen or so), each over
    an indexed subtree prefix: never a query per grant.
    """
    own = actor.org
    root = root if root is not None and root.path.startswith(own.path) else own
    if not root.path.startswith(own.path):
        root = own
    grants = Grant.objects.filter(campaign=campaign, org__path__startswith=root.path)
    reliefs = GroupRelief.objects.filter(campaign=campaign, org__path__startswith=root.path)
    board = CampaignDashboard(campaign, root, _figures(grants, reliefs, root.name, root.pk))
    for child in Org.objects.filter(parent=root).order_by("code"):
        figures = _figures(
            grants.filter(org__path__startswith=child.path),
            reliefs.filter(org__path__startswith=child.path),
            child.name,
            child.pk,
        )
        if figures.committed or figures.pending or figures.relief_people:
            board.by_org.append(figures)
    own_level = _figures(grants.filter(org=root), reliefs.filter(org=root), root.name, root.pk)
    if own_level.committed or own_level.pending or own_level.relief_people:
        board.by_org.insert(0, own_level)
    for code, label in HardshipFile._meta.get_field("category").choices:
        figures = _figures(grants.filter(category=code), reliefs.none(), str(label))
        if figures.committed or figures.pending:
            board.by_category.append(figures)
    uncategorised = _figures(grants.filter(category=""), reliefs.none(), str(NOT_ON_FILE))
    if uncategorised.committed or uncategorised.pending:
        board.by_category.append(uncategorised)
    return board
