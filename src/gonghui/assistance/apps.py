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

# By how far up the tree the work is done: the grassroots union applies, the township
# reviews, the federation runs the campaigns and pays.
AID_APPLY = (
    crud("assistance.hardshipfile", "view", "add")
    | crud("assistance.campaign", "view")
    | crud("assistance.amountstandard", "view")
    | crud("assistance.grant", "view", "add", "change")
    | crud("assistance.grouprelief", "view", "add", "change")
    | crud("assistance.localpolicy", "view")
)
AID_REVIEW = (
    AID_APPLY
    | crud("assistance.hardshipfile", "change")
    | crud("assistance.campaign", "add", "change")
    | crud("assistance.amountstandard", "add", "change", "delete")
    | crud("assistance.grouprelief", "delete")
    | crud("assistance.paymentbatch", "view")
    | {"assistance.review_grant"}
)
AID_RUN = (
    AID_REVIEW
    | crud("assistance.campaign", "delete")
    | crud("assistance.paymentbatch", "add", "change")
    | {"assistance.approve_grant"}
)


class AssistanceConfig(workareas.WorkAreaApp):
    name = "gonghui.assistance"
    verbose_name = _("Assistance")

    work_area = WorkArea.ASSISTANCE
    indicators = "gonghui.assistance.indicators.indicator_list"
    indicators_version = "gonghui.assistance.indicators.version"
    report_section = "gonghui.assistance.report.section"
    imports = (ImportKind("grants", "gonghui.assistance.imports.GrantListSpec", "帮扶发放名单"),)
    demo = (DemoPart(_("Assistance"), "gonghui.assistance.demo.build_assistance", 40),)
    menu = (
        MenuItem(
            _("Hardship files"),
            "folder_shared",
            "admin:assistance_hardshipfile_changelist",
            "assistance.view_hardshipfile",
        ),
        MenuItem(
            _("Campaigns"),
            "volunteer_activism",
            "admin:assistance_campaign_changelist",
            "assistance.view_campaign",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Grant approvals"),
            "fact_check",
            "admin:assistance_grant_approvals",
            "assistance.view_grant",
        ),
        MenuItem(
            _("Grants"), "payments", "admin:assistance_grant_changelist", "assistance.view_grant"
        ),
        MenuItem(
            _("Import grant list"),
            "upload_file",
            "admin:core_importjob_upload",
            "assistance.add_grant",
            args=("grants",),
        ),
        MenuItem(
            _("Payment batches"),
            "account_balance",
            "admin:assistance_paymentbatch_changelist",
            "assistance.view_paymentbatch",
        ),
        MenuItem(
            _("Group relief"),
            "groups_3",
            "admin:assistance_grouprelief_changelist",
            "assistance.view_grouprelief",
        ),
        MenuItem(
            _("Amount standards"),
            "rule",
            "admin:assistance_amountstandard_changelist",
            "assistance.view_amountstandard",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Local standards"),
            "tune",
            "admin:assistance_localpolicy_changelist",
            "assistance.view_localpolicy",
            hidden_for=(TOWNSHIP_STAFF, GRASSROOTS_CLERK),
        ),
    )
    todos = (
        Todo(
            "grants.review",
            _("Applications to review"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.review_grant",
            order=10,
        ),
        Todo(
            "grants.notice",
            _("Reviewed, to put on public notice"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.approve_grant",
            order=20,
        ),
        Todo(
            "grants.approve",
            _("Public notice ended, to approve"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.approve_grant",
            order=30,
        ),
        Todo(
            "grants.batch",
            _("Approved, waiting for a payment batch"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.add_paymentbatch",
            order=40,
        ),
        Todo(
            "batches.unpaid",
            _("Payment batches not yet marked paid"),
            "gonghui.assistance.selectors.batches_waiting",
            "admin:assistance_paymentbatch_changelist",
            "assistance.change_paymentbatch",
            order=50,
        ),
        Todo(
            "grants.draft",
            _("Applications not yet submitted"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.add_grant",
            order=60,
        ),
        Todo(
            "grants.returned",
            _("Applications rejected (campaign still open)"),
            "gonghui.assistance.selectors.grants_waiting",
            "admin:assistance_grant_approvals",
            "assistance.add_grant",
            order=70,
        ),
        Todo(
            "files.review",
            _("Hardship files due for their yearly review"),
            "gonghui.assistance.selectors.files_waiting",
            "admin:assistance_hardshipfile_changelist",
            "assistance.change_hardshipfile",
            order=80,
        ),
    )
    actions = (
        MenuItem(
            _("New application"), "post_add", "admin:assistance_grant_add", "assistance.add_grant"
        ),
    )
    grants = {
        PLATFORM_ADMIN: AID_RUN | crud("assistance.localpolicy", "add", "change"),
        FEDERATION_STAFF: AID_RUN,
        TOWNSHIP_STAFF: AID_REVIEW,
        GRASSROOTS_CLERK: AID_APPLY,
    }
