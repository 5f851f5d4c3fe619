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
