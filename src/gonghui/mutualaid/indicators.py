"""Mutual medical aid (职工医疗互助): plans run, employers and people covered (by plan kind),
premiums collected, claims and payouts."""

from django.db.models import Count, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.mutualaid.models import (
    AidClaim,
    AidEnrollment,
    AidEnrollmentBatch,
    AidPlan,
    PlanKind,
)

M = WorkArea.MUTUAL_AID
PLANS = "admin:mutualaid_aidplan_changelist"
ENROLLED = "admin:mutualaid_aidenrollment_changelist"
BATCHES = "admin:mutualaid_aidenrollmentbatch_changelist"
CLAIMS = "admin:mutualaid_aidclaim_changelist"
SECTION = "said in the section's sentence on enrolment"


def _covered_at(end):
    # Covered on the period's last day, by a roster whose premium was paid: a stock, like the
    # member count, so a three-year plan joined last year still counts this year.
    return Q(period_end__gte=end, batch__status="paid")


def _enrolled(key, name, unit, measure, kind: str = "", **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        M,
        AidEnrollment.objects.all,
        "org",
        STOCK,
        "period_start",
        measure=measure,
        as_of=_covered_at,
        records=(
            ENROLLED,
            {"batch__status__exact": "paid", **({"plan__kind__exact": kind} if kind else {})},
        ),
        where=(lambda: Q(plan__kind=kind)) if kind else None,
        **more,
    )


def _paid(key, name, unit, measure, **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        M,
        AidClaim.objects.all,
        "org",
        date_field="paid_on",
        measure=measure,
        records=(CLAIMS, {"status__exact": "paid"}),
        where=lambda: Q(status="paid"),
        **more,
    )


INDICATORS = [
    Indicator(
        "mutualaid.plans",
        _("Mutual-aid plans run"),
        "个",
        M,
        AidPlan.objects.all,
        "org",
        STOCK,
        records=(PLANS, {}),
        leave_out=SECTION,
    ),
    _enrolled(
        "mutualaid.employers",
        _("Employers enrolled in mutual aid"),
        "户",
        Count("org", distinct=True),
        leave_out=SECTION,
    ),
    _enrolled(
        "mutualaid.enrolled",
        _("Workers covered by mutual aid"),
        "人",
        Count("person", distinct=True),
        phrase="组织职工参加互助保障{n}",
    ),
    *[
        _enrolled(
            f"mutualaid.enrolled.{kind}",
            format_lazy(_("Covered by mutual aid: {kind}"), kind=label),
            "人",
            Count("person", distinct=True),
            kind,
            said_with="mutualaid.enrolled",
        )
        for kind, label in PlanKind.choices
    ],
    Indicator(
        "mutualaid.premiums",
        _("Mutual-aid premiums collected"),
        "元",
        M,
        AidEnrollmentBatch.objects.all,
        "org",
        date_field="paid_on",
        measure=Sum("premium"),
        records=(BATCHES, {"status__exact": "paid"}),
        where=lambda: Q(status="paid"),
        phrase="收缴互助保障会费{n}",
    ),
    _paid(
        "mutualaid.payouts.people",
        _("Workers paid mutual aid"),
        "人",
        Count("person", distinct=True),
        said_with="mutualaid.payouts.amount",
    ),
    _paid(
        "mutualaid.payouts.times",
        _("Mutual-aid payouts (person-times)"),
        "人次",
        Count("id"),
        said_with="mutualaid.payouts.amount",
        leave_out="said as 共N人次 after the workers paid only where some were paid more "
        "than once; otherwise it is the number of workers paid",
    ),
    _paid(
        "mutualaid.payouts.amount",
        _("Mutual aid paid"),
        "元",
        Sum("payout"),
        phrase="发放互助金{n}",
    ),
    Indicator(
        "mutualaid.claims.filed",
        _("Mutual-aid claims filed"),
        "件",
        M,
        AidClaim.objects.all,
        "org",
        date_field="created_at__date",
        records=(CLAIMS, {}),
        where=lambda: ~Q(status="draft"),
        phrase="受理互助保障理赔申请{n}",
    ),
    Indicator(
        "mutualaid.claims.rejected",
        _("Mutual-aid claims refused"),
        "件",
        M,
        AidClaim.objects.all,
        "org",
        date_field="decided_on",
        records=(CLAIMS, {"status__exact": "rejected"}),
        where=lambda: Q(status="rejected"),
        said_with="mutualaid.claims.filed",
    ),
]
