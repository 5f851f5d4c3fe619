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
