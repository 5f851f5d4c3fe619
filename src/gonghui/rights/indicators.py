"""Collective contracts (集体合同): signed in the period with the employers and workers they
cover, in force at its end, and the signing rates among employers with a union, in the seeds'
words: "签订集体合同90份，覆盖企业183户、职工4972人" and "女职工专项集体合同签订率达100%"."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, Rate, WorkArea
from gonghui.rights.models import (
    SETTLED_STATUSES,
    SIGNED_STATUSES,
    CollectiveContract,
    CongressMeeting,
    DisputeCase,
    DisputeChannel,
    DisputeType,
    HotlineCall,
    LegalAidCase,
    WorkersCongress,
)

R = WorkArea.RIGHTS
CONTRACTS = "admin:rights_collectivecontract_changelist"
SECTION = "said in the section's sentence on collective contracts"
# A contract running out within this many days after the period is said to expire soon.
EXPIRING_DAYS = 90


def _covered():
    return CollectiveContract.employers.through.objects.all()


def _signed(key, name, unit, measure, subject="", **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        R,
        CollectiveContract.objects.all,
        "org",
        date_field="signed_on",
        measure=measure,
        records=(
            CONTRACTS,
            {"signed": "yes", **({"subject__exact": subject} if subject else {})},
        ),
        where=(lambda: Q(status__in=SIGNED_STATUSES) & (Q(subject=subject) if subject else Q())),
        **more,
    )


def _employers_signed(key, name, subject="", **more) -> Indicator:
    return Indicator(
        key,
        name,
        "户",
        R,
        _covered,
        "collectivecontract__org",
        date_field="collectivecontract__signed_on",
        measure=Count("employer", distinct=True),
        records=(
            CONTRACTS,
            {"signed": "yes", **({"subject__exact": subject} if subject else {})},
        ),
        where=lambda: (
            Q(collectivecontract__status__in=SIGNED_STATUSES)
            & (Q(collectivecontract__subject=subject) if subject else Q())
        ),
        **more,
    )


def _in_force_at(end):
    return Q(collectivecontract__expires_on__gte=end)


def _employers_in_force(key, name, subject="") -> Indicator:
    # Among employers with a union: the denominator of the signing rate.
    return Indicator(
        key,
        name,
        "家",
        R,
        _covered,
        "collectivecontract__org",
        STOCK,
        "collectivecontract__effective_from",
        measure=Count("employer", distinct=True),
        as_of=_in_force_at,
        records=(
            CONTRACTS,
            {"in_force": "yes", **({"subject__exact": subject} if subject else {})},
        ),
        where=lambda: (
            Q(collectivecontract__status="in_force", employer__union__isnull=False)
            & (Q(collectivecontract__subject=subject) if subject else Q())
        ),
        leave_out=SECTION,
    )


INDICATORS = [
    _signed(
        "rights.contracts",
        _("Collective contracts signed"),
        "份",
        Count("id"),
        phrase="签订集体合同{n}",
    ),
    _employers_signed(
        "rights.contracts.employers",
        _("Employers covered by contracts signed"),
        said_with="rights.contracts",
    ),
    _signed(
        "rights.contracts.workers",
        _("Workers covered by contracts signed"),
        "人",
        Sum("workers_covered"),
        said_with="rights.contracts",
    ),
    _signed(
        "rights.contracts.women",
        _("Women workers' special contracts signed"),
        "份",
        Count("id"),
        "women",
        said_with="rights.contracts",
    ),
    _employers_signed(
        "rights.contracts.women.employers",
        _("Employers covered by women workers' special contracts signed"),
        "women",
        said_with="rights.contracts",
    ),
    _signed(
        "rights.contracts.women.workers",
        _("Women workers covered by special contracts signed"),
        "人",
        Sum("women_covered"),
        "women",
        said_with="rights.contracts",
    ),
    _signed(
        "rights.contracts.wage",
        _("Wage agreements signed"),
        "份",
        Count("id"),
        "wage",
        said_with="rights.contracts",
    ),
    Indicator(
        "rights.contracts.in_force",
        _("Collective contracts in force"),
        "份",
        R,
        CollectiveContract.objects.all,
        "org",
        STOCK,
        "effective_from",
        as_of=lambda end: Q(expires_on__gte=end),
        records=(CONTRACTS, {"in_force": "yes"}),
        where=lambda: Q(status="in_force"),
        leave_out=SECTION,
    ),
    Indicator(
        "rights.contracts.expiring",
        _("Contracts in force expiring within three months"),
        "份",
        R,
        CollectiveContract.objects.all,
        "org",
        STOCK,
        "effective_from",
        as_of=lambda end: Q(
            expires_on__gte=end, expires_on__lte=end + datetime.timedelta(days=EXPIRING_DAYS)
        ),
        records=(CONTRACTS, {"in_force": "yes"}),
        where=lambda: Q(status="in_force"),
        leave_out="a working figure for the federation's renewals, not a sentence of the report",
    ),
    _employers_in_force(
        "rights.employers.covered", _("Employers with a union covered by a contract in force")
    ),
    _employers_in_force(
        "rights.employers.covered.women",
        _("Employers with a union covered by a women workers' special contract in force"),
        "women",
    ),
]

CASES = "admin:rights_disputecase_changelist"


def _cases(
    key, name, unit, date_field, measure=None, settled=False, where=None, params=None, **more
) -> Indicator:
    if settled:
        where = lambda: Q(status__in=SETTLED_STATUSES)  # noqa: E731
    return Indicator(
        key,
        name,
        unit,
        R,
        DisputeCase.objects.all,
        "org",
        date_field=date_field,
        measure=measure if measure is not None else Count("id"),
        records=(CASES, params or ({"stage": "settled"} if settled else {})),
        where=where,
        **more,
    )


# Labour-dispute mediation, in the seeds' words: "诉调对接调解劳动争议23件，为职工挽回经济损失
# X万元". The cases the rooms took on in the period; those settled by an agreement in it, and
# what the agreements recovered.
INDICATORS += [
    _cases(
        "rights.cases",
        _("Labour disputes taken into mediation"),
        "件",
        "received_on",
        phrase="调解劳动争议{n}",
    ),
    _cases(
        "rights.cases.settled",
        _("Labour disputes settled by mediation"),
        "件",
        "closed_on",
        settled=True,
        said_with="rights.cases",
    ),
    _cases(
        "rights.cases.recovered",
        _("Amounts recovered for workers by mediation"),
        "元",
        "closed_on",
        Sum("amount_recovered"),
        settled=True,
        said_with="rights.cases",
    ),
    _cases(
        "rights.cases.court",
        _("Labour disputes referred by the court"),
        "件",
        "received_on",
        where=lambda: Q(channel="court"),
        params={"channel__exact": "court"},
        said_with="rights.cases",
    ),
]

AIDS = "admin:rights_legalaidcase_changelist"


def _aid(key, name, unit, measure, **more) -> Indicator:
    # Granted in the period (a lawyer assigned), whatever came of it since.
    return Indicator(
        key,
        name,
        unit,
        R,
        LegalAidCase.objects.all,
        "org",
        date_field="granted_on",
        measure=measure,
        records=(AIDS, {}),
        where=lambda: Q(status__in=["granted", "closed"]),
        **more,
    )


# The cases by channel, type and outcome: the statistics table's breakdown of the sentence's
# total, each opening its cases.
BREAKDOWN = "a breakdown for the statistics table; the report says the total"
INDICATORS += [
    *[
        _cases(
            f"rights.cases.channel.{value}",
            label,
            "件",
            "received_on",
            where=(lambda v=value: Q(channel=v)),
            params={"channel__exact": value},
            leave_out=BREAKDOWN,
        )
        for value, label in DisputeChannel.choices
        if value != "court"
    ],
    *[
        _cases(
            f"rights.cases.type.{value}",
            label,
            "件",
            "received_on",
            where=(lambda v=value: Q(dispute_type=v)),
            params={"dispute_type__exact": value},
            leave_out=BREAKDOWN,
        )
        for value, label in DisputeType.choices
    ],
    *[
        _cases(
            f"rights.cases.{value}",
            label,
            "件",
            "closed_on",
            where=(lambda v=value: Q(status=v)),
            params={"status__exact": value},
            leave_out=BREAKDOWN,
        )
        for value, label in (
            (DisputeCase.Status.WITHDRAWN, DisputeCase.Status.WITHDRAWN.label),
            (DisputeCase.Status.REFERRED, DisputeCase.Status.REFERRED.label),
        )
    ],
]

# Legal aid, in the ledger's words: "提供法律援助12件，受益职工30人".
INDICATORS += [
    _aid(
        "rights.legal_aid",
        _("Legal aid cases granted"),
        "件",
        Count("id"),
        phrase="提供法律援助{n}",
    ),
    _aid(
        "rights.legal_aid.workers",
        _("Workers helped by legal aid"),
        "人",
        Sum("workers_involved"),
        said_with="rights.legal_aid",
    ),
    Indicator(
        "rights.legal_aid.recovered",
        _("Amounts recovered for workers by legal aid"),
        "元",
        R,
        LegalAidCase.objects.all,
        "org",
        date_field="closed_on",
        measure=Sum("amount_recovered"),
        records=(AIDS, {"status__exact": "closed"}),
        where=lambda: Q(status="closed"),
        said_with="rights.legal_aid",
    ),
]

CALLS = "admin:rights_hotlinecall_changelist"
# The 12351 hotline: "受理12351职工服务热线来电N件", of them taken into mediation or legal aid.
INDICATORS += [
    Indicator(
        "rights.calls",
        _("12351 hotline calls"),
        "件",
        R,
        HotlineCall.objects.all,
        "org",
        date_field="received_at__date",
        records=(CALLS, {}),
        phrase="受理12351职工服务热线来电{n}",
    ),
    Indicator(
        "rights.calls.taken_on",
        _("Hotline calls taken into mediation or legal aid"),
        "件",
        R,
        HotlineCall.objects.all,
        "org",
        date_field="received_at__date",
        records=(CALLS, {}),
        where=lambda: Q(handling__in=["mediation", "legal_aid"]),
        said_with="rights.calls",
    ),
]

CONGRESSES = "admin:rights_workerscongress_changelist"
SESSIONS = "admin:rights_congressmeeting_changelist"


def _overdue_at(end: datetime.date) -> Q:
    """Standing at ``end`` without a session in its calendar year up to it."""
    from gonghui.rights.selectors import met_in_year

    return ~Q(met_in_year(end.year, end))


# Workers' congresses and open management, in the seeds' words: "全市234家企业召开职工代表大会"
# (the employers whose congress sat in the period), the employers that disclosed to it (厂务公开),
# the systems standing at the period's end and those without a session in its year.
INDICATORS += [
    Indicator(
        "rights.congresses",
        _("Employers with a workers' congress system"),
        "家",
        R,
        WorkersCongress.objects.all,
        "org",
        STOCK,
        "established_on",
        records=(CONGRESSES, {}),
    ),
    Indicator(
        "rights.congresses.held",
        _("Employers whose workers' congress sat"),
        "家",
        R,
        CongressMeeting.objects.all,
        "org",
        date_field="held_on",
        measure=Count("congress__employer", distinct=True),
        records=(SESSIONS, {}),
        phrase="指导{n}单位召开职工代表大会",
    ),
    Indicator(
        "rights.open_management",
        _("Employers that disclosed to their workers (open management)"),
        "家",
        R,
        CongressMeeting.objects.all,
        "org",
        date_field="held_on",
        measure=Count("congress__employer", distinct=True),
        records=(SESSIONS, {}),
        where=lambda: ~Q(disclosures=[]),
        said_with="rights.congresses.held",
    ),
    Indicator(
        "rights.congresses.overdue",
        _("Workers' congresses without a session in the year"),
        "家",
        R,
        WorkersCongress.objects.all,
        "org",
        STOCK,
        "established_on",
        as_of=_overdue_at,
        records=(CONGRESSES, {"session": "overdue"}),
        said_with="rights.congresses",
    ),
]

RATES = [
    Rate(
        "rights.contracts.rate",
        "集体合同签订率",
        "rights.employers.covered",
        "orgs.employers_with_union",
        R,
        phrase="集体合同签订率达{r}",
        full="已建会企业均已签订集体合同",
    ),
    Rate(
        "rights.contracts.women.rate",
        "女职工专项集体合同签订率",
        "rights.employers.covered.women",
        "orgs.employers_with_union",
        R,
        phrase="女职工专项集体合同签订率达{r}",
    ),
]
