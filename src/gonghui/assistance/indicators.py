"""Assistance (帮扶): hardship files, grants paid per kind of campaign, group relief."""

from django.db.models import Count, F, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import Campaign, Grant, GroupRelief, HardshipFile
from gonghui.core.indicators import STOCK, Indicator, WorkArea

A = WorkArea.ASSISTANCE
FILES = "admin:assistance_hardshipfile_changelist"
GRANTS = "admin:assistance_grant_changelist"


def _open_at(end):
    # Open at the period's end: still open, or closed after it.
    return Q(status__in=HardshipFile.OPEN) | Q(status_changed_on__gt=end)


def _paid(**more):
    return lambda: Q(status=Grant.Status.PAID, **more)


AMOUNT = Sum(F("cash_amount") + F("goods_value"))
# The report says grants and group relief campaign by campaign, under each one's own name.
BY_CAMPAIGN = "said per campaign, under the campaign's own name"

INDICATORS = [
    Indicator(
        "assistance.files",
        _("Households on file"),
        "户",
        A,
        HardshipFile.objects.all,
        "org",
        STOCK,
        "filed_on",
        as_of=_open_at,
        records=(FILES, {"status__exact": "on_file"}),
    ),
    *[
        Indicator(
            f"assistance.files.{code}",
            label,
            "户",
            A,
            HardshipFile.objects.all,
            "org",
            STOCK,
            "filed_on",
            as_of=_open_at,
            records=(FILES, {"category__exact": code}),
            where=(lambda c=code: Q(category=c)),
        )
        for code, label in HardshipFile._meta.get_field("category").choices
    ],
    Indicator(
        "assistance.files_opened",
        _("Households newly filed"),
        "户",
        A,
        HardshipFile.objects.all,
        "org",
        date_field="filed_on",
        records=(FILES, {}),
    ),
    Indicator(
        "assistance.grants",
        _("People aided"),
        "人",
        A,
        Grant.objects.all,
        "org",
        date_field="paid_on",
        measure=Count("person", distinct=True),
        records=(GRANTS, {"status__exact": "paid"}),
        where=_paid(),
    ),
    Indicator(
        "assistance.grants_amount",
        _("Grants paid"),
        "元",
        A,
        Grant.objects.all,
        "org",
        date_field="paid_on",
        measure=AMOUNT,
        records=(GRANTS, {"status__exact": "paid"}),
        where=_paid(),
    ),
    *[
        ind
        for kind, label in Campaign.Kind.choices
        for ind in (
            Indicator(
                f"assistance.{kind}.people",
                format_lazy(_("{kind}: people aided"), kind=label),
                "人",
                A,
                Grant.objects.all,
                "org",
                date_field="paid_on",
                measure=Count("person", distinct=True),
                records=(GRANTS, {"status__exact": "paid"}),
                where=_paid(campaign__kind=kind),
                leave_out=BY_CAMPAIGN,
            ),
            Indicator(
                f"assistance.{kind}.amount",
                format_lazy(_("{kind}: amount paid"), kind=label),
                "元",
                A,
                Grant.objects.all,
                "org",
                date_field="paid_on",
                measure=AMOUNT,
                records=(GRANTS, {"status__exact": "paid"}),
                where=_paid(campaign__kind=kind),
                leave_out=BY_CAMPAIGN,
            ),
        )
    ],
    Indicator(
        "assistance.relief_people",
        _("People reached by group relief"),
        "人次",
        A,
        GroupRelief.objects.all,
        "org",
        date_field="date",
        measure=Sum("headcount"),
        records=("admin:assistance_grouprelief_changelist", {}),
    ),
    Indicator(
        "assistance.relief_amount",
        _("Group relief spent"),
        "元",
        A,
        GroupRelief.objects.all,
        "org",
        date_field="date",
        measure=AMOUNT,
        records=("admin:assistance_grouprelief_changelist", {}),
    ),
]


def _campaign_indicators(campaign: Campaign) -> list[Indicator]:
    """A campaign's own figures: people aided and paid, group relief given; said in one
    sentence under the campaign's name ("“夏送清凉”活动慰问职工10639人次、投入资金26.63万元")."""
    key = f"assistance.campaign.{campaign.pk}"
    name = campaign.name
    grants = (GRANTS, {"status__exact": "paid", "campaign__id__exact": campaign.pk})
    reliefs = ("admin:assistance_grouprelief_changelist", {"campaign__id__exact": campaign.pk})
    parts = (
        (
            f"“{name}”帮扶{{people}}、发放{{amount}}，集体慰问{{relief_people}}、投入{{relief_amount}}",
            f"“{name}”帮扶{{people}}、发放{{amount}}",
            f"“{name}”活动慰问职工{{relief_people}}、投入资金和物资{{relief_amount}}",
            f"“{name}”活动慰问职工{{relief_people}}",
        ),
    )
    names = {
        "people": f"{key}.people",
        "amount": f"{key}.amount",
        "relief_people": f"{key}.relief_people",
        "relief_amount": f"{key}.relief_amount",
    }
    # Every campaign's figures in one grouped query per model (core.indicators): ``where``
    # is "status paid, this campaign" for grants and "this campaign" for relief, as the groups.
    grant = {
        "source": Grant.objects.all,
        "org_field": "org",
        "date_field": "paid_on",
        "group_by": ("status", "campaign_id"),
        "group_value": (Grant.Status.PAID.value, campaign.pk),
    }
    relief = {
        "source": GroupRelief.objects.all,
        "org_field": "org",
        "date_field": "date",
        "group_by": ("campaign_id",),
        "group_value": (campaign.pk,),
    }
    return [
        Indicator(
            f"{key}.amount",
            format_lazy(_("{kind}: amount paid"), kind=name),
            "元",
            A,
            measure=AMOUNT,
            records=grants,
            where=_paid(campaign_id=campaign.pk),
            parts=parts,
            part_keys=names,
            **grant,
        ),
        Indicator(
            f"{key}.people",
            format_lazy(_("{kind}: people aided"), kind=name),
            "人",
            A,
            measure=Count("person", distinct=True),
            records=grants,
            where=_paid(campaign_id=campaign.pk),
            said_with=f"{key}.amount",
            **grant,
        ),
        Indicator(
            f"{key}.relief_people",
            format_lazy(_("{kind}: people reached by group relief"), kind=name),
            "人",
            A,
            measure=Sum("headcount"),
            records=reliefs,
            where=lambda: Q(campaign_id=campaign.pk),
            said_with=f"{key}.amount",
            **relief,
        ),
        Indicator(
            f"{key}.relief_amount",
            format_lazy(_("{kind}: group relief spent"), kind=name),
            "元",
            A,
            measure=AMOUNT,
            records=reliefs,
            where=lambda: Q(campaign_id=campaign.pk),
            said_with=f"{key}.amount",
            **relief,
        ),
    ]


def indicator_list() -> list[Indicator]:
    """The fixed figures, and each campaign's own (read from the campaigns)."""
    from django.db.utils import DatabaseError

    try:
        campaigns = list(Campaign.objects.order_by("year", "code"))
    except DatabaseError:
        campaigns = []
    return [*INDICATORS, *(ind for c in campaigns for ind in _campaign_indicators(c))]


def version():
    from django.db.models import Max
    from django.db.utils import DatabaseError

    try:
        return tuple(Campaign.objects.aggregate(n=Count("id"), last=Max("id")).values())
    except DatabaseError:
        return None
