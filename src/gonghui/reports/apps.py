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
    WorkArea,
    crud,
)

# Whoever keeps the ledger also writes the org's work report from it; the orgs above set the
# targets of the orgs beneath.
_REPORTS = (
    crud("reports.workreport", *ALL)
    | crud("reports.target", "view")
    | crud("reports.planitem", *ALL)
)
_TARGETS = _REPORTS | crud("reports.target", *ALL)


class ReportsConfig(workareas.WorkAreaApp):
    """The figures' machinery (targets, statistics page, work report): no work area's figures
    of its own, so not a work area; its pages sit in the statistics menu."""

    name = "gonghui.reports"
    verbose_name = _("Statistics and reports")

    demo = (
        DemoPart(_("Yearly targets"), "gonghui.reports.demo.build_targets", 90),
        # Last, after every area's records.
        DemoPart(_("Precomputed figures"), "gonghui.reports.demo.build_figures", 1000),
    )

    def ready(self):
        super().ready()
        from django.db.models.signals import post_migrate

        from gonghui.core import indicators
        from gonghui.reports import figurestore

        indicators.store = figurestore
        post_migrate.connect(figurestore.after_migrate, sender=self, dispatch_uid="figures")

    actions = (MenuItem(_("Statistics"), "monitoring", "reports_statistics", "orgs.view_org"),)
    menu = (
        MenuItem(
            _("Yearly targets"),
            "flag",
            "admin:reports_target_changelist",
            "reports.view_target",
            order=30,
            group=WorkArea.STATISTICS,
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Hand out yearly targets"),
            "account_tree",
            "reports_targets_split",
            "reports.add_target",
            order=40,
            group=WorkArea.STATISTICS,
        ),
        MenuItem(
            _("Indicators, table and work report"),
            "monitoring",
            "reports_statistics",
            "orgs.view_org",
            order=50,
            group=WorkArea.STATISTICS,
        ),
        MenuItem(
            _("Plan items"),
            "checklist",
            "admin:reports_planitem_changelist",
            "reports.view_planitem",
            order=55,
            group=WorkArea.STATISTICS,
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Work reports"),
            "article",
            "admin:reports_workreport_changelist",
            "reports.view_workreport",
            order=60,
            group=WorkArea.STATISTICS,
            hidden_for=(GRASSROOTS_CLERK,),
        ),
    )
    grants = {
        PLATFORM_ADMIN: _TARGETS,
        FEDERATION_STAFF: _TARGETS,
        TOWNSHIP_STAFF: _TARGETS,
        GRASSROOTS_CLERK: _REPORTS,
    }
