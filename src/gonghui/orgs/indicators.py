"""Organisation building (组织建设): unions, employers with a union, service points, terms."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.orgs.models import Employer, Org, ServicePoint


def _orgs():
    return Org.objects.filter(is_active=True)


def _points():
    return ServicePoint.objects.filter(is_active=True)


A = WorkArea.ORGANISATION
INDICATORS = [
    Indicator(
        "orgs.grassroots_unions",
        _("Grassroots unions"),
        "个",
        A,
        lambda: _orgs().filter(level=Org.Level.GRASSROOTS),
        "",
        STOCK,
        "founded_on",
        records=("admin:orgs_org_changelist", {"level__exact": Org.Level.GRASSROOTS}),
    ),
    Indicator(
        "orgs.unions_founded",
        _("Unions founded"),
        "个",
        A,
        lambda: _orgs().filter(level=Org.Level.GRASSROOTS),
        "",
        date_field="founded_on",
        records=("admin:orgs_org_changelist", {"level__exact": Org.Level.GRASSROOTS}),
    ),
    Indicator(
        "orgs.joint_unions",
        _("Joint and regional unions"),
        "个",
        A,
        lambda: _orgs().filter(kind__in=[Org.Kind.JOINT, Org.Kind.REGIONAL]),
        "",
        STOCK,
        "founded_on",
        records=("admin:orgs_org_changelist", {"kind__exact": "joint"}),
    ),
    Indicator(
        "orgs.employers_with_union",
        _("Employers with a union"),
        "家",
        A,
        lambda: Employer.objects.filter(is_active=True, union__isnull=False),
        "org",
        STOCK,
        records=("admin:orgs_employer_changelist", {"has_union": "yes"}),
    ),
    Indicator(
        "orgs.employers",
        _("Employers on record"),
        "家",
        A,
        lambda: Employer.objects.filter(is_active=True),
        "org",
        STOCK,
        records=("admin:orgs_employer_changelist", {}),
    ),
    Indicator(
        "orgs.reelections_overdue",
        _("Committees past their term"),
        "个",
        A,
        _orgs,
        "",
        STOCK,
        as_of=lambda end: Q(term_ends_on__lt=end),
        records=("admin:orgs_org_changelist", {"reelection": "overdue"}),
    ),
    Indicator(
        "orgs.service_points",
        _("Service points"),
        "个",
        A,
        _points,
        "org",
        STOCK,
        "opened_on",
        records=("admin:orgs_servicepoint_changelist", {}),
    ),
    *[
        Indicator(
            f"orgs.service_points.{kind}",
            label,
            "个",
            A,
            (lambda k=kind: _points().filter(kind=k)),
            "org",
            STOCK,
            "opened_on",
            records=("admin:orgs_servicepoint_changelist", {"kind__exact": kind}),
        )
        for kind, label in ServicePoint.Kind.choices
    ],
]
