"""What each role may do. Permissions follow the role; the org subtree limits where.

A permission here answers "may this kind of user add/change/view this kind of record at all";
which records is always decided by the org scope (``gonghui.core.scoping``).
"""

from gonghui.accounts.models import Role


def _crud(app_model: str, *actions: str) -> set[str]:
    app, model = app_model.split(".")
    return {f"{app}.{action}_{model}" for action in actions}


ALL = ("view", "add", "change", "delete")

# Everyone who keeps a roster: register, correct, change status, import, transfer.
MEMBER_WORK = (
    _crud("members.person", "view", "add", "change")
    | _crud("members.membership", "view", "change")
    | _crud("members.membershiptransfer", "view", "add", "change")
    | _crud("core.importjob", "view", "add")
)
# Full ID numbers and unmasked exports: federation staff who pay and report, each time logged.
PERSONAL_DATA = {"members.view_full_id_number", "members.export_unmasked"}

# Assistance, by how far up the tree the work is done.
AID_APPLY = (
    _crud("assistance.hardshipfile", "view", "add")
    | _crud("assistance.campaign", "view")
    | _crud("assistance.amountstandard", "view")
    | _crud("assistance.grant", "view", "add", "change")
    | _crud("assistance.grouprelief", "view", "add", "change")
    | _crud("assistance.localpolicy", "view")
)
AID_REVIEW = (
    AID_APPLY
    | _crud("assistance.hardshipfile", "change")
    | _crud("assistance.campaign", "add", "change")
    | _crud("assistance.amountstandard", "add", "change", "delete")
    | _crud("assistance.grouprelief", "delete")
    | _crud("assistance.paymentbatch", "view")
    | {"assistance.review_grant"}
)
AID_RUN = (
    AID_REVIEW
    | _crud("assistance.campaign", "delete")
    | _crud("assistance.paymentbatch", "add", "change")
    | {"assistance.approve_grant"}
)

# Whoever keeps the ledger also writes the org's work report from it.
LEDGER = (
    _crud("ledger.ledgerentry", *ALL)
    | _crud("ledger.ledgercategory", "view")
    | _crud("reports.target", "view")
    | _crud("reports.workreport", *ALL)
)
TARGETS = _crud("reports.target", *ALL)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PLATFORM_ADMIN: frozenset(
        _crud("orgs.org", *ALL)
        | _crud("orgs.employer", *ALL)
        | _crud("orgs.servicepoint", *ALL)
        | _crud("accounts.user", *ALL)
        | _crud("core.event", "view")
        | MEMBER_WORK
        | PERSONAL_DATA
        | _crud("core.accesslog", "view")
        | AID_RUN
        | _crud("assistance.localpolicy", "add", "change")
        | LEDGER
        | _crud("ledger.ledgercategory", "add", "change")
        | TARGETS
    ),
    Role.FEDERATION_STAFF: frozenset(
        _crud("orgs.org", *ALL)
        | _crud("orgs.employer", *ALL)
        | _crud("orgs.servicepoint", *ALL)
        | _crud("accounts.user", "view")
        | _crud("core.event", "view")
        | MEMBER_WORK
        | PERSONAL_DATA
        | AID_RUN
        | LEDGER
        | TARGETS
    ),
    Role.TOWNSHIP_STAFF: frozenset(
        _crud("orgs.org", "view", "add", "change")
        | _crud("orgs.employer", *ALL)
        | _crud("orgs.servicepoint", *ALL)
        | _crud("core.event", "view")
        | MEMBER_WORK
        | AID_REVIEW
        | LEDGER
        | TARGETS
    ),
    Role.GRASSROOTS_CLERK: frozenset(
        _crud("orgs.org", "view", "change")
        | _crud("orgs.employer", "view")
        | _crud("orgs.servicepoint", "view", "add", "change")
        | _crud("core.event", "view")
        | MEMBER_WORK
        | AID_APPLY
        | LEDGER
    ),
}
