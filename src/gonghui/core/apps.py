from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    ADMINISTRATION,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    ROLES,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)


class CoreConfig(workareas.WorkAreaApp):
    """The shared kernel's own pages: the import history, the event log, the access log."""

    name = "gonghui.core"
    label = "core"
    verbose_name = _("System")

    def ready(self):
        super().ready()
        from gonghui.core.applist import lazy_app_list
        from gonghui.core.listheaders import memoise_list_headers

        memoise_list_headers()
        lazy_app_list()
        from django.db.models.signals import post_migrate

        from gonghui.core import county

        post_migrate.connect(county.after_migrate, sender=self, dispatch_uid="county")

    menu = (
        MenuItem(
            _("Import history"),
            "history_edu",
            "admin:core_importjob_changelist",
            "core.view_importjob",
            group=WorkArea.MEMBERS,
            order=200,
        ),
        MenuItem(
            _("My exports"),
            "download",
            "admin:core_exportjob_changelist",
            "core.view_exportjob",
            group=WorkArea.MEMBERS,
            order=210,
        ),
        MenuItem(
            _("Event log"),
            "history",
            "admin:core_event_changelist",
            "core.view_event",
            group=ADMINISTRATION,
            order=20,
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Personal data access log"),
            "policy",
            "admin:core_accesslog_changelist",
            "core.view_accesslog",
            group=ADMINISTRATION,
            order=30,
        ),
    )
    todos = (
        Todo(
            "imports.unfinished",
            _("Imports to fix and send again"),
            "gonghui.core.selectors.imports_waiting",
            "admin:core_importjob_changelist",
            "core.view_importjob",
        ),
    )
    grants = {
        **{role: crud("core.event", "view") for role in ROLES},
        PLATFORM_ADMIN: crud("core.event", "view") | crud("core.accesslog", "view"),
    }
