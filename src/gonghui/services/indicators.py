"""The figures of services to workers, in the seeds' words: "组织3批50名一线抗疫医务人员开展
疗休养", "举办爱心托管班", "共为91户…办理贷款1115万元", "普惠服务项目累计实施68个", "建成户外劳动者
服务站点27个，其中新建5个，获评全国最美工会户外劳动者服务站点1个". The service points standing
are the organisation area's figures (``orgs.service_points.<kind>``); here, those opened, put
forward and recognised in the period, and what the funds journal put into them."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.funds.models import Allocation
from gonghui.orgs.indicators import POINT_UNITS
from gonghui.orgs.models import ServicePoint
from gonghui.services.models import (
    ChildcareChild,
    ChildcareClass,
    Group,
    LoanInstalment,
    MemberOffer,
    OfferUse,
    PointNomination,
    Recuperation,
    RecuperationParticipant,
    StartupLoan,
)

K = WorkArea.SERVICES
BATCHES = "admin:services_recuperation_changelist"
PARTICIPANTS = "admin:services_recuperationparticipant_changelist"
LOANS = "admin:services_startuploan_changelist"
POINTS = "admin:orgs_servicepoint_changelist"
NOMINATIONS = "admin:services_pointnomination_changelist"
BY_GROUP = "said in the recuperation sentence, after the people sent in all"
BY_KIND = "said in the service-point sentence, after the points opened in all"
# The seeds' words for whom a batch was for ("一线抗疫医务人员").
GROUP_WORDS = {
    Group.MODEL_WORKERS: "劳模和工匠",
    Group.MEDICAL: "一线医务人员",
    Group.FRONTLINE: "一线职工",
    Group.OTHER: "其他职工",
}
# A loan the bank has paid out (whatever became of it since).
LENT = (StartupLoan.Status.DISBURSED, StartupLoan.Status.REPAID, StartupLoan.Status.WRITTEN_OFF)


def _sent():
    # Confirmed people of batches that took place.
    return Q(
        status=RecuperationParticipant.Status.CONFIRMED,
        recuperation__status=Recuperation.Status.HELD,
    )


def _participants(key, name, unit="人", measure=None, where=_sent, **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        RecuperationParticipant.objects.all,
        "recuperation__org",
        date_field="recuperation__starts_on",
        measure=measure or Count("id"),
        where=where,
        records=(PARTICIPANTS, more.pop("query", {"status__exact": "confirmed"})),
        **more,
    )


def _owed(end, overdue: bool) -> Q:
    # Instalments not repaid by the day, of loans not written off by it; overdue: due before.
    q = (Q(repaid_on__isnull=True) | Q(repaid_on__gt=end)) & (
        Q(loan__written_off_on__isnull=True) | Q(loan__written_off_on__gt=end)
    )
    # A period ending after today: what is overdue is known up to today only.
    return q & Q(due_on__lt=min(end, timezone.localdate())) if overdue else q


def _loans(key, name, unit, measure, date_field="disbursed_on", where=None, **more):
    return Indicator(
        key,
        name,
        unit,
        K,
        StartupLoan.objects.all,
        "org",
        date_field=date_field,
        measure=measure,
        where=where or (lambda: Q(status__in=LENT)),
        records=(LOANS, {}),
        **more,
    )


def _classes(key, name, unit, measure) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        ChildcareClass.objects.all,
        "org",
        date_field="starts_on",
        measure=measure,
        records=("admin:services_childcareclass_changelist", {}),
    )


def _uses(key, name, unit, measure) -> Indicator:
    # A month's count from the partner's list, dated by its month.
    return Indicator(
        key,
        name,
        unit,
        K,
        OfferUse.objects.all,
        "offer__org",
        date_field="month",
        measure=measure,
        records=("admin:services_offeruse_changelist", {}),
    )


INDICATORS = [
    Indicator(
        "services.recuperations",
        _("Recuperation batches held"),
        "批",
        K,
        Recuperation.objects.all,
        "org",
        date_field="starts_on",
        where=lambda: Q(status=Recuperation.Status.HELD),
        records=(BATCHES, {"status__exact": "held"}),
    ),
    _participants("services.recuperation_people", _("Workers sent on recuperation"), "名"),
    *[
        _participants(
            f"services.recuperation_people.{group}",
            label,
            "名",
            where=lambda group=group: _sent() & Q(recuperation__group=group),
            query={"status__exact": "confirmed", "recuperation__group__exact": group},
            leave_out=BY_GROUP,
        )
        for group, label in Group.choices
    ],
    _participants(
        "services.recuperation_cost",
        _("Recuperation cost"),
        "元",
        Sum("recuperation__cost_per_head"),
    ),
    _classes("services.childcare_classes", _("Childcare classes"), "期", Count("id")),
    Indicator(
        "services.childcare_children",
        _("Members' children in childcare classes"),
        "人",
        K,
        ChildcareChild.objects.all,
        "childcare_class__org",
        date_field="childcare_class__starts_on",
        records=("admin:services_childcarechild_changelist", {}),
    ),
    _classes("services.childcare_volunteers", _("Childcare volunteers"), "人次", Sum("volunteers")),
    _classes("services.childcare_cost", _("Childcare classes' cost"), "元", Sum("cost")),
    _loans(
        "services.loans_households",
        _("Households helped to start a business"),
        "户",
        Count("person", distinct=True),
    ),
    _loans("services.loans_lent", _("Start-up loans disbursed"), "元", Sum("amount")),
    _loans("services.loans_subsidy", _("Interest subsidised"), "元", Sum("interest_subsidy")),
    Indicator(
        "services.loans_outstanding",
        _("Start-up loans outstanding"),
        "元",
        K,
        LoanInstalment.objects.all,
        "loan__org",
        STOCK,
        "loan__disbursed_on",
        measure=Sum("amount"),
        as_of=lambda end: _owed(end, overdue=False),
        records=(LOANS, {"status__exact": "disbursed"}),
    ),
    Indicator(
        "services.loans_overdue",
        _("Start-up loans overdue"),
        "元",
        K,
        LoanInstalment.objects.all,
        "loan__org",
        STOCK,
        "loan__disbursed_on",
        measure=Sum("amount"),
        as_of=lambda end: _owed(end, overdue=True),
        records=(LOANS, {"todo": "loans.overdue"}),
    ),
    _loans(
        "services.loans_written_off",
        _("Start-up loans written off"),
        "元",
        Sum("written_off"),
        date_field="written_off_on",
        where=lambda: Q(status=StartupLoan.Status.WRITTEN_OFF),
    ),
    Indicator(
        "services.offers",
        _("Member offers"),
        "个",
        K,
        MemberOffer.objects.all,
        "org",
        STOCK,
        "starts_on",
        records=("admin:services_memberoffer_changelist", {}),
    ),
    _uses("services.offer_uses", _("Member offers used"), "人次", Sum("person_times")),
    _uses("services.offer_value", _("Saved by members through offers"), "元", Sum("value")),
    Indicator(
        "services.points_opened",
        _("Service points opened"),
        "个",
        K,
        ServicePoint.objects.all,
        "org",
        date_field="opened_on",
        records=(POINTS, {}),
    ),
    *[
        Indicator(
            f"services.points_opened.{kind}",
            label,
            POINT_UNITS.get(kind, "个"),
            K,
            ServicePoint.objects.all,
            "org",
            date_field="opened_on",
            where=lambda kind=kind: Q(kind=kind),
            records=(POINTS, {"kind__exact": kind}),
            leave_out=BY_KIND,
        )
        for kind, label in ServicePoint.Kind.choices
    ],
    Indicator(
        "services.points_nominated",
        _("Service points put forward for recognition"),
        "个",
        K,
        PointNomination.objects.all,
        "org",
        date_field="nominated_on",
        measure=Count("point", distinct=True),
        records=(NOMINATIONS, {}),
    ),
    *[
        Indicator(
            f"services.points_recognised.{level}",
            label,
            "个",
            K,
            PointNomination.objects.all,
            "org",
            date_field="decided_on",
            where=lambda level=level: Q(status=PointNomination.Status.CONFERRED, level=level),
            records=(NOMINATIONS, {"status__exact": "conferred", "level__exact": level}),
            leave_out="said in the service-point sentence by the titles conferred",
        )
        for level, label in ServicePoint.Recognition.choices
        if level != ServicePoint.Recognition.NONE
    ],
    Indicator(
        "services.points_investment",
        _("Allocated to building service points"),
        "元",
        K,
        Allocation.objects.all,
        "service_point__org",
        date_field="paid_on",
        measure=Sum("amount"),
        where=lambda: Q(status=Allocation.Status.PAID, service_point__isnull=False),
        records=("admin:funds_allocation_changelist", {"purpose__exact": "service_point"}),
    ),
]

# How each figure is said on its own (the statistics page, a sentence without the section's):
# the section's sentences say them together.
PHRASES = {
    "services.recuperations": "组织职工疗休养{n}",
    "services.recuperation_people": "组织{n}职工疗休养",
    "services.recuperation_cost": "投入疗休养经费{n}",
    "services.childcare_classes": "举办爱心托管班{n}",
    "services.childcare_children": "托管职工子女{n}",
    "services.childcare_volunteers": "志愿者服务{n}",
    "services.childcare_cost": "投入托管班经费{n}",
    "services.loans_households": "扶持{n}创业",
    "services.loans_lent": "发放创业担保贷款{n}",
    "services.loans_subsidy": "落实财政贴息{n}",
    "services.loans_outstanding": "创业担保贷款余额{n}",
    "services.loans_overdue": "逾期创业担保贷款{n}",
    "services.loans_written_off": "核销创业担保贷款{n}",
    "services.offers": "普惠服务项目累计实施{n}",
    "services.offer_uses": "职工享受普惠服务{n}",
    "services.offer_value": "为职工节省开支{n}",
    "services.points_opened": "新建服务阵地{n}",
    "services.points_nominated": "推荐服务阵地参评命名{n}",
    "services.points_investment": "投入阵地建设资金{n}",
    **{f"services.recuperation_people.{g}": f"{w}{{n}}" for g, w in GROUP_WORDS.items()},
}
# The points opened by kind and recognised by level are said in the section's sentence only.
INDICATORS = [replace(ind, phrase=PHRASES.get(ind.key, "")) for ind in INDICATORS]
