"""Workers' mutual medical aid (职工医疗互助): the plans a federation runs and their editions,
the yearly enrolment of each employer's union, and the claims paid to members who fell ill.

An ``AidPlan`` is one plan as the members know it (职工住院医疗互助保障); its money rules are
an ``AidPlanEdition`` in force from a date (price per head by unit type, waiting period,
deductible, ratio bands, per-event and yearly caps): a claim is judged by the edition in force
on the day the stay began, so a new edition never changes what an earlier claim was worth.
An ``AidEnrollmentBatch`` is one union's roster for one period; each ``AidEnrollment`` one
member in one plan, and the database holds one per person, plan and period. Cover starts when
the premium is recorded as paid (and, for a first enrolment, after the waiting period).
An ``AidClaim`` is one hospital stay claimed through the union: its payout is computed from the
edition, shown to the reviewer with the computation, fixed at approval under the enrolment's
row lock (so two approvals at once cannot pass the yearly cap), and paid in a payment batch.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.models import MONEY
from gonghui.core.payments import PaymentBatchBase

RATIO = {"max_digits": 4, "decimal_places": 3}


class PlanKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital medical")
    CRITICAL = "critical", _("Critical illness")
    WOMEN = "women", _("Women workers' special diseases")
    ACCIDENT = "accident", _("Accidental injury")


class UnitType(models.TextChoices):
    PUBLIC = "public", _("Government organ, public institution or state-owned enterprise")
    PRIVATE = "private", _("Other enterprise")


class AidPlan(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Run by"), on_delete=models.PROTECT, related_name="aid_plans"
    )
    name = models.CharField(_("Plan name"), max_length=60)
    kind = models.CharField(_("Kind of plan"), max_length=12, choices=PlanKind.choices)
    cover_years = models.PositiveSmallIntegerField(
        _("Cover period (years)"), default=1, help_text=_("1, 2 or 3 years.")
    )
    women_only = models.BooleanField(_("Women only"), default=False)
    min_age = models.PositiveSmallIntegerField(_("Youngest age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("Oldest age"), default=60)
    exclusive_group = models.CharField(
        _("Choose-one group"),
        max_length=20,
        blank=True,
        help_text=_("Plans with the same group exclude each other: a member joins one of them."),
    )
    is_open = models.BooleanField(_("Open for enrolment"), default=True)
    note = models.CharField(_("Notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Mutual-aid plan")
        verbose_name_plural = _("Mutual-aid plans")
        ordering = ["org__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="one_aid_plan_per_name"),
            models.CheckConstraint(
                condition=Q(cover_years__gte=1) & Q(cover_years__lte=3),
                name="aid_plan_cover_1_to_3_years",
            ),
            models.CheckConstraint(
                condition=Q(min_age__lt=F("max_age")), name="aid_plan_ages_ordered"
            ),
        ]

    def __str__(self):
        return self.name


class AidPlanEdition(models.Model):
    plan = models.ForeignKey(
        AidPlan,
        verbose_name=_("Mutual-aid plan"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    effective_from = models.DateField(_("In force from"))
    price_public = models.DecimalField(
        _("Price per head: organs, institutions, SOEs (yuan)"), **MONEY
    )
    price_private = models.DecimalField(_("Price per head: other enterprises (yuan)"), **MONEY)
    waiting_days = models.PositiveSmallIntegerField(_("Waiting period (days)"), default=0)
    deductible = models.DecimalField(_("Deductible (yuan)"), default=0, **MONEY)
    band1_upto = models.DecimalField(
        _("First band up to (yuan)"),
        null=True,
        blank=True,
        help_text=_("Blank: one ratio for the whole amount."),
        **MONEY,
    )
    ratio1 = models.DecimalField(_("Ratio of the first band"), **RATIO)
    band2_upto = models.DecimalField(_("Second band up to (yuan)"), null=True, blank=True, **MONEY)
    ratio2 = models.DecimalField(_("Ratio of the second band"), null=True, blank=True, **RATIO)
    ratio3 = models.DecimalField(_("Ratio above the second band"), null=True, blank=True, **RATIO)
    per_event_cap = models.DecimalField(_("Cap per stay (yuan)"), **MONEY)
    yearly_cap = models.DecimalField(_("Cap per year (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("Plan edition")
        verbose_name_plural = _("Plan editions")
        ordering = ["plan", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "effective_from"], name="one_aid_edition_per_start"
            ),
            models.CheckConstraint(
                condition=Q(price_public__gt=0) & Q(price_private__gt=0),
                name="aid_edition_prices_positive",
            ),
            models.CheckConstraint(
                condition=Q(ratio1__gt=0)
                & Q(ratio1__lte=1)
                & (Q(ratio2__isnull=True) | (Q(ratio2__gt=0) & Q(ratio2__lte=1)))
                & (Q(ratio3__isnull=True) | (Q(ratio3__gt=0) & Q(ratio3__lte=1))),
                name="aid_edition_ratios_fractions",
            ),
            models.CheckConstraint(
                condition=Q(per_event_cap__gt=0)
                & Q(yearly_cap__gte=F("per_event_cap"))
                & Q(deductible__gte=0),
                name="aid_edition_caps_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.plan}（{self.effective_from:%Y-%m-%d}起）"

    @property
    def org(self):
        return self.plan.org


class AidEnrollmentBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Premium due")
        PAID = "paid", _("Premium paid")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Enrolling union"),
        on_delete=models.PROTECT,
        related_name="aid_batches",
    )
    period_start = models.DateField(_("Cover period starts"))
    unit_type = models.CharField(_("Unit type"), max_length=8, choices=UnitType.choices)
    staff_count = models.PositiveIntegerField(_("Staff of the unit"))
    people = models.PositiveIntegerField(_("People enrolled"), default=0)
    premium = models.DecimalField(_("Premium due (yuan)"), default=0, **MONEY)
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    paid_on = models.DateField(_("Premium paid on"), null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("Renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Enrolment batch")
        verbose_name_plural = _("Enrolment batches")
        # No join in the default order: the services read batches and enrolments by the
        # thousand (the list orders by union in its admin).
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period_start"], name="one_aid_batch_per_union_period"
            ),
            models.CheckConstraint(condition=Q(staff_count__gt=0), name="aid_batch_has_staff"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(paid_on__isnull=False),
                name="aid_batch_paid_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.org.name}{self.period_start.year}年参保"


class AidEnrollment(models.Model):
    batch = models.ForeignKey(
        AidEnrollmentBatch,
        verbose_name=_("Enrolment batch"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    plan = models.ForeignKey(
        AidPlan,
        verbose_name=_("Mutual-aid plan"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Member"),
        on_delete=models.PROTECT,
        related_name="aid_enrollments",
    )
    # The enrolling union (the batch's), kept on the row for scoping and figures.
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Enrolling union"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("Cover period starts"))
    period_end = models.DateField(_("Cover period ends"))
    premium = models.DecimalField(_("Premium (yuan)"), **MONEY)
    # Set when the premium is paid: cover runs from ``cover_from``; stays that begin before
    # ``waiting_until`` are not paid (a renewal without a gap has no waiting period).
    cover_from = models.DateField(_("Cover from"), null=True, blank=True)
    waiting_until = models.DateField(_("Waiting period until"), null=True, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Enrolment")
        verbose_name_plural = _("Enrolments")
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "plan", "period_start"], name="one_aid_enrollment_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="aid_enrollment_period_ordered"
            ),
            models.CheckConstraint(condition=Q(premium__gt=0), name="aid_enrollment_premium"),
        ]
        indexes = [models.Index(fields=["org", "period_start"], name="aid_enrollment_org_start")]

    def __str__(self):
        return f"{self.person.name} · {self.plan.name}"


class AidClaimBatch(PaymentBatchBase):
    """A bank transfer list of mutual-aid payouts (``core.payments``)."""

    county = CountyField()

    class Meta:
        verbose_name = _("Payout batch")
        verbose_name_plural = _("Payout batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.org} #{self.pk}"


class AidClaim(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Not submitted")
        SUBMITTED = "submitted", _("To review")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Refused")

    enrollment = models.ForeignKey(
        AidEnrollment, verbose_name=_("Enrolment"), on_delete=models.PROTECT, related_name="claims"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("Member"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Claiming union"), on_delete=models.PROTECT, related_name="+"
    )
    admitted_on = models.DateField(_("Admitted on"))
    discharged_on = models.DateField(_("Discharged on"))
    hospital = models.CharField(_("Hospital"), max_length=100)
    # Illness is personal data of the most sensitive kind: encrypted, shown to the reviewer.
    diagnosis = models.BinaryField(null=True, blank=True, editable=False)
    total_cost = models.DecimalField(_("Total medical cost (yuan)"), **MONEY)
    insurance_paid = models.DecimalField(_("Paid by medical insurance (yuan)"), **MONEY)
    payout = models.DecimalField(_("Payout (yuan)"), default=0, **MONEY)
    basis = models.TextField(_("How the payout was computed"), blank=True)
    bank_name = models.CharField(_("Bank"), max_length=60)
    bank_account = models.BinaryField(editable=False)
    bank_account_last4 = models.CharField(_("Account (last four)"), max_length=4)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    decided_on = models.DateField(_("Decided on"), null=True, blank=True)
    batch = models.ForeignKey(
        AidClaimBatch,
        verbose_name=_("Payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    paid_on = models.DateField(_("Paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Filed"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Mutual-aid claim")
        verbose_name_plural = _("Mutual-aid claims")
        ordering = ["-admitted_on", "-id"]
        permissions = [("approve_aidclaim", "Can approve mutual-aid claims")]
        constraints = [
            # One claim per stay: the same admission under the same enrolment is claimed once.
            models.UniqueConstraint(
                fields=["enrollment", "admitted_on"],
                condition=~Q(status="rejected"),
                name="one_aid_claim_per_stay",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__gte=F("admitted_on")), name="aid_claim_stay_ordered"
            ),
            models.CheckConstraint(
                condition=Q(total_cost__gt=0)
                & Q(insurance_paid__gte=0)
                & Q(insurance_paid__lte=F("total_cost")),
                name="aid_claim_costs_sane",
            ),
            models.CheckConstraint(condition=Q(payout__gte=0), name="aid_claim_payout_positive"),
        ]
        indexes = [models.Index(fields=["paid_on"], name="aid_claim_paid_on")]

    def __str__(self):
        # No hospital: the event log and the breadcrumbs say this, and a hospital's name may
        # say the illness.
        return f"{self.person.name} · {self.admitted_on:%Y-%m-%d}入院"


class AidClaimAttachment(models.Model):
    """A document behind a claim (discharge summary, invoices, the insurance settlement),
    kept through the platform's checked path (``core.files``), served within the claim's
    scope."""

    claim = models.ForeignKey(
        AidClaim, verbose_name=_("Claim"), on_delete=models.CASCADE, related_name="attachments"
    )
    stored = models.ForeignKey(
        "core.StoredFile", verbose_name=_("File"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("File name"), max_length=200)
    size = models.PositiveIntegerField(_("Size (bytes)"))
    uploaded_at = models.DateTimeField(_("Uploaded"), default=timezone.now)
    county = CountyField(via="claim")

    class Meta:
        verbose_name = _("Claim document")
        verbose_name_plural = _("Claim documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
