"""Every read of mutual aid that users see, scoped to the actor's subtree (plans and their
editions are a federation's public terms, read by everyone)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from gonghui.core.scoping import scope
from gonghui.mutualaid.models import (
    AidClaim,
    AidClaimAttachment,
    AidClaimBatch,
    AidEnrollment,
    AidEnrollmentBatch,
    AidPlan,
    AidPlanEdition,
)

C = AidClaim.Status


def plans_visible_to(actor) -> QuerySet[AidPlan]:
    """A plan's terms are published to the workers it is for: every member of staff reads
    every plan (running one is for a federation, within its own subtree)."""
    if actor is None or not getattr(actor, "is_active", False):
        return AidPlan.objects.none()
    return AidPlan.objects.select_related("org")


def plans_open_to(actor, *, closed_too: bool = False) -> QuerySet[AidPlan]:
    """The plans the actor's unions may enrol in: open, run by their federation or one above.
    ``closed_too`` for claims: a plan closed to new members still covers those enrolled."""
    own = getattr(actor, "org", None)
    if own is None or not getattr(actor, "is_active", False):
        return AidPlan.objects.none()
    found = AidPlan.objects.filter(
        Q(org__path__in=own.ancestor_paths()) | Q(org__path__startswith=own.path)
    )
    return (found if closed_too else found.filter(is_open=True)).select_related("org")


def editions_visible_to(actor) -> QuerySet[AidPlanEdition]:
    if actor is None or not getattr(actor, "is_active", False):
        return AidPlanEdition.objects.none()
    return AidPlanEdition.objects.select_related("plan__org")


def batches_visible_to(actor) -> QuerySet[AidEnrollmentBatch]:
    return scope(AidEnrollmentBatch.objects.all(), actor).select_related("org")


def enrollments_visible_to(actor) -> QuerySet[AidEnrollment]:
    return scope(AidEnrollment.objects.all(), actor).select_related(
        "plan", "person", "org", "batch"
    )


def enrollment_covering(actor, *, digest: bytes, plan: AidPlan, day: datetime.date):
    """The enrolment of the member with this ID number digest in ``plan`` whose period holds
    ``day``, within the actor's subtree (``None`` otherwise, as for nobody)."""
    return (
        enrollments_visible_to(actor)
        .filter(
            person__id_number_digest=digest,
            plan=plan,
            period_start__lte=day,
            period_end__gte=day,
        )
        .first()
    )


def claims_visible_to(actor) -> QuerySet[AidClaim]:
    return scope(AidClaim.objects.all(), actor).select_related(
        "person", "org", "enrollment__plan", "batch"
    )


def attachments_visible_to(actor) -> QuerySet[AidClaimAttachment]:
    """A claim's documents, served only within the claim's scope."""
    return scope(AidClaimAttachment.objects.select_related("claim__org"), actor, "claim__org")


def claim_batches_visible_to(actor) -> QuerySet[AidClaimBatch]:
    return scope(AidClaimBatch.objects.all(), actor).select_related("org")


def claims_waiting(actor, key: str, today: datetime.date) -> QuerySet[AidClaim]:
    """``claims.submit``: the union's own claims not yet submitted; ``claims.review``: claims
    submitted in the actor's subtree; ``claims.pay``: approved and in no payment batch."""
    own = getattr(actor, "org", None)
    if own is None:
        return AidClaim.objects.none()
    found = claims_visible_to(actor)
    if key == "claims.submit":
        return found.filter(status=C.DRAFT)
    if key == "claims.review":
        return found.filter(status=C.SUBMITTED)
    if key == "claims.pay":
        return found.filter(status=C.APPROVED, batch__isnull=True)
    return AidClaim.objects.none()


def batches_waiting(actor, key: str, today: datetime.date) -> QuerySet[AidEnrollmentBatch]:
    """``enrolment.premium``: rosters in the actor's subtree whose premium is not yet paid."""
    if key == "enrolment.premium":
        return batches_visible_to(actor).filter(status=AidEnrollmentBatch.Status.DRAFT)
    return AidEnrollmentBatch.objects.none()


def enrolment_progress(actor, year: int) -> list[dict]:
    """Per org directly beneath the actor's (and the actor's own): people enrolled in the
    year's paid batches against the target set for ``mutualaid.enrolled``, as the federation
    follows its townships."""
    from gonghui.orgs.models import Org
    from gonghui.reports.models import Target

    own = getattr(actor, "org", None)
    if own is None:
        return []
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    orgs = [own, *Org.objects.filter(parent=own).order_by("path")]
    targets = dict(
        Target.objects.filter(org__in=orgs, indicator="mutualaid.enrolled", year=year).values_list(
            "org_id", "value"
        )
    )
    from gonghui.reports.registry import all_indicators

    figure = all_indicators()["mutualaid.enrolled"]
    rows = []
    for org in orgs:
        enrolled = int(figure.value(org, start, end))
        target = targets.get(org.pk)
        if org != own and not enrolled and not target:
            continue  # nothing enrolled and nothing asked: not a line to follow
        rows.append(
            {
                "org": org,
                "enrolled": enrolled,
                "target": int(target) if target else None,
                "rate": round(enrolled * 100 / target) if target else None,
            }
        )
    # The actor's own first, then those given a target, then the others.
    return rows[:1] + sorted(rows[1:], key=lambda r: (r["target"] is None, r["org"].path))


def claim_progress(actor, claim: AidClaim) -> dict:
    """The step bar, who acts next and the steps the actor may take now."""
    from gonghui.core.selectors import record_history
    from gonghui.mutualaid.services import CLAIM

    history = record_history(actor, claim)
    passed = {(e.details or {}).get("from") for e in history if (e.details or {}).get("from")}
    return {
        "bar": CLAIM.progress(claim, passed),
        "next": CLAIM.next_hint(claim),
        "steps": CLAIM.available_steps(actor, claim),
        "waiting": [said for _step, said in CLAIM.waiting_steps(actor, claim)],
        "history": history,
    }
