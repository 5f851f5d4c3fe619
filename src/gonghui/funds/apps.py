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

# The federation and the townships keep the employers' contributions (the tax bureau's lists
# come to them), draft and pay the refunds and allocate money beneath them; every union reports
# its members' dues. The journal is read by every union for its own books and written only by
# the services that move money, never by hand.
KEEP = (
    crud("funds.fundcontribution", "view", "add", "change", "delete")
    | crud("funds.journalentry", "view")
    | crud("funds.fundrefund", "view", "add", "change")
    | crud("funds.refundbatch", "view", "add")
    | crud("funds.allocation", "view", "add", "change", "delete")
    | crud("funds.duesreport", "view", "add")
)
POLICY_READ = crud("funds.splitpolicy", "view") | crud("funds.refundpolicy", "view")
POLICY_KEEP = crud("funds.splitpolicy", "view", "add", "change") | crud(
    "funds.refundpolicy", "view", "add", "change"
)
# A grassroots union reads its own books, sees what it was allocated, reports its dues.
OWN_BOOKS = (
    crud("funds.journalentry", "view")
    | crud("funds.allocation", "view")
    | crud("funds.duesreport", "view", "add")
)


class FundsConfig(workareas.WorkAreaApp):
    name = "gonghui.funds"
    verbose_name = _("Union funds")

    work_area = WorkArea.FUNDS
    indicators = "gonghui.funds.indicators.INDICATORS"
    rates = "gonghui.funds.indicators.RATES"
    report_section = "gonghui.funds.report.section"
    # Every paid payment batch of the platform (grants, care) is a posting of its payer.
    payment_posting = "gonghui.funds.services.payment_batch_post"
    imports = (
        ImportKind("collections", "gonghui.funds.imports.CollectionListSpec", "经费代收明细"),
    )
    # After every other area's part (it draws from the demo's one random stream, so coming
    # last it leaves their figures as they were), before the targets.
    demo = (DemoPart(_("Union funds"), "gonghui.funds.demo.build", 85),)
    menu = (
        MenuItem(
            _("Contributions"),
            "account_balance",
            "admin:funds_fundcontribution_changelist",
            "funds.view_fundcontribution",
        ),
        MenuItem(
            _("Small and micro enterprise refunds"),
            "currency_exchange",
            "admin:funds_fundrefund_changelist",
            "funds.view_fundrefund",
        ),
        MenuItem(
            _("Refund payment batches"),
            "payments",
            "admin:funds_refundbatch_changelist",
            "funds.view_refundbatch",
        ),
        MenuItem(
            _("Allocations"),
            "call_split",
            "admin:funds_allocation_changelist",
            "funds.view_allocation",
        ),
        MenuItem(
            _("Member dues reports"),
            "savings",
            "admin:funds_duesreport_changelist",
            "funds.view_duesreport",
        ),
        MenuItem(
            _("Journal"),
            "menu_book",
            "admin:funds_journalentry_changelist",
            "funds.view_journalentry",
        ),
        MenuItem(
            _("Funds split policies"),
            "pie_chart",
            "admin:funds_splitpolicy_changelist",
            "funds.view_splitpolicy",
        ),
        MenuItem(
            _("Refund policies"),
            "policy",
            "admin:funds_refundpolicy_changelist",
            "funds.view_refundpolicy",
        ),
    )
    todos = (
        Todo(
            "contributions.arrears",
            _("Months of union funds overdue and not fully paid"),
            "gonghui.funds.selectors.contributions_waiting",
            "admin:funds_fundcontribution_changelist",
            "funds.change_fundcontribution",
            order=10,
        ),
        Todo(
            "refunds.review",
            _("Refunds to review"),
            "gonghui.funds.selectors.refunds_waiting",
            "admin:funds_fundrefund_changelist",
            "funds.change_fundrefund",
            order=20,
        ),
        Todo(
            "allocations.approve",
            _("Allocations to approve"),
            "gonghui.funds.selectors.allocations_waiting",
            "admin:funds_allocation_changelist",
            "funds.change_allocation",
            order=30,
        ),
        Todo(
            "allocations.pay",
            _("Allocations approved and not yet paid"),
            "gonghui.funds.selectors.allocations_waiting",
            "admin:funds_allocation_changelist",
            "funds.change_allocation",
            order=40,
        ),
    )
    actions = (
        MenuItem(
            _("Import a collection list"),
            "upload_file",
            "admin:core_importjob_upload",
            "funds.add_fundcontribution",
            args=("collections",),
        ),
    )
    # The ledger's refund and allocation counters are records of this area now.
    supersedes = ("funds.refund", "funds.allocation")
    grants = {
        PLATFORM_ADMIN: KEEP | POLICY_KEEP,
        FEDERATION_STAFF: KEEP | POLICY_READ,
        TOWNSHIP_STAFF: KEEP | POLICY_READ,
        GRASSROOTS_CLERK: OWN_BOOKS,
    }
