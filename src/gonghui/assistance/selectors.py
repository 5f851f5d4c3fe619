"""Every read of assistance that users see, scoped to the actor's subtree.

A campaign is seen by everyone in its organiser's subtree (they apply to it) and by the
organiser's ancestors; grants, files and relief by the subtree of their own org.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import (
    AmountStandard,
    Campaign,
    Grant,
    GroupRelief,
    HardshipCategory,
    HardshipFile,
    LocalPolicy,
    PaymentBatch,
)
from gonghui.assistance.services import REVIEW_EVERY
from gonghui.core import idnumbers
from gonghui.core.idnumbers import masked_name
from gonghui.core.scoping import scope, subtree_q
from gonghui.orgs.models import Org

NOT_ON_FILE = gettext_lazy("Not on file")
# No household's yearly income or expenses reach this (yuan).
LARGEST = Decimal(10) ** 10


def policies_visible_to(actor) -> QuerySet[LocalPolicy]:
    """Local standards are a region's public numbers: every member of staff may read them
    (changing them is for platform administrators, by permission)."""
    if actor is None or not getattr(actor, "is_active", False):
        return LocalPolicy.objects.none()
    return LocalPolicy.objects.all()


def standards_visible_to(actor) -> QuerySet[AmountStandard]:
    return scope(AmountStandard.objects.select_related("campaign"), actor, "campaign__org")


def campaigns_visible_to(actor) -> QuerySet[Campaign]:
    own = getattr(actor, "org", None)
    if own is None or not getattr(actor, "is_active", False):
        return Campaign.objects.none()
    # Campaigns organised within the actor's subtree, or above it (the actor applies to them).
    above = own.ancestor_paths()
    return Campaign.objects.filter(subtree_q(actor) | Q(org__path__in=above)).select_related("org")


def campaign_get(actor, pk) -> Campaign:
    return _get(campaigns_visible_to(actor), pk)


def _get(queryset, pk):
    from gonghui.core.errors import NotFound

    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def grants_visible_to(actor) -> QuerySet[Grant]:
    return scope(Grant.objects.all(), actor).select_related("campaign", "person", "org")


def files_visible_to(actor) -> QuerySet[HardshipFile]:
    return scope(HardshipFile.objects.all(), actor).select_related("applicant", "org")


def reliefs_visible_to(actor) -> QuerySet[GroupRelief]:
    return scope(GroupRelief.objects.all(), actor).select_related("campaign", "org")


def batches_visible_to(actor) -> QuerySet[PaymentBatch]:
    return scope(PaymentBatch.objects.all(), actor).select_related("campaign", "org")


def review_q(state: str, today: datetime.date | None = None) -> Q:
    """Open files whose yearly review is overdue, or due within 60 days."""
    today = today or timezone.localdate()
    open_files = Q(status__in=HardshipFile.OPEN)
    if state == "overdue":
        return open_files & Q(reviewed_on__lt=today - REVIEW_EVERY)
    if state == "due":
        return open_files & Q(
            reviewed_on__gte=today - REVIEW_EVERY,
            reviewed_on__lt=today - REVIEW_EVERY + datetime.timedelta(days=60),
        )
    return Q()


def notice_rows(actor, campaign: Campaign) -> list[dict]:
    """The public notice (公示) list: grants on notice, names and IDs masked."""
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE

    c = cipher()
    rows = []
    grants = (
        grants_visible_to(actor)
        .filter(campaign=campaign, status=Grant.Status.NOTICED)
        .select_related("person", "org")
        .order_by("org__path", "person__name")
    )
    for g in grants:
        rows.append(
            {
                "org": g.org.name,
                "name": masked_name(g.person.name),
                "id_number": idnumbers.mask(c.decrypt(g.person.id_number, ID_PURPOSE)),
                "student": masked_name(g.student_name),
                "school_level": g.get_school_level_display() if g.school_level else "",
                "category": g.get_category_display() if g.category else "",
                "amount": g.amount,
                "noticed_on": g.noticed_on,
                "notice_ends_on": g.notice_ends_on,
            }
        )
    return rows


@dataclass
class Notice:
    """A public notice (公示) as it is posted: the title, the list, its total, the period it
    runs, where objections go, and the 落款 (the organiser and the day)."""

    campaign: Campaign
    title: str
    rows: list[dict]
    total: Decimal
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    contact: str
    signed_by: str
    signed_on: datetime.date

    @property
    def period(self) -> str:
        """公示时间：2026年10月20日至2026年10月25日 (the dates of the applications on notice)."""
        from gonghui.core.exports import day_words

        if self.starts_on is None:
            return ""
        return f"{day_words(self.starts_on)}至{day_words(self.ends_on or self.starts_on)}"

    @property
    def objections(self) -> str:
        return self.contact or self.signed_by


def notice_of(actor, campaign: Campaign, today: datetime.date | None = None) -> Notice:
    """The campaign's public notice for ``actor``: its grants on notice (names and ID numbers
    masked), with what a posted notice must say besides the list."""
    rows = notice_rows(actor, campaign)
    starts = [r["noticed_on"] for r in rows if r["noticed_on"]]
    ends = [r["notice_ends_on"] for r in rows if r["notice_ends_on"]]
    return Notice(
        campaign=campaign,
        title=f"{campaign.org.name}{campaign.name}拟资助人员名单公示",
        rows=rows,
        total=sum((r["amount"] for r in rows), Decimal(0)),
        starts_on=min(starts) if starts else None,
        ends_on=max(ends) if ends else None,
        contact=campaign.objection_contact,
        signed_by=campaign.org.name,
        signed_on=today or timezone.localdate(),
    )


@dataclass
class Figures:
    """Money and people of a campaign within one part of the tree."""

    label: str
    org_id: int | None = None
    committed: Decimal = Decimal(0)  # approved + paid
    paid: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)  # submitted, reviewed, on notice
    people: int = 0  # distinct recipients approved or paid
    grants: int = 0
    relief_people: int = 0
    relief_amount: Decimal = Decimal(0)


@dataclass
class CampaignDashboard:
    campaign: Campaign
    root: Org
    total: Figures
    by_org: list[Figures] = field(default_factory=list)
    by_category: list[Figures] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.campaign.budget - self.total.committed


def _money_by(grants: QuerySet, key) -> dict:
    """Grant money and people grouped by ``key`` (an expression), in one query."""
    committed = Q(status__in=Grant.COMMITTED)
    pending = Q(status__in=("submitted", "reviewed", "noticed"))
    amount = F("cash_amount") + F("goods_value")
    rows = (
        grants.order_by()  # the model's ordering would join the GROUP BY
        .annotate(group=key)
        .values("group")
        .annotate(
            committed=Sum(amount, filter=committed),
            paid=Sum(amount, filter=Q(status="paid")),
            pending=Sum(amount, filter=pending),
            people=Count("person", filter=committed, distinct=True),
            grants=Count("id", filter=committed),
        )
    )
    return {row.pop("group"): row for row in rows}


def _relief_by(reliefs: QuerySet, key) -> dict:
    rows = (
        reliefs.order_by()
        .annotate(group=key)
        .values("group")
        .annotate(n=Sum("headcount"), amount=Sum(F("cash_amount") + F("goods_value")))
    )
    return {row["group"]: row for row in rows}


def _figures(label: str, org_id, money: dict | None, relief: dict | None) -> Figures:
    money, relief = money or {}, relief or {}
    return Figures(
        label=label,
        org_id=org_id,
        committed=money.get("committed") or Decimal(0),
        paid=money.get("paid") or Decimal(0),
        pending=money.get("pending") or Decimal(0),
        people=money.get("people") or 0,
        grants=money.get("grants") or 0,
        relief_people=relief.get("n") or 0,
        relief_amount=relief.get("amount") or Decimal(0),
    )


def _shows(f: Figures) -> bool:
    return bool(f.committed or f.pending or f.relief_people)


def campaign_dashboard(actor, campaign: Campaign, root: Org | None = None) -> CampaignDashboard:
    """Budget, committed, paid and people of a campaign for the actor's part of the tree, then
    per child org (each with its whole subtree) and per hardship category.

    A fixed handful of grouped queries whatever the number of orgs: records are grouped by the
    child whose path prefixes their org's path (the root's own records under the root's path).
    """
    own = actor.org
    if root is None or not root.path.startswith(own.path):
        root = own
    grants = Grant.objects.filter(campaign=campaign, org__path__startswith=root.path)
    reliefs = GroupRelief.objects.filter(campaign=campaign, org__path__startswith=root.path)
    everything = Value(1)
    board = CampaignDashboard(
        campaign,
        root,
        _figures(
            root.name,
            root.pk,
            _money_by(grants, everything).get(1),
            _relief_by(reliefs, everything).get(1),
        ),
    )
    branch = Substr("org__path", 1, len(root.path) + 11)
    money, relief = _money_by(grants, branch), _relief_by(reliefs, branch)
    own_level = _figures(root.name, root.pk, money.get(root.path), relief.get(root.path))
    if _shows(own_level):
        board.by_org.append(own_level)
    for child in Org.objects.filter(parent=root).order_by("code"):
        figures = _figures(child.name, child.pk, money.get(child.path), relief.get(child.path))
        if _shows(figures):
            board.by_org.append(figures)
    by_category = _money_by(grants, F("category"))
    for code, label in [*HardshipFile._meta.get_field("category").choices, ("", NOT_ON_FILE)]:
        figures = _figures(str(label), None, by_category.get(code), None)
        if figures.committed or figures.pending:
            board.by_category.append(figures)
    return board


def grant_next_steps(actor, grant: Grant) -> list:
    """The steps this actor may take on this grant now (``services.GRANT``), for its buttons."""
    from gonghui.assistance.services import GRANT

    return GRANT.available_steps(actor, grant)


def grant_queues(
    actor, campaign: Campaign | None = None, key: str = "", page=1, today=None
) -> dict:
    """The grants' 审批 page (``core.selectors.queue_board`` over ``services.GRANT``), for one
    campaign or all, with the chosen tab's total amount."""
    from gonghui.assistance.services import GRANT
    from gonghui.core.selectors import queue_board

    def narrow(grants):
        grants = grants.select_related("person", "org", "campaign__org")
        return grants.filter(campaign=campaign) if campaign is not None else grants

    board = queue_board(actor, GRANT, key, narrow=narrow, today=today, page=page)
    if board["tab"] is not None:
        sums = board["tab"]["records"].aggregate(cash=Sum("cash_amount"), goods=Sum("goods_value"))
        board["total"] = (sums["cash"] or Decimal(0)) + (sums["goods"] or Decimal(0))
    return board


def person_lookup(
    actor, campaign: Campaign | None = None, text: str = "", person_pk=None, school_level=""
) -> dict:
    """What the application and hardship-file forms show as the clerk types: the members the
    typed name or number finds in the actor's subtree (``members.selectors.people_found``),
    each with their open hardship file's category as its note; for an application, the fields
    the campaign asks for (student fields for school aid, the group where a file is not
    required) and, once one person is settled, the campaign's amount standard for them: the
    most the grant may give, which the form offers as the amount."""
    from gonghui.assistance.services import standard_for
    from gonghui.members.selectors import people_found, person_card

    answer = {"school": False, "groups": False, "people": [], "standard": None}
    if campaign is not None:
        answer["school"] = campaign.kind == Campaign.Kind.SCHOOL_AID
        answer["groups"] = campaign.eligibility == Campaign.Eligibility.ON_FILE_OR_GROUPS
    found, answer["more"] = people_found(actor, text, person_pk)
    # Only files the actor may see: a member who moved in may have one held by another
    # township, whose category is not the actor's to learn here.
    files = {
        f.applicant_id: f
        for f in files_visible_to(actor).filter(
            applicant__in=[p.pk for p in found], status__in=HardshipFile.OPEN
        )
    }
    for person in found:
        file = files.get(person.pk)
        card = person_card(person)
        card["note"] = file.get_category_display() if file else str(NOT_ON_FILE)
        answer["people"].append(card)
    if campaign is not None and len(found) == 1:
        file = files.get(found[0].pk)
        limit = standard_for(campaign, file.category if file else "", school_level)
        answer["standard"] = str(limit) if limit is not None else None
    return answer


def file_assessment(
    actor,
    org_pk,
    household_size,
    annual_income,
    expenses=(),
    accident: bool = False,
    on: datetime.date | None = None,
) -> dict:
    """The hardship file form's live answer, by the rule the file will be opened by
    (``services.assess``): the household's monthly income per head, the local subsistence line
    in force for the union's region, and the category it gives ("" above twice the line).
    Unparseable or missing figures answer {"missing": True}; a refusal, its sentence."""
    from gonghui.assistance.services import assess
    from gonghui.core.cleaning import record_id
    from gonghui.core.errors import DomainError

    org = None
    if record_id(org_pk) is not None:
        org = scope(Org.objects.all(), actor, None).filter(pk=record_id(org_pk)).first()
    try:
        size = int(household_size)
        income = Decimal(str(annual_income))
        spent = sum((Decimal(str(e)) for e in expenses if str(e).strip()), Decimal(0))
    except (ValueError, ArithmeticError):
        return {"missing": True}
    # Half-typed, or beyond any household (1e30, NaN): no answer rather than an error.
    if org is None or not 1 <= size <= 100:
        return {"missing": True}
    if not all(v.is_finite() and abs(v) < LARGEST for v in (income, spent)):
        return {"missing": True}
    try:
        result = assess(
            org=org,
            on=on or timezone.localdate(),
            household_size=size,
            annual_income=income,
            expenses=spent,
            accident=accident,
        )
    except DomainError as exc:
        return {"refused": " ".join(exc.messages)}
    return {
        "per_capita": str(result.per_capita_monthly),
        "line": str(result.subsistence_line),
        "category": result.category or "",
        "label": str(HardshipCategory(result.category).label) if result.category else "",
    }


def grant_progress(actor, grant: Grant) -> dict:
    """The step bar, who acts next and the history of one grant, for its page."""
    from gonghui.assistance.services import GRANT
    from gonghui.core.selectors import record_history

    history = list(record_history(actor, grant))
    passed = {e.details.get("from") for e in history if isinstance(e.details, dict)}
    return {
        "bar": GRANT.progress(grant, passed),
        "next": GRANT.next_hint(grant),
        "history": history,
        "waiting": [said for _step, said in GRANT.waiting_steps(actor, grant)],
    }


def file_next_steps(actor, file: HardshipFile) -> list:
    """The status changes this actor may make to this hardship file now."""
    from gonghui.assistance.services import HARDSHIP_FILE

    return HARDSHIP_FILE.available_steps(actor, file)


def grants_waiting(actor, key: str, today: datetime.date) -> QuerySet[Grant]:
    """The grants a to-do of the home page counts and its list shows, by the same rule as who
    may take the step (``services.grants.may_take``):

    - ``grants.review``: submitted, and the actor is above the applying union (or organises the
      campaign the union applied to as its own);
    - ``grants.notice``: reviewed, in a campaign the actor organises;
    - ``grants.noticed``: on public notice still running, in such a campaign (the 审批 page's
      公示中 tab; not a to-do: nothing can be done before the period ends);
    - ``grants.approve``: on public notice whose period has ended, in such a campaign;
    - ``grants.batch``: approved and in no payment batch yet, in such a campaign;
    - ``grants.draft``: the actor's own union's drafts, not yet submitted;
    - ``grants.returned``: the actor's own union's rejected applications in campaigns still open.
    """
    own = getattr(actor, "org", None)
    if own is None:
        return Grant.objects.none()
    grants = scope(Grant.objects.all(), actor)
    G = Grant.Status
    organised = Q(campaign__org__path__startswith=own.path)
    if key == "grants.review":
        return grants.filter(status=G.SUBMITTED).filter(
            ~Q(org=own) | Q(org_id=F("campaign__org_id"))
        )
    if key == "grants.notice":
        return grants.filter(organised, status=G.REVIEWED)
    if key == "grants.noticed":
        return grants.filter(organised, status=G.NOTICED, notice_ends_on__gt=today)
    if key == "grants.approve":
        return grants.filter(organised, status=G.NOTICED).filter(
            Q(notice_ends_on__isnull=True) | Q(notice_ends_on__lte=today)
        )
    if key == "grants.batch":
        return grants.filter(organised, status=G.APPROVED, payment_batch__isnull=True)
    if key == "grants.draft":
        return grants.filter(org=own, status=G.DRAFT)
    if key == "grants.returned":
        return grants.filter(org=own, status=G.REJECTED, campaign__is_open=True)
    return Grant.objects.none()


def batches_waiting(actor, key: str, today: datetime.date) -> QuerySet[PaymentBatch]:
    """To-do ``batches.unpaid``: payment batches the actor's union prepared and has not yet
    marked paid (the bank file is out, the money not confirmed)."""
    own = getattr(actor, "org", None)
    if own is None:
        return PaymentBatch.objects.none()
    return scope(PaymentBatch.objects.all(), actor).filter(
        org=own, status=PaymentBatch.Status.PREPARED
    )


def files_waiting(actor, key: str, today: datetime.date) -> QuerySet[HardshipFile]:
    """To-do ``files.review``: open hardship files whose yearly review is overdue or due within
    60 days (the 复核 the rules ask for)."""
    return scope(HardshipFile.objects.all(), actor).filter(
        review_q("overdue", today) | review_q("due", today)
    )
