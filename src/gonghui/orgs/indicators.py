"""Organisation building (组织建设): unions, employers with a union, service points, terms."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.orgs.models import Employer, Org, ServicePoint


def _active(**more):
    return lambda: Q(is_active=True, **more)


A = WorkArea.ORGANISATION
# Stations are counted in 家 ("建设完成户外劳动者服务站41家", "爱心驿站5家"), homes and rooms in 个.
POINT_UNITS = {ServicePoint.Kind.OUTDOOR_STATION: "家", ServicePoint.Kind.MEDIATION_ROOM: "家"}
INDICATORS = [
    Indicator(
        "orgs.grassroots_unions",
        _("Grassroots unions"),
        "个",
        A,
        Org.objects.all,
        "",
        STOCK,
        "founded_on",
        records=("admin:orgs_org_changelist", {"level__exact": Org.Level.GRASSROOTS}),
        where=_active(level=Org.Level.GRASSROOTS),
    ),
    Indicator(
        "orgs.unions_founded",
        _("Unions founded"),
        "个",
        A,
        Org.objects.all,
        "",
        date_field="founded_on",
        records=("admin:orgs_org_changelist", {"level__exact": Org.Level.GRASSROOTS}),
        where=_active(level=Org.Level.GRASSROOTS),
    ),
    Indicator(
        "orgs.joint_unions",
        _("Joint and regional unions"),
        "个",
        A,
        Org.objects.all,
        "",
        STOCK,
        "founded_on",
        records=("admin:orgs_org_changelist", {"kind__exact": "joint"}),
        where=_active(kind__in=[Org.Kind.JOINT, Org.Kind.REGIONAL]),
    ),
    Indicator(
        "orgs.employers_with_union",
        _("Employers with a union"),
        "家",
        A,
        Employer.objects.all,
        "org",
        STOCK,
        records=("admin:orgs_employer_changelist", {"has_union": "yes"}),
        where=_active(union__isnull=False),
    ),
    Indicator(
        "orgs.employers",
        _("Employers on record"),
        "家",
        A,
        Employer.objects.all,
        "org",
        STOCK,
        records=("admin:orgs_employer_changelist", {}),
        where=_active(),
        phrase="联系在册单位{n}",
    ),
    Indicator(
        "orgs.reelections_overdue",
        _("Committees past their term"),
        "个",
        A,
        Org.objects.all,
        "",
        STOCK,
        as_of=lambda end: Q(term_ends_on__lt=end),
        records=("admin:orgs_org_changelist", {"reelection": "overdue"}),
        where=_active(),
    ),
    Indicator(
        "orgs.service_points",
        _("Service points"),
        "个",
        A,
        ServicePoint.objects.all,
        "org",
        STOCK,
        "opened_on",
        records=("admin:orgs_servicepoint_changelist", {}),
        where=_active(),
    ),
    *[
        Indicator(
            f"orgs.service_points.{kind}",
            label,
            POINT_UNITS.get(kind, "个"),
            A,
            ServicePoint.objects.all,
            "org",
            STOCK,
            "opened_on",
            records=("admin:orgs_servicepoint_changelist", {"kind__exact": kind}),
            where=_active(kind=kind),
        )
        for kind, label in ServicePoint.Kind.choices
    ],
]
