"""Every read of the services-to-workers area that users see, scoped to the actor's subtree.

A record is seen by the users of the union it belongs to and of every union above: a batch by
its organiser's subtree; places given and nominations also by the union they went to (a
township sees the places it was given in the county's batch, and whom it nominated)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.scoping import scope
from gonghui.orgs.models import ServicePoint
from gonghui.services.models import (
    ChildcareChild,
    ChildcareClass,
    LoanInstalment,
    MemberOffer,
    OfferUse,
    PointNomination,
    Recuperation,
    RecuperationParticipant,
    RecuperationQuota,
    StartupLoan,
)


def recuperations_visible_to(actor) -> QuerySet[Recuperation]:
    return scope(Recuperation.objects.select_related("org", "base"), actor)


def quotas_visible_to(actor) -> QuerySet[RecuperationQuota]:
    return scope(RecuperationQuota.objects.select_related("recuperation", "org"), actor)


def participants_visible_to(actor) -> QuerySet[RecuperationParticipant]:
    return scope(RecuperationParticipant.objects.select_related("recuperation__org", "org"), actor)


def batch_places(recuperation: Recuperation) -> list[dict]:
    """Each union's places in a batch beside how many it has nominated and had confirmed, for
    the batch's page (which the organiser sees whole)."""
    counts = {
        row["org"]: row
        for row in recuperation.participants.values("org").annotate(
            nominated=Count("id", filter=~Q(status=RecuperationParticipant.Status.NOT_CHOSEN)),
            confirmed=Count("id", filter=Q(status=RecuperationParticipant.Status.CONFIRMED)),
        )
    }
    rows = []
    for quota in recuperation.quotas.select_related("org").order_by("org__path"):
        found = counts.get(quota.org_id, {})
        rows.append(
            {
                "org": quota.org,
                "places": quota.places,
                "nominated": found.get("nominated", 0),
                "confirmed": found.get("confirmed", 0),
            }
        )
    return rows


def recuperations_open_to(actor) -> QuerySet[Recuperation]:
    """The batches taking nominations in which a union of the actor's subtree has places: what
    a nomination's form offers."""
    quotas = quotas_visible_to(actor).filter(recuperation__status=Recuperation.Status.NOMINATING)
    return Recuperation.objects.filter(pk__in=quotas.values("recuperation")).order_by("starts_on")


def recuperation_bases_choosable(actor) -> QuerySet[ServicePoint]:
    """The recuperation bases of the actor's subtree that are in use, for a batch's form."""
    return scope(
        ServicePoint.objects.filter(kind=ServicePoint.Kind.RECUPERATION_BASE, is_active=True),
        actor,
    )


def nominations_waiting(actor, key: str, today: datetime.date) -> QuerySet:
    """To-dos: the nominations of batches the actor organises, waiting for a decision."""
    del key, today
    organised = scope(Recuperation.objects.all(), actor).filter(
        status=Recuperation.Status.NOMINATING
    )
    return participants_visible_to(actor).filter(
        recuperation__in=organised, status=RecuperationParticipant.Status.NOMINATED
    )


def classes_visible_to(actor) -> QuerySet[ChildcareClass]:
    return scope(
        ChildcareClass.objects.select_related("org").annotate(enrolled=Count("children")),
        actor,
    )


def children_visible_to(actor) -> QuerySet[ChildcareChild]:
    return scope(
        ChildcareChild.objects.select_related("childcare_class__org"),
        actor,
        "childcare_class__org",
    )


def loans_visible_to(actor) -> QuerySet[StartupLoan]:
    return scope(StartupLoan.objects.select_related("org"), actor)


def loan_balance(loan: StartupLoan, on: datetime.date) -> dict:
    """What is owed on a loan on a day: still outstanding, of which overdue (instalments due
    before that day and not repaid by it), and repaid so far."""
    if loan.disbursed_on is None or loan.disbursed_on > on:
        return {"outstanding": 0, "overdue": 0, "repaid": 0}
    instalments = loan.instalments.all()
    unpaid = Q(repaid_on__isnull=True) | Q(repaid_on__gt=on)
    gone = loan.written_off_on is not None and loan.written_off_on <= on
    sums = instalments.aggregate(
        outstanding=Sum("amount", filter=unpaid),
        overdue=Sum("amount", filter=unpaid & Q(due_on__lt=on)),
        repaid=Sum("amount", filter=~unpaid),
    )
    return {
        "outstanding": 0 if gone else sums["outstanding"] or 0,
        "overdue": 0 if gone else sums["overdue"] or 0,
        "repaid": sums["repaid"] or 0,
    }


def loans_overdue(actor, key: str, today: datetime.date) -> QuerySet[StartupLoan]:
    """To-dos: loans being repaid with an instalment past due, for the union to follow up."""
    del key
    late = LoanInstalment.objects.filter(repaid_on__isnull=True, due_on__lt=today)
    return loans_visible_to(actor).filter(
        status=StartupLoan.Status.DISBURSED, pk__in=late.values("loan")
    )


def offers_visible_to(actor) -> QuerySet[MemberOffer]:
    return scope(
        MemberOffer.objects.select_related("org").annotate(
            uses_total=Sum("uses__person_times"), value_total=Sum("uses__value")
        ),
        actor,
    )


def offer_uses_visible_to(actor) -> QuerySet[OfferUse]:
    return scope(OfferUse.objects.select_related("offer__org"), actor, "offer__org")


def point_nominations_visible_to(actor) -> QuerySet[PointNomination]:
    return scope(PointNomination.objects.select_related("org", "point"), actor)


def points_nominable(actor) -> QuerySet[ServicePoint]:
    """The service points of the actor's subtree still in use, for a nomination's form."""
    return scope(ServicePoint.objects.filter(is_active=True), actor).select_related("org")


def point_investment(point: ServicePoint) -> dict:
    """What a service point received from the funds journal: paid allocations that name it."""
    from gonghui.funds.models import Allocation

    paid = point.allocations.filter(status=Allocation.Status.PAID)
    found = paid.aggregate(total=Sum("amount"), times=Count("id"))
    return {"total": found["total"] or 0, "times": found["times"]}


def recognitions_conferred(root, start: datetime.date, end: datetime.date) -> list[tuple]:
    """The titles the subtree's service points were conferred in the period, the highest
    level first, with how many ("全国最美工会户外劳动者服务站点", 1): what the report names."""
    from gonghui.services.services import RECOGNITION_RANK

    rows = (
        PointNomination.objects.filter(
            org__path__startswith=root.path,
            status=PointNomination.Status.CONFERRED,
            decided_on__gte=start,
            decided_on__lte=end,
        )
        .values("level", "title")
        .annotate(n=Count("id"))
    )
    ranked = sorted(rows, key=lambda r: (-RECOGNITION_RANK[r["level"]], r["title"]))
    return [(r["title"], r["n"]) for r in ranked]


# How the report names a level before what was put forward for it ("推荐全国职工书屋…").
LEVEL_WORDS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}


def nominated_kinds(root, start: datetime.date, end: datetime.date) -> tuple[str, list[str]]:
    """What the subtree put forward for recognition in the period: the level's word when all
    went for one level ("全国", else ""), and the kinds of point, in the kinds' order."""
    rows = PointNomination.objects.filter(
        org__path__startswith=root.path, nominated_on__gte=start, nominated_on__lte=end
    )
    levels = set(rows.values_list("level", flat=True))
    kinds = set(rows.values_list("point__kind", flat=True))
    labels = [str(label) for kind, label in ServicePoint.Kind.choices if kind in kinds]
    return (LEVEL_WORDS[levels.pop()] if len(levels) == 1 else ""), labels
