"""Every read of the rights area that users see, scoped to the actor's subtree: collective
contracts, the workers' congresses and their sessions, and the mediation rooms' mediators and
cases."""

from __future__ import annotations

import datetime

from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from gonghui.core.scoping import scope
from gonghui.core.selectors import workflow_progress
from gonghui.orgs.models import Employer, ServicePoint
from gonghui.rights.models import (
    OBJECTION_DAYS,
    CollectiveContract,
    CongressMeeting,
    DisputeCase,
    HotlineCall,
    LegalAidCase,
    Mediator,
    WorkersCongress,
)

S = CollectiveContract.Status
# A contract is due for renewal this many days before it expires: a wage agreement is
# renegotiated within the 60 days before its year ends, the others are taken up as early.
RENEWAL_DAYS = 60
# A case in mediation longer than this is overdue: a mediation the court refers has 30 days
# (最高人民法院 特邀调解规定 art. 25), and the rooms hold their own cases to the same.
MEDIATION_DAYS = 30


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
    from gonghui.rights.services import CONTRACT

    return workflow_progress(actor, contract, CONTRACT, today)


def mediators_visible_to(actor) -> QuerySet[Mediator]:
    return scope(Mediator.objects.select_related("org", "room"), actor)


def mediation_rooms_choosable(actor) -> QuerySet[ServicePoint]:
    """The mediation rooms in use in the actor's subtree: where a case or a mediator goes."""
    return scope(
        ServicePoint.objects.filter(kind=ServicePoint.Kind.MEDIATION_ROOM, is_active=True),
        actor,
    ).select_related("org")


def cases_visible_to(actor) -> QuerySet[DisputeCase]:
    return scope(DisputeCase.objects.select_related("org", "room", "employer", "mediator"), actor)


def case_mediators_choosable(actor, case: DisputeCase) -> QuerySet[Mediator]:
    """Who may take the case: the active mediators of its room."""
    return mediators_visible_to(actor).filter(room_id=case.room_id, is_active=True)


def cases_waiting(actor, key: str, today: datetime.date) -> QuerySet[DisputeCase]:
    """``disputes.intake``: received, no mediator yet; ``disputes.overdue``: in mediation for
    more than 30 days."""
    C = DisputeCase.Status
    if key == "disputes.intake":
        return cases_visible_to(actor).filter(status=C.RECEIVED)
    if key == "disputes.overdue":
        return cases_visible_to(actor).filter(
            status=C.MEDIATING,
            mediation_started_on__lt=today - datetime.timedelta(days=MEDIATION_DAYS),
        )
    return DisputeCase.objects.none()


def case_progress(actor, case: DisputeCase, today: datetime.date | None = None):
    from gonghui.rights.services import CASE

    return workflow_progress(actor, case, CASE, today)


def congresses_visible_to(actor) -> QuerySet[WorkersCongress]:
    return scope(WorkersCongress.objects.select_related("org", "employer"), actor)


def meetings_visible_to(actor) -> QuerySet[CongressMeeting]:
    return scope(
        CongressMeeting.objects.select_related("org", "congress", "congress__employer"), actor
    )


def congress_employers_choosable(actor) -> QuerySet[Employer]:
    """Employers whose union is in the actor's subtree and whose congress is not recorded."""
    own = getattr(actor, "org", None)
    if own is None:
        return Employer.objects.none()
    return contract_employers_choosable(actor).filter(
        union__isnull=False, union__path__startswith=own.path, workers_congress__isnull=True
    )


def met_in_year(year: int, until: datetime.date) -> Exists:
    """Whether a congress held a session in ``year`` up to ``until``."""
    return Exists(
        CongressMeeting.objects.filter(
            congress=OuterRef("pk"), held_on__gte=datetime.date(year, 1, 1), held_on__lte=until
        )
    )


def congresses_overdue(actor, today: datetime.date) -> QuerySet[WorkersCongress]:
    """Congresses without a session this year yet (the statute asks for one a year)."""
    return (
        congresses_visible_to(actor)
        .filter(established_on__lte=today)
        .exclude(met_in_year(today.year, today))
    )


def congresses_waiting(actor, key: str, today: datetime.date) -> QuerySet[WorkersCongress]:
    """``congresses.session``: no session this year yet; ``congresses.term``: the term ended,
    the representatives to be elected again."""
    if key == "congresses.session":
        return congresses_overdue(actor, today)
    if key == "congresses.term":
        # The term's last day is before today: the next term would have started by today.
        next_term = Cast(
            ExpressionWrapper(
                F("term_started_on")
                + Func(F("term_years"), template="make_interval(years => %(expressions)s)"),
                output_field=DateTimeField(),
            ),
            DateField(),
        )
        return congresses_visible_to(actor).alias(next_term=next_term).filter(next_term__lte=today)
    return WorkersCongress.objects.none()


def aids_visible_to(actor) -> QuerySet[LegalAidCase]:
    return scope(LegalAidCase.objects.select_related("org", "employer"), actor)


def aids_waiting(actor, key: str, today: datetime.date) -> QuerySet[LegalAidCase]:
    """``aid.decide``: applications waiting for the decision."""
    if key == "aid.decide":
        return aids_visible_to(actor).filter(status=LegalAidCase.Status.APPLIED)
    return LegalAidCase.objects.none()


def aid_progress(actor, aid: LegalAidCase, today: datetime.date | None = None):
    from gonghui.rights.services import AID

    return workflow_progress(actor, aid, AID, today)


def calls_visible_to(actor) -> QuerySet[HotlineCall]:
    return scope(HotlineCall.objects.select_related("org", "dispute_case", "legal_aid"), actor)


def calls_waiting(actor, key: str, today: datetime.date) -> QuerySet[HotlineCall]:
    """``calls.follow_up``: calls to call back by today, not yet called back."""
    if key == "calls.follow_up":
        return calls_visible_to(actor).filter(follow_up_due__lte=today, followed_up_on__isnull=True)
    return HotlineCall.objects.none()
