from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    ALL,
    FEDERATION_STAFF,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    TOWNSHIP_STAFF,
    DemoPart,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

_TREE = crud("orgs.org", *ALL) | crud("orgs.employer", *ALL) | crud("orgs.servicepoint", *ALL)


class OrgsConfig(workareas.WorkAreaApp):
    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = _("Organisation building")

    work_area = WorkArea.ORGANISATION
    indicators = "gonghui.orgs.indicators.INDICATORS"
    report_section = "gonghui.orgs.report.section"
    rates = "gonghui.orgs.rates.RATES"
    demo = (DemoPart(_("Union tree, employers and service points"), "gonghui.orgs.demo.build", 10),)
    menu = (
        MenuItem(_("Dashboard"), "dashboard", "admin:index", order=0),
        MenuItem(
            _("Union tree"),
            "account_tree",
            "admin:orgs_org_tree",
            "orgs.view_org",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(_("Unions"), "groups", "admin:orgs_org_changelist", "orgs.view_org"),
        MenuItem(
            _("Employers"),
            "apartment",
            "admin:orgs_employer_changelist",
            "orgs.view_employer",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Service points"),
            "home_work",
            "admin:orgs_servicepoint_changelist",
            "orgs.view_servicepoint",
        ),
        MenuItem(
            _("Organisation rules"),
            "gavel",
            "admin:orgs_orgpolicy_changelist",
            "orgs.view_orgpolicy",
            hidden_for=(TOWNSHIP_STAFF, GRASSROOTS_CLERK),
        ),
    )
    todos = (
        Todo(
            "orgs.reelection",
            _("Unions overdue for re-election"),
            "gonghui.orgs.selectors.orgs_waiting",
            "admin:orgs_org_changelist",
            "orgs.view_org",
        ),
    )
    grants = {
        PLATFORM_ADMIN: _TREE | crud("orgs.orgpolicy", "view", "add", "change"),
        FEDERATION_STAFF: _TREE | crud("orgs.orgpolicy", "view"),
        TOWNSHIP_STAFF: crud("orgs.orgpolicy", "view")
        | crud("orgs.org", "view", "add", "change")
        | crud("orgs.employer", *ALL)
        | crud("orgs.servicepoint", *ALL),
        GRASSROOTS_CLERK: crud("orgs.org", "view", "change")
        | crud("orgs.employer", "view")
        | crud("orgs.servicepoint", "view", "add", "change"),
    }
