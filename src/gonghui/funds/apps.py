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
# come to them); the journal is read by every union for its own books and written only by the
# services that move money, never by hand.
KEEP = crud("funds.fundcontribution", "view", "add", "change", "delete") | crud(
    "funds.journalentry", "view"
)
POLICY_READ = crud("funds.splitpolicy", "view")


class FundsConfig(workareas.WorkAreaApp):
    name = "gonghui.funds"
    verbose_name = _("Union funds")

    work_area = WorkArea.FUNDS
    indicators = "gonghui.funds.indicators.INDICATORS"
    rates = "gonghui.funds.indicators.RATES"
    report_section = "gonghui.funds.report.section"
    imports = (
        ImportKind("collections", "gonghui.funds.imports.CollectionListSpec", "经费代收明细"),
    )
    demo = (DemoPart(_("Union funds"), "gonghui.funds.demo.build", 45),)
    menu = (
        MenuItem(
            _("Contributions"),
            "account_balance",
            "admin:funds_fundcontribution_changelist",
            "funds.view_fundcontribution",
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
    )
    todos = (
        Todo(
            "contributions.arrears",
            _("Employers behind with union funds"),
            "gonghui.funds.selectors.contributions_waiting",
            "admin:funds_fundcontribution_changelist",
            "funds.change_fundcontribution",
            order=10,
        ),
    )
    grants = {
        PLATFORM_ADMIN: KEEP | crud("funds.splitpolicy", "view", "add", "change"),
        FEDERATION_STAFF: KEEP | POLICY_READ,
        TOWNSHIP_STAFF: KEEP | POLICY_READ,
        # A grassroots union reads its own books (its share of the 2%).
        GRASSROOTS_CLERK: crud("funds.journalentry", "view"),
    }
