"""Every read of collective contracts that users see, scoped to the actor's subtree."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from gonghui.core.scoping import scope
from gonghui.orgs.models import Employer
from gonghui.rights.models import OBJECTION_DAYS, CollectiveContract

S = CollectiveContract.Status
# A contract is due for renewal this many days before it expires: a wage agreement is
# renegotiated within the 60 days before its year ends, the others are taken up as early.
RENEWAL_DAYS = 60


def contracts_visible_to(actor) -> QuerySet[CollectiveContract]:
    return scope(CollectiveContract.objects.select_related("org", "renewal_of"), actor)


def contract_employers_choosable(actor) -> QuerySet[Employer]:
    """The employers a contract of the actor's may cover: those registered in the actor's
    subtree or whose union is in it (an employer is registered with its township, and its own
    union signs its contract)."""
    own = getattr(actor, "org", None)
    if own is None or not getattr(actor, "is_active", False):
        return Employer.objects.none()
    path = own.path
    return (
        Employer.objects.filter(is_active=True)
        .filter(Q(org__path__startswith=path) | Q(union__path__startswith=path))
        .select_related("org", "union")
        .order_by("name")
    )


def contracts_expiring(actor, today: datetime.date, within: int = RENEWAL_DAYS):
    """Contracts in force that expire within ``within`` days and are not yet being renewed."""
    return (
        contracts_visible_to(actor)
        .filter(
            status=S.IN_FORCE,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=within),
        )
        .exclude(renewals__isnull=False)
    )


def contracts_waiting(actor, key: str, today: datetime.date) -> QuerySet[CollectiveContract]:
    """``contracts.renewal``: in force and expiring within 60 days, no renewal under way;
    ``contracts.effect``: filed, the 15-day objection window over, to be recorded in force."""
    if key == "contracts.renewal":
        return contracts_expiring(actor, today)
    if key == "contracts.effect":
        return contracts_visible_to(actor).filter(
            status=S.FILED, filed_on__lte=today - datetime.timedelta(days=OBJECTION_DAYS)
        )
    return CollectiveContract.objects.none()


def contract_progress(actor, contract: CollectiveContract, today: datetime.date | None = None):
    """The step bar (a contract sent back shows the statuses it passed), who acts next, the
    steps the actor may take now, those waiting for a day, and the history."""
    from gonghui.core.selectors import record_history
    from gonghui.rights.services import CONTRACT

    history = record_history(actor, contract)
    passed = {(e.details or {}).get("from") for e in history if (e.details or {}).get("from")}
    return {
        "bar": CONTRACT.progress(contract, passed),
        "next": CONTRACT.next_hint(contract),
        "steps": CONTRACT.available_steps(actor, contract, today),
        "waiting": [said for _step, said in CONTRACT.waiting_steps(actor, contract, today)],
        "history": history,
    }
