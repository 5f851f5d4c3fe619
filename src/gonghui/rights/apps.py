from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
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

# Every union keeps the contracts it is party to (an employer's union its own, a township its
# regional ones); the federation follows and keeps them too.
KEEP = crud("rights.collectivecontract", "view", "add", "change", "delete")


class RightsConfig(workareas.WorkAreaApp):
    name = "gonghui.rights"
    verbose_name = _("Rights")

    work_area = WorkArea.RIGHTS
    indicators = "gonghui.rights.indicators.INDICATORS"
    rates = "gonghui.rights.indicators.RATES"
    report_section = "gonghui.rights.report.section"
    demo = (DemoPart(_("Collective contracts"), "gonghui.rights.demo.build", 60),)
    # Contracts are now records of their own; the ledger's counter stays for the past.
    supersedes = ("rights.contract",)
    menu = (
        MenuItem(
            _("Collective contracts"),
            "handshake",
            "admin:rights_collectivecontract_changelist",
            "rights.view_collectivecontract",
        ),
    )
    todos = (
        Todo(
            "contracts.renewal",
            _("Collective contracts to renew"),
            "gonghui.rights.selectors.contracts_waiting",
            "admin:rights_collectivecontract_changelist",
            "rights.change_collectivecontract",
            order=10,
        ),
        Todo(
            "contracts.effect",
            _("Filed contracts whose objection window has passed"),
            "gonghui.rights.selectors.contracts_waiting",
            "admin:rights_collectivecontract_changelist",
            "rights.change_collectivecontract",
            order=20,
        ),
    )
    actions = (
        MenuItem(
            _("Record a collective contract"),
            "handshake",
            "admin:rights_collectivecontract_add",
            "rights.add_collectivecontract",
        ),
    )
    grants = {
        PLATFORM_ADMIN: KEEP,
        FEDERATION_STAFF: KEEP,
        TOWNSHIP_STAFF: KEEP,
        GRASSROOTS_CLERK: KEEP,
    }
