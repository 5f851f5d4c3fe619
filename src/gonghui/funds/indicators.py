"""The funds figures, in the seeds' words: "加大工会经费收缴力度", "按职工工资总额的2%拨缴",
collection by channel and its rate, the preparatory levy, the split between the levels, and
the employers behind. Money in 元, said in 万元 as the seeds write it."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, Rate, WorkArea
from gonghui.funds.models import (
    Allocation,
    Channel,
    DuesReport,
    FundContribution,
    FundPayment,
    FundRefund,
)
from gonghui.funds.selectors import last_overdue_month

K = WorkArea.FUNDS
CONTRIBUTIONS = "admin:funds_fundcontribution_changelist"
REFUNDS = "admin:funds_fundrefund_changelist"
ALLOCATIONS = "admin:funds_allocation_changelist"
DUES = "admin:funds_duesreport_changelist"
SECTION = "said in the funds section's sentences about collection"
BY_PURPOSE = "said in the funds section's allocation sentence, after the total"
# The seeds' words for what an allocation was for ("补助各基层工会帮扶资金20.48万元").
PURPOSE_WORDS = {
    Allocation.Purpose.ASSISTANCE: "帮扶资金",
    Allocation.Purpose.SERVICE_POINT: "阵地建设资金",
    Allocation.Purpose.ACTIVITIES: "活动经费",
    Allocation.Purpose.MUTUAL_AID: "互助保障补助",
    Allocation.Purpose.ORGANISING: "专项工作经费",
    Allocation.Purpose.OTHER: "其他经费",
}
# The seeds' words for the levels' shares ("拨付基层工会…，上解上级工会…").
SHARE_WORDS = {
    "grassroots": "拨付基层工会",
    "township": "乡镇（街道）工会分成",
    "county": "县级留成",
    "city": "上解市级工会",
    "province": "上解省级工会",
    "national": "上解全国总工会",
}

SHARE_NAMES = {
    "grassroots": _("Grassroots unions' share"),
    "township": _("Township unions' share"),
    "county": _("County federation's share"),
    "city": _("City federation's share"),
    "province": _("Provincial federation's share"),
    "national": _("ACFTU's share"),
}


def _contributions(key, name, measure, where=None, unit="元", **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        FundContribution.objects.all,
        "org",
        date_field="period",
        measure=measure,
        records=(CONTRIBUTIONS, more.pop("query", {})),
        where=where,
        **more,
    )


def overdue_at(end):
    """The months payable by the period's end and not fully paid (now)."""
    return Q(period__lte=last_overdue_month(end), collected__lt=F("due"))


INDICATORS = [
    _contributions(
        "funds.employers",
        _("Employers assessed"),
        Count("employer", distinct=True),
        unit="户",
        phrase="{n}单位缴纳工会经费",
    ),
    _contributions("funds.due", _("Union funds due"), Sum("due"), phrase="应缴工会经费{n}"),
    _contributions(
        "funds.collected", _("Union funds collected"), Sum("collected"), phrase="收缴工会经费{n}"
    ),
    # By channel, from each payment (a month paid partly by the tax bureau and partly direct
    # counts in both), for the month paid for.
    *[
        Indicator(
            f"funds.collected.{channel}",
            label,
            "元",
            K,
            FundPayment.objects.all,
            "contribution__org",
            date_field="contribution__period",
            measure=Sum("amount"),
            records=(CONTRIBUTIONS, {"channel__exact": channel}),
            where=lambda channel=channel: Q(channel=channel),
            leave_out=SECTION,
        )
        for channel, label in Channel.choices
    ],
    _contributions(
        "funds.levy",
        _("Preparatory levy collected"),
        Sum("collected"),
        where=lambda: Q(levy=FundContribution.Levy.PREPARATORY),
        query={"levy__exact": FundContribution.Levy.PREPARATORY},
        phrase="收缴工会筹备金{n}",
    ),
    *[
        _contributions(
            f"funds.share.{level}",
            SHARE_NAMES[level],
            Sum(f"share_{level}"),
            phrase=f"{words}{{n}}",
            leave_out=SECTION,
        )
        for level, words in SHARE_WORDS.items()
    ],
    Indicator(
        "funds.arrears",
        _("Union funds in arrears"),
        "元",
        K,
        FundContribution.objects.all,
        "org",
        kind=STOCK,
        date_field="period",
        as_of=overdue_at,
        measure=Sum(F("due") - F("collected")),
        records=(CONTRIBUTIONS, {"arrears": "yes"}),
        phrase="欠缴工会经费{n}",
    ),
    Indicator(
        "funds.arrears.employers",
        _("Employers in arrears"),
        "户",
        K,
        FundContribution.objects.all,
        "org",
        kind=STOCK,
        date_field="period",
        as_of=overdue_at,
        measure=Count("employer", distinct=True),
        records=(CONTRIBUTIONS, {"arrears": "yes"}),
        said_with="funds.arrears",
    ),
]


def _paid_refunds():
    return Q(status=FundRefund.Status.PAID)


def _paid_allocations(**more):
    return Q(status=Allocation.Status.PAID, **more)


INDICATORS += [
    Indicator(
        "funds.refunds.employers",
        _("Small and micro enterprises refunded"),
        "家",
        K,
        FundRefund.objects.all,
        "org",
        date_field="paid_on",
        measure=Count("employer", distinct=True),
        records=(REFUNDS, {"status__exact": "paid"}),
        where=_paid_refunds,
        said_with="funds.refunds",
    ),
    Indicator(
        "funds.refunds",
        _("Union funds refunded to small and micro enterprises"),
        "元",
        K,
        FundRefund.objects.all,
        "org",
        date_field="paid_on",
        measure=Sum("amount"),
        records=(REFUNDS, {"status__exact": "paid"}),
        where=_paid_refunds,
        phrase="返还小微企业工会经费{n}",
    ),
    Indicator(
        "funds.allocations.count",
        _("Allocations paid"),
        "次",
        K,
        Allocation.objects.all,
        "org",
        date_field="paid_on",
        records=(ALLOCATIONS, {"status__exact": "paid"}),
        where=_paid_allocations,
        said_with="funds.allocations",
    ),
    Indicator(
        "funds.allocations.recipients",
        _("Unions allocated to"),
        "个",
        K,
        Allocation.objects.all,
        "org",
        date_field="paid_on",
        measure=Count("recipient", distinct=True),
        records=(ALLOCATIONS, {"status__exact": "paid"}),
        where=_paid_allocations,
        said_with="funds.allocations",
    ),
    Indicator(
        "funds.allocations",
        _("Money allocated to the unions beneath"),
        "元",
        K,
        Allocation.objects.all,
        "org",
        date_field="paid_on",
        measure=Sum("amount"),
        records=(ALLOCATIONS, {"status__exact": "paid"}),
        where=_paid_allocations,
        phrase="下拨经费{n}",
    ),
    *[
        Indicator(
            f"funds.allocations.{purpose}",
            label,
            "元",
            K,
            Allocation.objects.all,
            "org",
            date_field="paid_on",
            measure=Sum("amount"),
            records=(ALLOCATIONS, {"status__exact": "paid", "purpose__exact": purpose}),
            where=lambda purpose=purpose: _paid_allocations(purpose=purpose),
            leave_out=BY_PURPOSE,
        )
        for purpose, label in Allocation.Purpose.choices
    ],
    Indicator(
        "funds.dues",
        _("Member dues collected"),
        "元",
        K,
        DuesReport.objects.all,
        "org",
        date_field="period",
        measure=Sum("amount"),
        records=(DUES, {}),
        phrase="收缴会费{n}",
    ),
]

RATES = [
    Rate(
        "funds.collection_rate",
        "工会经费收缴率",
        "funds.collected",
        "funds.due",
        K,
        phrase="收缴率达{r}",
        full="应缴经费全部收缴到位",
    ),
]
