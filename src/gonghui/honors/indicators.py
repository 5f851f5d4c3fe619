"""Honours (劳模与荣誉): honours conferred by kind (persons and units apart), nominations and
their outcome, and the register of model workers by level."""

from django.db.models import Count, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.honors.models import (
    RECIPIENT_OF,
    CareKind,
    CarePayment,
    HonorAward,
    HonorKind,
    HonorLevel,
    HonorNomination,
    ModelWorker,
    Recipient,
)

H = WorkArea.HONOURS
AWARDS = "admin:honors_honoraward_changelist"
NOMINATIONS = "admin:honors_honornomination_changelist"
REGISTER = "admin:honors_modelworker_changelist"
PERSON_KINDS = [k for k, r in RECIPIENT_OF.items() if r == Recipient.PERSON]
# Said kind by kind in the report's sentence (``report.section``), with the levels and titles
# of the records ("省市级劳模13人", "保山工匠2人").
BY_KIND = "said kind by kind, with the levels of its records"
TOTAL = "the sum of the kinds, which the report says one by one"


def _on_register_at(end):
    # On the register at the period's end: not yet deceased then.
    return Q(died_on__isnull=True) | Q(died_on__gt=end)


def _kind(kind: str) -> Indicator:
    unit = "人" if RECIPIENT_OF[kind] == Recipient.PERSON else "个"
    return Indicator(
        f"honors.kind.{kind}",
        format_lazy(_("Honours conferred: {kind}"), kind=HonorKind(kind).label),
        unit,
        H,
        HonorAward.objects.all,
        "org",
        date_field="conferred_on",
        records=(AWARDS, {"honor__kind__exact": kind}),
        where=lambda: Q(honor__kind=kind),
        group_by=("honor__kind",),
        group_value=(kind,),
        leave_out=BY_KIND,
    )


INDICATORS = [
    Indicator(
        "honors.persons",
        _("People honoured"),
        "人",
        H,
        HonorAward.objects.all,
        "org",
        date_field="conferred_on",
        records=(AWARDS, {"recipient": "person"}),
        where=lambda: Q(honor__kind__in=PERSON_KINDS),
        leave_out=TOTAL,
    ),
    Indicator(
        "honors.units",
        _("Units, teams and studios honoured"),
        "个",
        H,
        HonorAward.objects.all,
        "org",
        date_field="conferred_on",
        records=(AWARDS, {"recipient": "unit"}),
        where=lambda: ~Q(honor__kind__in=PERSON_KINDS),
        leave_out=TOTAL,
    ),
    *[_kind(kind) for kind in HonorKind.values],
    Indicator(
        "honors.nominated",
        _("Nominations submitted"),
        "人",
        H,
        HonorNomination.objects.all,
        "org",
        date_field="created_at__date",
        records=(NOMINATIONS, {}),
        where=lambda: ~Q(status__in=["draft", "withdrawn"]),
        phrase="推荐评选各级先进{n}",
    ),
    Indicator(
        "honors.nominations_conferred",
        _("Nominations conferred"),
        "人",
        H,
        HonorNomination.objects.all,
        "org",
        date_field="decided_on",
        records=(NOMINATIONS, {"status__exact": "conferred"}),
        where=lambda: Q(status="conferred"),
        said_with="honors.nominated",
    ),
    Indicator(
        "honors.register",
        _("Model workers on the register"),
        "人",
        H,
        ModelWorker.objects.all,
        "org",
        STOCK,
        "registered_on",
        as_of=_on_register_at,
        records=(REGISTER, {}),
        phrase="在册劳模{n}",
    ),
    *[
        Indicator(
            f"honors.register.{level}",
            format_lazy(_("Model workers on the register: {level}"), level=label),
            "人",
            H,
            ModelWorker.objects.all,
            "org",
            STOCK,
            "registered_on",
            as_of=_on_register_at,
            records=(REGISTER, {"level__exact": level}),
            where=lambda level=level: Q(level=level),
            said_with="honors.register",
        )
        for level, label in HonorLevel.choices
    ],
]

# -- care ------------------------------------------------------------------------------------

CARE = "admin:honors_carepayment_changelist"


def _care(key: str, name, unit: str, measure, kind: str = "", said_with: str = "") -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        H,
        CarePayment.objects.all,
        "org",
        date_field="paid_on",
        measure=measure,
        records=(CARE, {"status__exact": "paid", **({"kind__exact": kind} if kind else {})}),
        where=(lambda: Q(status="paid", kind=kind)) if kind else (lambda: Q(status="paid")),
        said_with=said_with,
    )


INDICATORS += [
    _care(
        "honors.care.people",
        _("Model workers cared for"),
        "人",
        Count("worker", distinct=True),
        said_with="honors.care.amount",
    ),
    _care("honors.care.amount", _("Care paid to model workers"), "元", Sum("amount")),
    *[
        ind
        for kind, label in CareKind.choices
        for ind in (
            _care(
                f"honors.care.{kind}.people",
                format_lazy(_("{kind}: model workers"), kind=label),
                "人",
                Count("worker", distinct=True),
                kind,
                said_with="honors.care.amount",
            ),
            _care(
                f"honors.care.{kind}.amount",
                format_lazy(_("{kind}: paid"), kind=label),
                "元",
                Sum("amount"),
                kind,
                said_with="honors.care.amount",
            ),
        )
    ],
]
