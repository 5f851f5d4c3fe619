"""Rights (维权): collective contracts (集体合同), from the negotiation to the contract in force.

A ``CollectiveContract`` is one contract as the labour administration files it: the union that
is party to it (an employer's own union, or a township, regional or industry union for a
contract covering many employers), its type (综合, 工资专项, 女职工专项, 劳动安全卫生专项), the
employers and workers it covers, and its way through the workflow: negotiated (首席代表,
rounds), approved by the workers' congress or all staff (at least two thirds present, more
than half of all in favour), signed, filed with the labour administration (within 10 days of
signing), in force once the 15-day objection window has passed, for one to three years.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField

# The labour administration's objection window after filing, and the filing deadline after
# signing (集体合同规定 arts. 42–46).
OBJECTION_DAYS = 15
FILING_DAYS = 10


class ContractReach(models.TextChoices):
    SINGLE = "single", _("One employer")
    REGIONAL = "regional", _("Regional")
    INDUSTRY = "industry", _("Industry")


class ContractSubject(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive")
    WAGE = "wage", _("Wages")
    WOMEN = "women", _("Women workers' protection")
    SAFETY = "safety", _("Labour safety and health")


class Assembly(models.TextChoices):
    CONGRESS = "congress", _("Workers' congress")
    ALL_STAFF = "all_staff", _("All-staff meeting")


class CollectiveContract(models.Model):
    class Status(models.TextChoices):
        NEGOTIATING = "negotiating", _("Under negotiation")
        APPROVED = "approved", _("Approved by the workers")
        SIGNED = "signed", _("Signed")
        FILED = "filed", _("Filed for review")
        IN_FORCE = "in_force", _("Taken effect")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union party"),
        on_delete=models.PROTECT,
        related_name="collective_contracts",
    )
    title = models.CharField(_("Contract title"), max_length=100)
    reach = models.CharField(_("Reach"), max_length=10, choices=ContractReach.choices)
    subject = models.CharField(_("Contract type"), max_length=14, choices=ContractSubject.choices)
    employers = models.ManyToManyField(
        "orgs.Employer", verbose_name=_("Employers covered"), related_name="collective_contracts"
    )
    workers_covered = models.PositiveIntegerField(_("Workers covered"))
    women_covered = models.PositiveIntegerField(_("Women workers covered"), default=0)
    union_negotiator = models.CharField(_("Union's chief negotiator"), max_length=40)
    employer_negotiator = models.CharField(_("Employer's chief negotiator"), max_length=40)
    rounds = models.PositiveSmallIntegerField(_("Negotiation rounds"), default=1)
    term_years = models.PositiveSmallIntegerField(
        _("Contract term (years)"),
        default=3,
        help_text=_("1 to 3 years; a wage agreement runs 1 year."),
    )
    assembly = models.CharField(
        _("Approved by"), max_length=10, choices=Assembly.choices, blank=True
    )
    eligible = models.PositiveIntegerField(
        _("Representatives (or staff) in all"), null=True, blank=True
    )
    present = models.PositiveIntegerField(_("Present"), null=True, blank=True)
    in_favour = models.PositiveIntegerField(_("In favour"), null=True, blank=True)
    approved_on = models.DateField(_("Approved on"), null=True, blank=True)
    signed_on = models.DateField(_("Signed on"), null=True, blank=True)
    filed_on = models.DateField(_("Filed with the labour administration on"), null=True, blank=True)
    effective_from = models.DateField(_("In force from"), null=True, blank=True)
    expires_on = models.DateField(_("Expires on"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.NEGOTIATING
    )
    objection = models.CharField(_("Objection of the review"), max_length=300, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("Renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Collective contract")
        verbose_name_plural = _("Collective contracts")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__gte=1) & Q(term_years__lte=3),
                name="contract_term_1_to_3_years",
            ),
            models.CheckConstraint(
                condition=Q(workers_covered__gte=1) & Q(women_covered__lte=F("workers_covered")),
                name="contract_covers_workers",
            ),
            models.CheckConstraint(
                condition=Q(rounds__gte=1), name="contract_negotiated_at_least_once"
            ),
            # Past the negotiation a contract carries its approval; signed, its signing day.
            models.CheckConstraint(
                condition=Q(status="negotiating")
                | (Q(approved_on__isnull=False) & Q(in_favour__isnull=False)),
                name="contract_approved_past_negotiation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["negotiating", "approved"])
                | Q(signed_on__gte=F("approved_on")),
                name="contract_signed_after_approval",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["negotiating", "approved", "signed"])
                | Q(filed_on__gte=F("signed_on")),
                name="contract_filed_after_signing",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_force")
                | (Q(effective_from__gte=F("filed_on")) & Q(expires_on__gt=F("effective_from"))),
                name="contract_in_force_after_filing",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def filed_late(self) -> bool:
        """Filed more than 10 days after signing (the rule says within 10 days)."""
        return bool(
            self.filed_on and self.signed_on and (self.filed_on - self.signed_on).days > FILING_DAYS
        )

    @property
    def objection_window_ends(self) -> datetime.date | None:
        return self.filed_on + datetime.timedelta(days=OBJECTION_DAYS) if self.filed_on else None

    def is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.expires_on and self.expires_on < today)

    def status_text(self, today: datetime.date | None = None) -> str:
        """Where it stands, as the pages and the register say it: past its expiry, 已到期."""
        return str(_("Expired") if self.is_expired(today) else self.get_status_display())


# From the signing on: the statuses of a contract that has been signed.
SIGNED_STATUSES = (
    CollectiveContract.Status.SIGNED,
    CollectiveContract.Status.FILED,
    CollectiveContract.Status.IN_FORCE,
)


# -- Labour-dispute mediation (劳动争议调解, 法院+工会 诉调对接) ---------------------------------


class Mediator(models.Model):
    """A person who mediates in a mediation room: the union's own staff, a lawyer, or a
    mediator the court invited (特邀调解员)."""

    class Kind(models.TextChoices):
        UNION_STAFF = "union_staff", _("Union staff")
        LAWYER = "lawyer", _("Lawyer")
        INVITED = "invited", _("Invited mediator")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Union"), on_delete=models.PROTECT, related_name="mediators"
    )
    room = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Mediation room"),
        on_delete=models.PROTECT,
        related_name="mediators",
    )
    name = models.CharField(_("Full name"), max_length=40)
    kind = models.CharField(_("Mediator's role"), max_length=12, choices=Kind.choices)
    is_active = models.BooleanField(_("Active"), default=True)

    class Meta:
        verbose_name = _("Mediator")
        verbose_name_plural = _("Mediators")
        ordering = ["room__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["room", "name"], name="one_mediator_name_per_room")
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class DisputeChannel(models.TextChoices):
    HOTLINE = "hotline", _("12351 hotline")
    WALK_IN = "walk_in", _("Walk-in")
    COURT = "court", _("Referred by the court")
    INSPECTION = "inspection", _("Referred by labour inspection")
    OTHER = "other", _("Other channel")


class DisputeType(models.TextChoices):
    WAGES = "wages", _("Pay and wages owed")
    CONTRACT = "contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    WORK_INJURY = "work_injury", _("Work injury")
    OTHER = "other", _("Other dispute")


class WorkerMatter(models.Model):
    """A worker's dispute with an employer as a union takes it on (a mediation case, a legal
    aid case): the worker's name is kept as the registry keeps names; the phone and the account
    of the dispute (诉求) are encrypted, shown masked in lists and in clear only to those who
    handle it, each opening written to the access log."""

    dispute_type = models.CharField(
        _("Type of dispute"), max_length=16, choices=DisputeType.choices
    )
    worker_name = models.CharField(_("Worker"), max_length=40)
    worker_is_member = models.BooleanField(_("Union member"), default=False)
    worker_phone = models.BinaryField(_("Phone (encrypted)"), null=True, editable=False)
    worker_phone_last4 = models.CharField(_("Last four phone digits"), max_length=4, blank=True)
    workers_involved = models.PositiveSmallIntegerField(_("Workers involved"), default=1)
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("Employer (registered)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    employer_name = models.CharField(_("Employer (not registered)"), max_length=120, blank=True)
    claim = models.BinaryField(_("The worker's claim (encrypted)"), editable=False)
    amount_claimed = models.DecimalField(
        _("Amount claimed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def employer_text(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name


class DisputeCase(WorkerMatter):
    """One labour dispute a mediation room takes on, from intake to its outcome.

    The worker's name is kept as the registry keeps names; the phone and the account of the
    dispute (诉求) are encrypted, shown masked in lists and in clear only to those who mediate,
    each opening written to the access log."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        MEDIATING = "mediating", _("Being mediated")
        AGREED = "agreed", _("Mediation agreement reached")
        CONFIRMED = "confirmed", _("Judicially confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFERRED = "referred", _("Not settled: referred on")

    class ReferredTo(models.TextChoices):
        ARBITRATION = "arbitration", _("Labour arbitration")
        COURT = "court", _("People's court")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="dispute_cases",
    )
    room = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Mediation room"),
        on_delete=models.PROTECT,
        related_name="dispute_cases",
    )
    number = models.CharField(_("Case number"), max_length=30)
    channel = models.CharField(_("Intake channel"), max_length=12, choices=DisputeChannel.choices)
    received_on = models.DateField(_("Received on"))
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("Mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    mediation_started_on = models.DateField(_("Mediation started on"), null=True, blank=True)
    closed_on = models.DateField(_("Closed on"), null=True, blank=True)
    amount_recovered = models.DecimalField(
        _("Amount recovered for the workers (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    confirmed_on = models.DateField(_("Judicially confirmed on"), null=True, blank=True)
    referred_to = models.CharField(
        _("Referred to"), max_length=12, choices=ReferredTo.choices, blank=True
    )
    close_note = models.CharField(_("Why it closed so"), max_length=300, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Labour-dispute case")
        verbose_name_plural = _("Labour-dispute cases")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["room", "number"], name="one_case_number_per_room"),
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | ~Q(employer_name=""),
                name="dispute_case_names_the_employer",
            ),
            models.CheckConstraint(
                condition=Q(workers_involved__gte=1), name="dispute_case_involves_a_worker"
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered__gte=0)
                & (Q(amount_claimed__isnull=True) | Q(amount_claimed__gte=0)),
                name="dispute_case_amounts_not_negative",
            ),
            # Mediated: by a mediator, from a day on or after the intake.
            models.CheckConstraint(
                condition=Q(status__in=["received", "withdrawn"])
                | (Q(mediator__isnull=False) & Q(mediation_started_on__gte=F("received_on"))),
                name="dispute_case_mediated_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "mediating"])
                | Q(closed_on__gte=F("received_on")),
                name="dispute_case_closed_after_intake",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["agreed", "confirmed"]) | Q(amount_recovered=0),
                name="dispute_case_recovers_only_by_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_on__gte=F("closed_on")),
                name="dispute_case_confirmed_after_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_to=""),
                name="dispute_case_referred_somewhere",
            ),
        ]

    def __str__(self):
        return self.number


# The outcomes in which the dispute was settled by mediation (调解成功).
SETTLED_STATUSES = (DisputeCase.Status.AGREED, DisputeCase.Status.CONFIRMED)
CLOSED_STATUSES = (*SETTLED_STATUSES, DisputeCase.Status.WITHDRAWN, DisputeCase.Status.REFERRED)


# -- Workers' congresses (职工代表大会) and open management (厂务公开) ---------------------------

# Above this many employees an employer holds a representatives' congress; below it the
# all-staff meeting usually does (上海市职工代表大会条例 art. 4).
CONGRESS_FROM = 100
# The statute's term of a congress, and how much of the representatives must be present.
CONGRESS_TERM_YEARS = (3, 5)


class Disclosure(models.TextChoices):
    """What open management (厂务公开) puts before the workers."""

    BUSINESS = "business", _("Business performance and plans")
    WAGES = "wages", _("Wages and bonuses")
    CONTRACTS = "contracts", _("Labour and collective contracts")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance and housing fund payments")
    SAFETY = "safety", _("Work safety and conditions")
    RULES = "rules", _("Rules affecting workers")
    FINANCES = "finances", _("Use of the welfare and union funds")


class WorkersCongress(models.Model):
    """An employer's workers' congress system (职代会制度): a representatives' congress or an
    all-staff meeting, its current term and the make-up of its representatives. The
    composition rules of the statute are warnings shown on the page (``warnings()``), not
    refusals: the record says what the employer has, the warnings what it should fix."""

    class Form(models.TextChoices):
        CONGRESS = "congress", _("Workers' congress")
        ALL_STAFF = "all_staff", _("All-staff meeting")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="workers_congresses",
    )
    employer = models.OneToOneField(
        "orgs.Employer",
        verbose_name=_("Employer"),
        on_delete=models.PROTECT,
        related_name="workers_congress",
    )
    form = models.CharField(_("Form"), max_length=10, choices=Form.choices)
    established_on = models.DateField(
        _("Established on"), help_text=_("When the employer first set up the system.")
    )
    term_started_on = models.DateField(_("Term started on"))
    term_years = models.PositiveSmallIntegerField(_("Term (years)"), default=3)
    staff = models.PositiveIntegerField(_("Employees"))
    women_staff = models.PositiveIntegerField(_("Women employees"), default=0)
    representatives = models.PositiveIntegerField(
        _("Representatives"), help_text=_("For an all-staff meeting: every employee.")
    )
    women_representatives = models.PositiveIntegerField(_("Women representatives"), default=0)
    manager_representatives = models.PositiveIntegerField(
        _("Middle and senior managers among them"), default=0
    )
    frontline_representatives = models.PositiveIntegerField(
        _("Front-line workers among them"), default=0
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Workers' congress")
        verbose_name_plural = _("Workers' congresses")
        ordering = ["org__path", "employer__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__gte=3) & Q(term_years__lte=5),
                name="congress_term_3_to_5_years",
            ),
            models.CheckConstraint(
                condition=Q(term_started_on__gte=F("established_on")),
                name="congress_term_after_establishment",
            ),
            models.CheckConstraint(
                condition=Q(staff__gte=1)
                & Q(women_staff__lte=F("staff"))
                & Q(representatives__gte=1)
                & Q(representatives__lte=F("staff")),
                name="congress_representatives_among_staff",
            ),
            models.CheckConstraint(
                condition=Q(women_representatives__lte=F("representatives"))
                & Q(manager_representatives__lte=F("representatives"))
                & Q(frontline_representatives__lte=F("representatives")),
                name="congress_make_up_within_representatives",
            ),
        ]

    def __str__(self):
        return f"{self.employer.name}{self.get_form_display()}"

    @property
    def term_ends_on(self) -> datetime.date:
        from gonghui.core.dates import term_end

        return term_end(self.term_started_on, self.term_years)

    def representatives_required(self) -> int:
        """The least number of representatives of a congress for its workforce (art. 21)."""
        if self.staff > 3000:
            return 175
        if self.staff <= CONGRESS_FROM:
            return 30
        return 30 + 5 * -(-(self.staff - CONGRESS_FROM) // 100)

    def warnings(self, today: datetime.date | None = None) -> list[str]:
        """What the statute asks that this congress does not meet, in words for the page."""
        today = today or timezone.localdate()
        said = []
        if self.form == self.Form.ALL_STAFF and self.staff >= CONGRESS_FROM:
            said.append(
                _("%(n)s employees: an employer of 100 or more holds a workers' congress.")
                % {"n": self.staff}
            )
        if self.form == self.Form.CONGRESS:
            least = self.representatives_required()
            if self.representatives < least:
                said.append(
                    _("%(n)s representatives: a workforce of %(staff)s needs at least %(least)s.")
                    % {"n": self.representatives, "staff": self.staff, "least": least}
                )
            if self.manager_representatives * 5 > self.representatives:
                said.append(
                    _("Managers are %(share)s of the representatives: at most 20%%.")
                    % {"share": _share(self.manager_representatives, self.representatives)}
                )
            if self.frontline_representatives * 2 <= self.representatives:
                said.append(
                    _("Front-line workers are %(share)s of the representatives: they should be "
                      "the majority.")
                    % {"share": _share(self.frontline_representatives, self.representatives)}
                )  # fmt: skip
            women_share = self.women_staff / self.staff if self.staff else 0
            if self.representatives and (
                self.women_representatives / self.representatives < women_share - 0.1
            ):
                said.append(
                    _("Women are %(reps)s of the representatives but %(staff)s of the workforce.")
                    % {
                        "reps": _share(self.women_representatives, self.representatives),
                        "staff": _share(self.women_staff, self.staff),
                    }
                )
        if self.term_ends_on < today:
            said.append(
                _("The term ended on %(date)s: the representatives are to be elected again.")
                % {"date": self.term_ends_on.isoformat()}
            )
        return said


def _share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.0f}%" if whole else "0%"


class CongressMeeting(models.Model):
    """A session of a workers' congress (or all-staff meeting): when, who came, what it
    approved, and what open management disclosed to it."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")

    congress = models.ForeignKey(
        WorkersCongress,
        verbose_name=_("Workers' congress"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Union"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("Held on"))
    kind = models.CharField(_("Session"), max_length=14, choices=Kind.choices, default=Kind.REGULAR)
    attended = models.PositiveIntegerField(_("Attended"))
    matters = models.CharField(
        _("Matters approved or heard"),
        max_length=300,
        help_text=_("e.g. the collective contract draft, the wage plan, the year's report"),
    )
    disclosures = ArrayField(
        models.CharField(max_length=20, choices=Disclosure.choices),
        verbose_name=_("Open management: what was disclosed"),
        default=list,
        blank=True,
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Congress session")
        verbose_name_plural = _("Congress sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "held_on"], name="one_congress_session_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.congress}（{self.held_on:%Y-%m-%d}）"

    def disclosures_text(self) -> str:
        labels = dict(Disclosure.choices)
        return "、".join(str(labels.get(d, d)) for d in self.disclosures)


# -- Legal aid (法律援助) ------------------------------------------------------------------------


class LegalAidCase(WorkerMatter):
    """A worker's application for the union's legal aid (Trade Union Law art. 30: federations
    at county level and above provide it): granted with a lawyer for a stage of the dispute
    (arbitration, first or second instance, or a negotiation), or refused; closed with its
    outcome, the money recovered and what the aid cost."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        GRANTED = "granted", _("Lawyer assigned")
        REFUSED = "refused", _("Aid refused")
        CLOSED = "closed", _("Case closed")

    class Stage(models.TextChoices):
        ARBITRATION = "arbitration", _("Labour arbitration")
        FIRST_INSTANCE = "first_instance", _("First instance")
        SECOND_INSTANCE = "second_instance", _("Second instance")
        NEGOTIATION = "negotiation", _("Negotiation outside court")

    class Outcome(models.TextChoices):
        WON = "won", _("Won")
        PARTLY_WON = "partly_won", _("Partly won")
        SETTLED = "settled", _("Settled")
        LOST = "lost", _("Lost")
        WITHDRAWN = "withdrawn", _("Withdrawn by the worker")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="legal_aid_cases",
    )
    number = models.CharField(_("Case number"), max_length=30)
    applied_on = models.DateField(_("Applied on"))
    lawyer = models.CharField(_("Lawyer"), max_length=40, blank=True)
    law_firm = models.CharField(_("Law firm"), max_length=100, blank=True)
    stage = models.CharField(_("Stage"), max_length=16, choices=Stage.choices, blank=True)
    granted_on = models.DateField(_("Granted on"), null=True, blank=True)
    closed_on = models.DateField(_("Closed on"), null=True, blank=True)
    outcome = models.CharField(_("Outcome"), max_length=12, choices=Outcome.choices, blank=True)
    amount_recovered = models.DecimalField(
        _("Amount recovered for the workers (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    cost = models.DecimalField(
        _("Cost of the aid (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    close_note = models.CharField(_("Why it closed so"), max_length=300, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Legal aid case")
        verbose_name_plural = _("Legal aid cases")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="one_aid_number_per_union"),
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | ~Q(employer_name=""),
                name="legal_aid_names_the_employer",
            ),
            models.CheckConstraint(
                condition=Q(workers_involved__gte=1), name="legal_aid_involves_a_worker"
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered__gte=0) & Q(cost__gte=0),
                name="legal_aid_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "refused"])
                | (~Q(lawyer="") & ~Q(stage="") & Q(granted_on__gte=F("applied_on"))),
                name="legal_aid_granted_with_a_lawyer",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (~Q(outcome="") & Q(closed_on__gte=F("granted_on"))),
                name="legal_aid_closed_with_its_outcome",
            ),
        ]

    def __str__(self):
        return self.number


# -- The 12351 hotline (12351职工服务热线) ----------------------------------------------


class HotlineCall(models.Model):
    """A call to the union's 12351 hotline as the operator logs it: who called (the name kept
    as names are, the phone and what was said encrypted), about what, how it was handled
    (answered there and then, taken into mediation or legal aid, passed to the department it
    concerns) and, where it needs one, the follow-up call and what came of it."""

    class Topic(models.TextChoices):
        WAGES = "wages", _("Pay and wages owed")
        CONTRACT = "contract", _("Labour contract")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
        WORK_INJURY = "work_injury", _("Work injury")
        POLICY = "policy", _("Policy and law questions")
        SERVICES = "services", _("Union membership and services")
        OTHER = "other", _("Other matters")

    class Handling(models.TextChoices):
        ANSWERED = "answered", _("Answered on the call")
        MEDIATION = "mediation", _("Taken into mediation")
        LEGAL_AID = "legal_aid", _("Taken into legal aid")
        FORWARDED = "forwarded", _("Passed to the department concerned")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Union"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("Received at"))
    caller_name = models.CharField(_("Caller"), max_length=40, blank=True)
    caller_phone = models.BinaryField(_("Phone (encrypted)"), null=True, editable=False)
    caller_phone_last4 = models.CharField(_("Last four phone digits"), max_length=4, blank=True)
    topic = models.CharField(_("Topic"), max_length=16, choices=Topic.choices)
    summary = models.BinaryField(_("What the caller said (encrypted)"), editable=False)
    handling = models.CharField(_("Handling"), max_length=10, choices=Handling.choices)
    dispute_case = models.ForeignKey(
        DisputeCase,
        verbose_name=_("Mediation case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    legal_aid = models.ForeignKey(
        LegalAidCase,
        verbose_name=_("Legal aid case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    forwarded_to = models.CharField(_("Passed to"), max_length=100, blank=True)
    follow_up_due = models.DateField(_("Call back by"), null=True, blank=True)
    followed_up_on = models.DateField(_("Called back on"), null=True, blank=True)
    follow_up_note = models.CharField(_("What came of it"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    county = CountyField()

    class Meta:
        verbose_name = _("12351 hotline call")
        verbose_name_plural = _("12351 hotline calls")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling="forwarded") | ~Q(forwarded_to=""),
                name="hotline_call_says_where_it_went",
            ),
            models.CheckConstraint(
                condition=Q(followed_up_on__isnull=True) | ~Q(follow_up_note=""),
                name="hotline_call_back_says_what_came_of_it",
            ),
        ]

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.get_topic_display()}"
