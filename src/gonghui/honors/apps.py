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

# The grassroots union nominates and keeps its part of the register; the township reviews;
# the federation keeps the honours, sets the quotas, recommends, publishes and records.
NOMINATE = (
    crud("honors.honor", "view")
    | crud("honors.honorquota", "view")
    | crud("honors.honornomination", "view", "add", "change")
    | crud("honors.honoraward", "view")
    | crud("honors.modelworker", "view", "change")
    # The union the model worker is reached through answers "was my allowance paid?".
    | crud("honors.carepayment", "view")
)
# The township sees the care its unions' model workers get, and the standards.
REVIEW = NOMINATE | {"honors.review_honornomination"} | crud("honors.carestandard", "view")
KEEP = (
    REVIEW
    | crud("honors.honor", "add", "change", "delete")
    | crud("honors.honorquota", "add", "change", "delete")
    | crud("honors.honoraward", "add", "change", "delete")
    | {"honors.recommend_honornomination"}
    | crud("honors.carestandard", "view", "add", "change", "delete")
    | crud("honors.carepayment", "view", "add", "change")
    | crud("honors.carebatch", "view", "add", "change")
)
WAITING = "gonghui.honors.selectors.nominations_waiting"
APPROVALS = "admin:honors_honornomination_approvals"


class HonorsConfig(workareas.WorkAreaApp):
    name = "gonghui.honors"
    verbose_name = _("Model workers and honours")

    work_area = WorkArea.HONOURS
    indicators = "gonghui.honors.indicators.INDICATORS"
    report_section = "gonghui.honors.report.section"
    imports = (ImportKind("honors", "gonghui.honors.imports.HonorRollSpec", "历年劳模和荣誉名册"),)
    demo = (DemoPart(_("Model workers and honours"), "gonghui.honors.demo.build", 50),)
    # The ledger's 慰问劳模 is now care payments to named model workers, by the standard.
    supersedes = ("honours.visit",)
    menu = (
        MenuItem(
            _("Nomination approvals"),
            "how_to_vote",
            APPROVALS,
            "honors.view_honornomination",
        ),
        MenuItem(
            _("Nominations"),
            "person_add",
            "admin:honors_honornomination_changelist",
            "honors.view_honornomination",
        ),
        MenuItem(
            _("Honours conferred"),
            "military_tech",
            "admin:honors_honoraward_changelist",
            "honors.view_honoraward",
        ),
        MenuItem(
            _("Register of model workers"),
            "badge",
            "admin:honors_modelworker_changelist",
            "honors.view_modelworker",
        ),
        MenuItem(
            _("Care for model workers"),
            "volunteer_activism",
            "admin:honors_carepayment_changelist",
            "honors.view_carepayment",
        ),
        MenuItem(
            _("Care payment batches"),
            "account_balance",
            "admin:honors_carebatch_changelist",
            "honors.view_carebatch",
            hidden_for=(TOWNSHIP_STAFF,),
        ),
        MenuItem(
            _("Care standards"),
            "rule",
            "admin:honors_carestandard_changelist",
            "honors.view_carestandard",
            hidden_for=(TOWNSHIP_STAFF,),
        ),
        MenuItem(
            _("Honours and rounds"),
            "emoji_events",
            "admin:honors_honor_changelist",
            "honors.view_honor",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Quotas"),
            "pie_chart",
            "admin:honors_honorquota_changelist",
            "honors.view_honorquota",
            hidden_for=(GRASSROOTS_CLERK,),
        ),
        MenuItem(
            _("Import honour roll"),
            "upload_file",
            "admin:core_importjob_upload",
            "honors.add_honoraward",
            args=("honors",),
        ),
    )
    todos = (
        Todo(
            "nominations.review",
            _("Nominations to review"),
            WAITING,
            APPROVALS,
            "honors.review_honornomination",
            order=10,
        ),
        Todo(
            "nominations.recommend",
            _("Nominations to recommend"),
            WAITING,
            APPROVALS,
            "honors.recommend_honornomination",
            order=20,
        ),
        Todo(
            "nominations.notice",
            _("Recommended, to put on public notice"),
            WAITING,
            APPROVALS,
            "honors.recommend_honornomination",
            order=30,
        ),
        Todo(
            "nominations.decide",
            _("Sent up, decision to record"),
            WAITING,
            APPROVALS,
            "honors.recommend_honornomination",
            order=40,
        ),
        Todo(
            "nominations.draft",
            _("Nominations not yet submitted"),
            WAITING,
            APPROVALS,
            "honors.add_honornomination",
            order=50,
        ),
        Todo(
            "care.approve",
            _("Care payments to approve"),
            "gonghui.honors.selectors.care_waiting",
            "admin:honors_carepayment_changelist",
            "honors.change_carepayment",
            order=55,
        ),
        Todo(
            "care.batch",
            _("Approved care, waiting for a payment batch"),
            "gonghui.honors.selectors.care_waiting",
            "admin:honors_carepayment_changelist",
            "honors.add_carebatch",
            order=56,
        ),
        Todo(
            "register.verify",
            _("Model workers to verify this year"),
            "gonghui.honors.selectors.model_workers_waiting",
            "admin:honors_modelworker_changelist",
            "honors.change_modelworker",
            order=60,
        ),
    )
    actions = (
        MenuItem(
            _("New nomination"),
            "person_add",
            "admin:honors_honornomination_add",
            "honors.add_honornomination",
        ),
    )
    grants = {
        PLATFORM_ADMIN: KEEP,
        FEDERATION_STAFF: KEEP,
        TOWNSHIP_STAFF: REVIEW,
        GRASSROOTS_CLERK: NOMINATE,
    }
