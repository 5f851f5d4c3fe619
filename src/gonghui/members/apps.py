from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    FEDERATION_STAFF,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    ROLES,
    DemoPart,
    ExportKind,
    ImportKind,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

# The roster upload: in the sidebar and among the home page's quick actions.
IMPORT_ROSTER = MenuItem(
    _("Import roster"),
    "upload_file",
    "admin:core_importjob_upload",
    "members.add_person",
    args=("members",),
)

# Everyone who keeps a roster: register, correct, change status, import, transfer.
MEMBER_WORK = (
    crud("members.person", "view", "add", "change")
    | crud("members.membership", "view", "change")
    | crud("members.membershiptransfer", "view", "add", "change")
    | crud("core.importjob", "view", "add")
    | crud("core.exportjob", "view")
)
# Full ID numbers and unmasked exports: federation staff who pay and report, each time logged.
PERSONAL_DATA = frozenset({"members.view_full_id_number", "members.export_unmasked"})


class MembersConfig(workareas.WorkAreaApp):
    name = "gonghui.members"
    verbose_name = _("Member registry")

    work_area = WorkArea.MEMBERS
    indicators = "gonghui.members.indicators.INDICATORS"
    report_section = "gonghui.members.report.section"
    exports = (
        ExportKind(
            "members",
            "gonghui.members.exports.export_job_write",
            "会员名册",
            "members.view_person",
        ),
    )
    imports = (
        ImportKind(
            "members",
            "gonghui.members.imports.MemberRosterSpec",
            "会员名册（会员信息采集表）",
        ),
    )
    demo = (DemoPart(_("Member roster"), "gonghui.members.demo.build_members", 30),)
    menu = (
        MenuItem(_("Members"), "badge", "admin:members_person_changelist", "members.view_person"),
        IMPORT_ROSTER,
        MenuItem(
            _("Membership transfers"),
            "swap_horiz",
            "admin:members_membershiptransfer_changelist",
            "members.view_membershiptransfer",
        ),
    )
    todos = (
        Todo(
            "transfers.incoming",
            _("Member transfers to accept"),
            "gonghui.members.selectors.members_waiting",
            "admin:members_membershiptransfer_changelist",
            "members.change_membershiptransfer",
            order=10,
        ),
        Todo(
            "members.provisional",
            _("Provisional members to confirm"),
            "gonghui.members.selectors.members_waiting",
            "admin:members_person_changelist",
            "members.change_membership",
            order=20,
        ),
    )
    actions = (
        MenuItem(
            _("Register a member"), "person_add", "admin:members_person_add", "members.add_person"
        ),
        IMPORT_ROSTER,
    )
    grants = {
        **dict.fromkeys(ROLES, MEMBER_WORK),
        PLATFORM_ADMIN: MEMBER_WORK | PERSONAL_DATA,
        FEDERATION_STAFF: MEMBER_WORK | PERSONAL_DATA,
        GRASSROOTS_CLERK: MEMBER_WORK,
    }

    def ready(self):
        from gonghui.core.crypto import KEY_PROBES
        from gonghui.members.crypto import ID_PURPOSE

        # Every person's ID number is encrypted with the installation's key: one proves it.
        KEY_PROBES.append(("members.Person", "id_number", ID_PURPOSE))
