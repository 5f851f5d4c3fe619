from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    ALL,
    PLATFORM_ADMIN,
    ROLES,
    DemoPart,
    ImportKind,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

_KEEP = crud("ledger.ledgerentry", *ALL) | crud("ledger.ledgercategory", "view")


class LedgerConfig(workareas.WorkAreaApp):
    """The work ledger: the long tail of every area's figures. Its own menu sits under
    statistics; each category's indicators belong to the category's work area."""

    name = "gonghui.ledger"
    verbose_name = _("Work ledger")

    work_area = WorkArea.STATISTICS
    indicators = "gonghui.ledger.indicators.indicator_list"
    indicators_version = "gonghui.ledger.indicators.version"
    rates = "gonghui.ledger.rates.RATES"

    def rate_list(self) -> list:
        """A category an area's records took over no longer has its rates: the area declares
        its own under the same name (集体合同签订率 of the rights area's contracts)."""
        taken = workareas.superseded_ledger_categories()
        return [
            rate
            for rate in super().rate_list()
            if ".".join(rate.numerator.split(".")[1:3]) not in taken
        ]

    imports = (ImportKind("ledger", "gonghui.ledger.imports.LedgerSpec", "工作台账"),)
    demo = (DemoPart(_("Work ledger"), "gonghui.ledger.demo.build_ledger", 80),)
    menu = (
        MenuItem(
            _("Work ledger"),
            "event_note",
            "admin:ledger_ledgerentry_changelist",
            "ledger.view_ledgerentry",
            order=10,
        ),
        MenuItem(
            _("Import ledger entries"),
            "upload_file",
            "admin:core_importjob_upload",
            "ledger.add_ledgerentry",
            args=("ledger",),
            order=20,
        ),
    )
    todos = (
        Todo(
            "ledger.month",
            _("Ledger entries recorded this month"),
            "gonghui.ledger.selectors.entries_waiting",
            "admin:ledger_ledgerentry_changelist",
            "ledger.add_ledgerentry",
            always=True,
        ),
    )
    actions = (
        MenuItem(
            _("Record a ledger entry"),
            "edit_note",
            "admin:ledger_ledgerentry_add",
            "ledger.add_ledgerentry",
        ),
    )
    grants = {
        **dict.fromkeys(ROLES, _KEEP),
        PLATFORM_ADMIN: _KEEP | crud("ledger.ledgercategory", "add", "change"),
    }
