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

# The employer's union enrols its members and files their claims; the township follows its
# unions; the federation runs the plans, records the premiums, decides and pays the claims.
ENROL = (
    crud("mutualaid.aidplan", "view")
    | crud("mutualaid.aidplanedition", "view")
    | crud("mutualaid.aidenrollmentbatch", "view", "add", "delete")
    | crud("mutualaid.aidenrollment", "view")
    | crud("mutualaid.aidclaim", "view", "add", "change")
)
FOLLOW = (
    crud("mutualaid.aidplan", "view")
    | crud("mutualaid.aidplanedition", "view")
    | crud("mutualaid.aidenrollmentbatch", "view")
    | crud("mutualaid.aidenrollment", "view")
    | crud("mutualaid.aidclaim", "view")
)
RUN = (
    ENROL
    | crud("mutualaid.aidplan", "add", "change", "delete")
    | crud("mutualaid.aidplanedition", "add", "change", "delete")
    | crud("mutualaid.aidenrollmentbatch", "change")
    | {"mutualaid.approve_aidclaim"}
    | crud("mutualaid.aidclaimbatch", "view", "add", "change")
)
APPROVALS = "admin:mutualaid_aidclaim_approvals"
CLAIMS_WAITING = "gonghui.mutualaid.selectors.claims_waiting"


class MutualAidConfig(workareas.WorkAreaApp):
    name = "gonghui.mutualaid"
    verbose_name = _("Mutual medical aid")

    work_area = WorkArea.MUTUAL_AID
    indicators = "gonghui.mutualaid.indicators.INDICATORS"
    report_section = "gonghui.mutualaid.report.section"
    imports = (
        ImportKind(
            "mutualaid", "gonghui.mutualaid.imports.EnrollmentRosterSpec", "互助保障参保名单"
        ),
    )
    demo = (DemoPart(_("Mutual medical aid"), "gonghui.mutualaid.demo.build", 55),)
    # Enrolment and payouts are now records of people; the ledger's counters stay for the past.
    supersedes = ("mutual.enrolment", "mutual.payout")
    menu = (
        MenuItem(_("Claim approvals"), "fact_check", APPROVALS, "mutualaid.view_aidclaim"),
        MenuItem(
            _("Mutual-aid claims"),
            "medical_services",
            "admin:mutualaid_aidclaim_changelist",
            "mutualaid.view_aidclaim",
        ),
        MenuItem(
            _("Enrolment batches"),
            "groups",
            "admin:mutualaid_aidenrollmentbatch_changelist",
            "mutualaid.view_aidenrollmentbatch",
        ),
        MenuItem(
            _("Enrolled members"),
            "how_to_reg",
            "admin:mutualaid_aidenrollment_changelist",
            "mutualaid.view_aidenrollment",
        ),
        MenuItem(
            _("Enrolment against targets"),
            "flag",
            "admin:mutualaid_aidenrollmentbatch_progress",
            "mutualaid.view_aidenrollmentbatch",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Payout batches"),
            "account_balance",
            "admin:mutualaid_aidclaimbatch_changelist",
            "mutualaid.view_aidclaimbatch",
        ),
        MenuItem(
            _("Mutual-aid plans"),
            "health_and_safety",
            "admin:mutualaid_aidplan_changelist",
            "mutualaid.view_aidplan",
        ),
        MenuItem(
            _("Plan editions"),
            "rule",
            "admin:mutualaid_aidplanedition_changelist",
            "mutualaid.view_aidplanedition",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Import enrolment roster"),
            "upload_file",
            "admin:core_importjob_upload",
            "mutualaid.add_aidenrollmentbatch",
            args=("mutualaid",),
        ),
    )
    todos = (
        Todo(
            "claims.submit",
            _("Mutual-aid claims not yet submitted"),
            CLAIMS_WAITING,
            APPROVALS,
            "mutualaid.change_aidclaim",
            order=10,
        ),
        Todo(
            "claims.review",
            _("Mutual-aid claims to review"),
            CLAIMS_WAITING,
            APPROVALS,
            "mutualaid.approve_aidclaim",
            order=20,
        ),
        Todo(
            "claims.pay",
            _("Approved mutual-aid claims waiting for a payment batch"),
            CLAIMS_WAITING,
            "admin:mutualaid_aidclaim_changelist",
            "mutualaid.add_aidclaimbatch",
            order=30,
        ),
        Todo(
            "enrolment.premium",
            _("Enrolment rosters whose premium is not yet paid"),
            "gonghui.mutualaid.selectors.batches_waiting",
            "admin:mutualaid_aidenrollmentbatch_changelist",
            "mutualaid.change_aidenrollmentbatch",
            order=40,
        ),
    )
    actions = (
        MenuItem(
            _("File a mutual-aid claim"),
            "medical_services",
            "admin:mutualaid_aidclaim_add",
            "mutualaid.add_aidclaim",
        ),
    )
    grants = {
        PLATFORM_ADMIN: RUN,
        FEDERATION_STAFF: RUN,
        TOWNSHIP_STAFF: FOLLOW,
        GRASSROOTS_CLERK: ENROL,
    }
