from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    FEDERATION_STAFF,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    TOWNSHIP_STAFF,
    DemoPart,
    ImportKind,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

# Every union keeps the contracts it is party to (an employer's union its own, a township its
# regional ones) and its employer's workers' congress; the federation follows and keeps them.
KEEP = (
    crud("rights.collectivecontract", "view", "add", "change", "delete")
    | crud("rights.workerscongress", "view", "add", "change", "delete")
    | crud("rights.congressmeeting", "view", "add", "change", "delete")
)
# Disputes are mediated where a mediation room is, and legal aid given, by the federation and
# the townships. A grassroots union is not given them: its employer is the other party to many.
MEDIATE = (
    crud("rights.disputecase", "view", "add", "change", "delete")
    | crud("rights.mediator", "view", "add", "change", "delete")
    | crud("rights.legalaidcase", "view", "add", "change", "delete")
    | crud("rights.hotlinecall", "view", "add", "change", "delete")
)


class RightsConfig(workareas.WorkAreaApp):
    name = "gonghui.rights"
    verbose_name = _("Rights")

    work_area = WorkArea.RIGHTS
    indicators = "gonghui.rights.indicators.INDICATORS"
    rates = "gonghui.rights.indicators.RATES"
    report_section = "gonghui.rights.report.section"
    imports = (
        ImportKind("contracts", "gonghui.rights.imports.ContractRegisterSpec", "集体合同台账"),
    )
    demo = (
        DemoPart(_("Collective contracts"), "gonghui.rights.demo.build", 60),
        DemoPart(
            _("Labour-dispute mediation and legal aid"), "gonghui.rights.demo.build_mediation", 61
        ),
        DemoPart(_("Workers' congresses"), "gonghui.rights.demo.build_congresses", 62),
    )
    # Contracts, congresses and mediated disputes are now records of their own; the ledger's
    # counters stay for the past.
    supersedes = ("rights.contract", "rights.mediation", "rights.congress", "rights.legal_aid")
    menu = (
        MenuItem(
            _("Collective contracts"),
            "handshake",
            "admin:rights_collectivecontract_changelist",
            "rights.view_collectivecontract",
        ),
        MenuItem(
            _("Workers' congresses"),
            "groups",
            "admin:rights_workerscongress_changelist",
            "rights.view_workerscongress",
        ),
        MenuItem(
            _("Congress sessions"),
            "event_available",
            "admin:rights_congressmeeting_changelist",
            "rights.view_congressmeeting",
        ),
        MenuItem(
            _("Labour-dispute cases"),
            "gavel",
            "admin:rights_disputecase_changelist",
            "rights.view_disputecase",
        ),
        MenuItem(
            _("Legal aid cases"),
            "balance",
            "admin:rights_legalaidcase_changelist",
            "rights.view_legalaidcase",
        ),
        MenuItem(
            _("12351 hotline calls"),
            "call",
            "admin:rights_hotlinecall_changelist",
            "rights.view_hotlinecall",
        ),
        MenuItem(
            _("Mediators"),
            "diversity_3",
            "admin:rights_mediator_changelist",
            "rights.view_mediator",
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
        Todo(
            "congresses.session",
            _("Workers' congresses without a session this year"),
            "gonghui.rights.selectors.congresses_waiting",
            "admin:rights_workerscongress_changelist",
            "rights.change_workerscongress",
            order=24,
        ),
        Todo(
            "congresses.term",
            _("Workers' congresses whose term has ended"),
            "gonghui.rights.selectors.congresses_waiting",
            "admin:rights_workerscongress_changelist",
            "rights.change_workerscongress",
            order=26,
        ),
        Todo(
            "disputes.intake",
            _("Dispute cases waiting for a mediator"),
            "gonghui.rights.selectors.cases_waiting",
            "admin:rights_disputecase_changelist",
            "rights.change_disputecase",
            order=30,
        ),
        Todo(
            "disputes.overdue",
            _("Dispute cases in mediation for more than 30 days"),
            "gonghui.rights.selectors.cases_waiting",
            "admin:rights_disputecase_changelist",
            "rights.change_disputecase",
            order=40,
        ),
        Todo(
            "aid.decide",
            _("Legal aid applications to decide"),
            "gonghui.rights.selectors.aids_waiting",
            "admin:rights_legalaidcase_changelist",
            "rights.change_legalaidcase",
            order=50,
        ),
        Todo(
            "calls.follow_up",
            _("Hotline callers to call back"),
            "gonghui.rights.selectors.calls_waiting",
            "admin:rights_hotlinecall_changelist",
            "rights.change_hotlinecall",
            order=60,
        ),
    )
    actions = (
        MenuItem(
            _("Record a collective contract"),
            "handshake",
            "admin:rights_collectivecontract_add",
            "rights.add_collectivecontract",
        ),
        MenuItem(
            _("Take on a labour dispute"),
            "gavel",
            "admin:rights_disputecase_add",
            "rights.add_disputecase",
        ),
    )
    grants = {
        PLATFORM_ADMIN: KEEP | MEDIATE,
        FEDERATION_STAFF: KEEP | MEDIATE,
        TOWNSHIP_STAFF: KEEP | MEDIATE,
        GRASSROOTS_CLERK: KEEP,
    }
