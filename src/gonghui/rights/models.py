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

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    WAGES = "wages", _("Wages")
    CONTRACT = "contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    WORK_INJURY = "work_injury", _("Work injury")
    OTHER = "other", _("Other dispute")


class DisputeCase(models.Model):
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
        verbose_name=_("Employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute_cases",
    )
    employer_name = models.CharField(_("Employer (not registered)"), max_length=120, blank=True)
    claim = models.BinaryField(_("The worker's claim (encrypted)"), editable=False)
    amount_claimed = models.DecimalField(
        _("Amount claimed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
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

    @property
    def employer_text(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name


# The outcomes in which the dispute was settled by mediation (调解成功).
SETTLED_STATUSES = (DisputeCase.Status.AGREED, DisputeCase.Status.CONFIRMED)
CLOSED_STATUSES = (*SETTLED_STATUSES, DisputeCase.Status.WITHDRAWN, DisputeCase.Status.REFERRED)
