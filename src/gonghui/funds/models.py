"""Union funds (工会经费): the 2% contributions of the employers, their split between the levels
of the union tree, and the journal every yuan of the area moves on.

The journal is double-entry: an entry's postings are signed amounts (a debit positive, a credit
negative) on an org's fund accounts, and each org's postings within an entry sum to zero, so
every org's books balance at every moment, and so do the whole tree's. The database holds this
(a deferred constraint trigger, migration 0002), not only the services: an entry that does not
balance cannot be committed, whoever writes it. Postings are never changed or deleted; a
correction is an entry of its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.models import MONEY
from gonghui.core.payments import PaymentBatchBase
from gonghui.core.validators import validate_region_code

# The contribution is 2% of the payroll (Trade Union Law art. 43), the preparatory levy too.
CONTRIBUTION_RATE = Decimal("0.02")


class Account(models.TextChoices):
    """An org's fund accounts (会计科目). Debit-side accounts hold money and what was spent;
    credit-side ones say where the money came from."""

    BANK = "bank", _("Bank deposits")
    # The org's share of the 2% (its own, after the split).
    CONTRIBUTIONS = "contributions", _("Contribution income")
    REFUNDS = "refunds", _("Refunds to small and micro enterprises")
    ALLOCATIONS_OUT = "allocations_out", _("Allocations to unions beneath")
    ALLOCATIONS_IN = "allocations_in", _("Allocations from above")
    DUES = "dues", _("Member dues income")
    ASSISTANCE = "assistance", _("Assistance paid")


class EntryKind(models.TextChoices):
    COLLECTION = "collection", _("Contribution collected")
    REFUND = "refund", _("Refund")
    ALLOCATION = "allocation", _("Allocation")
    DUES = "dues", _("Member dues")
    ASSISTANCE = "assistance", _("Assistance payment")
    CORRECTION = "correction", _("Correction")


class JournalEntry(models.Model):
    """One money movement (记账凭证): its date, what it was and the record it came from."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Posted by"),
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    date = models.DateField(_("Date"))
    kind = models.CharField(_("Kind"), max_length=16, choices=EntryKind.choices)
    memo = models.CharField(_("Summary"), max_length=200)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Journal entry")
        verbose_name_plural = _("Journal")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="journal_source")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.memo}"


class Posting(models.Model):
    """One line of an entry: a signed amount on one org's account (debit +, credit −)."""

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="postings", verbose_name=_("Entry")
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("Account"), max_length=16, choices=Account.choices)
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    county = CountyField(via="entry")

    class Meta:
        verbose_name = _("Posting")
        verbose_name_plural = _("Postings")
        ordering = ["entry_id", "id"]
        indexes = [models.Index(fields=["org", "account"], name="posting_org_account")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="posting_not_zero"),
        ]

    def __str__(self):
        return f"{self.org_id} {self.account} {self.amount}"


class SplitPolicy(models.Model):
    """How a province splits the 2% between the levels (经费分成比例), in percent, from a date.

    The grassroots share goes to the employer's own union (to its territorial union while it has
    none: the preparatory levy is held for the union to come). A level that is not above the
    employer in the tree (no township between it and the county) leaves its share to the next
    level up; the shares of the levels above the platform's top org are remitted out of it.
    """

    region_code = models.CharField(
        _("Region code"), max_length=6, validators=[validate_region_code]
    )
    effective_from = models.DateField(_("Effective from"))
    effective_to = models.DateField(_("Effective until"), null=True, blank=True)
    grassroots = models.DecimalField(_("Grassroots union (%)"), max_digits=5, decimal_places=2)
    township = models.DecimalField(
        _("Township union (%)"), max_digits=5, decimal_places=2, default=0
    )
    county = models.DecimalField(_("County federation (%)"), max_digits=5, decimal_places=2)
    city = models.DecimalField(_("City federation (%)"), max_digits=5, decimal_places=2)
    province = models.DecimalField(_("Provincial federation (%)"), max_digits=5, decimal_places=2)
    national = models.DecimalField(_("ACFTU (%)"), max_digits=5, decimal_places=2)
    note = models.CharField(_("Document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Funds split policy")
        verbose_name_plural = _("Funds split policies")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"],
                name="one_split_policy_per_region_and_start",
                violation_error_message=_("This region already has a split from that date."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="split_policy_period_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(grassroots__gte=40),
                name="split_grassroots_at_least_40",
                violation_error_message=_(
                    "The grassroots union keeps at least 40%% (ACFTU 工财字〔2004〕42号)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(township__gte=0, county__gte=0, city__gte=0)
                & Q(province__gte=0, national__gte=0),
                name="split_shares_not_negative",
                violation_error_message=_("A share cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(
                    grassroots=100
                    - F("township")
                    - F("county")
                    - F("city")
                    - F("province")
                    - F("national")
                ),
                name="split_shares_make_100",
                violation_error_message=_("The shares must add up to 100%%."),
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_from:%Y-%m-%d}"

    def percents(self) -> dict[str, Decimal]:
        return {level: getattr(self, level) for level in SHARE_LEVELS}


# The levels of a split, lowest first (the field names of ``SplitPolicy`` and the ``share_``
# columns of ``FundContribution``).
SHARE_LEVELS = ("grassroots", "township", "county", "city", "province", "national")


class Channel(models.TextChoices):
    TAX = "tax", _("Collected by the tax bureau")
    FISCAL = "fiscal", _("Fiscal transfer")
    DIRECT = "direct", _("Paid directly")


class FundContribution(models.Model):
    """What one employer owes for one month (2% of the payroll, or the preparatory levy 工会
    筹备金 while it has no union), what it paid and how that was split."""

    class Levy(models.TextChoices):
        CONTRIBUTION = "contribution", _("Union funds (2%)")
        PREPARATORY = "preparatory", _("Preparatory levy")

    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("Employer"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    # The employer's territorial union when the month was assessed: whose subtree sees it.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Territorial union"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    period = models.DateField(_("Month"), help_text=_("The first day of the month paid for."))
    levy = models.CharField(_("Levy"), max_length=12, choices=Levy.choices)
    payroll = models.DecimalField(_("Payroll (yuan)"), **MONEY)
    due = models.DecimalField(_("Due (yuan)"), **MONEY)
    collected = models.DecimalField(_("Collected (yuan)"), default=Decimal(0), **MONEY)
    collected_on = models.DateField(_("Collected on"), null=True, blank=True)
    # The channel of the latest payment (each payment keeps its own: ``FundPayment``).
    channel = models.CharField(_("Channel"), max_length=8, choices=Channel.choices, blank=True)
    # The split of what was collected, by level (the levels above the tree were remitted out).
    share_grassroots = models.DecimalField(_("Grassroots share"), default=Decimal(0), **MONEY)
    share_township = models.DecimalField(_("Township share"), default=Decimal(0), **MONEY)
    share_county = models.DecimalField(_("County share"), default=Decimal(0), **MONEY)
    share_city = models.DecimalField(_("City share"), default=Decimal(0), **MONEY)
    share_province = models.DecimalField(_("Provincial share"), default=Decimal(0), **MONEY)
    share_national = models.DecimalField(_("ACFTU share"), default=Decimal(0), **MONEY)
    # The refund that gives back what was paid for this month: one at most.
    refund = models.ForeignKey(
        "FundRefund",
        verbose_name=_("Refunded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="months",
    )
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Union funds contribution")
        verbose_name_plural = _("Union funds contributions")
        ordering = ["-period", "employer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "period"],
                name="one_contribution_per_employer_and_month",
                violation_error_message=_("This employer's month is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="contribution_period_is_a_month",
                violation_error_message=_("A month is given by its first day."),
            ),
            models.CheckConstraint(
                condition=Q(payroll__gte=0, due__gte=0, collected__gte=0),
                name="contribution_amounts_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(collected=0) | (Q(collected_on__isnull=False) & ~Q(channel="")),
                name="contribution_collected_with_date_and_channel",
                violation_error_message=_("A collection has its date and channel."),
            ),
            models.CheckConstraint(
                condition=Q(
                    collected=F("share_grassroots")
                    + F("share_township")
                    + F("share_county")
                    + F("share_city")
                    + F("share_province")
                    + F("share_national")
                ),
                name="contribution_split_whole",
                violation_error_message=_("The split does not add up to what was collected."),
            ),
        ]

    def __str__(self):
        return f"{self.employer} {self.period:%Y-%m}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.collected, Decimal(0))


class FundPayment(models.Model):
    """One payment of an employer's month (入库记录): how much came in, on which day, through
    which channel, and its journal entry. A month may be paid in several payments; the same
    payment (same day, sum and channel) is recorded once, so a list imported twice adds
    nothing."""

    contribution = models.ForeignKey(
        FundContribution,
        verbose_name=_("Month"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    collected_on = models.DateField(_("Collected on"))
    channel = models.CharField(_("Channel"), max_length=8, choices=Channel.choices)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="payment", verbose_name=_("Entry")
    )
    county = CountyField(via="contribution")

    class Meta:
        verbose_name = _("Union funds payment")
        verbose_name_plural = _("Union funds payments")
        ordering = ["collected_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "collected_on", "amount", "channel"],
                name="one_record_of_a_payment",
                violation_error_message=_("This payment is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("Enter the amount collected."),
            ),
        ]

    def __str__(self):
        return f"{self.contribution} {self.collected_on:%Y-%m-%d} {self.amount}"


class RefundPolicy(models.Model):
    """A region's refund of union funds to small and micro enterprises (小微企业经费返还) from a
    date: who is eligible (small or micro, with its own union, at most so many employees, its
    funds paid in full) and what share of what it paid comes back."""

    region_code = models.CharField(
        _("Region code"), max_length=6, validators=[validate_region_code]
    )
    effective_from = models.DateField(_("Effective from"))
    effective_to = models.DateField(_("Effective until"), null=True, blank=True)
    max_headcount = models.PositiveIntegerField(_("At most this many employees"))
    requires_union = models.BooleanField(_("Only employers with their own union"), default=True)
    requires_full_payment = models.BooleanField(
        _("Only employers that paid every month in full"), default=True
    )
    percent = models.DecimalField(
        _("Share refunded (%)"), max_digits=5, decimal_places=2, default=Decimal(100)
    )
    note = models.CharField(_("Document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Refund policy")
        verbose_name_plural = _("Refund policies")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"],
                name="one_refund_policy_per_region_and_start",
                violation_error_message=_(
                    "This region already has a refund policy from that date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="refund_policy_period_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100),
                name="refund_percent_in_range",
                violation_error_message=_("The share refunded is more than 0 and at most 100."),
            ),
            models.CheckConstraint(
                condition=Q(max_headcount__gt=0),
                name="refund_headcount_ceiling_positive",
                violation_error_message=_("Give the employee ceiling."),
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_from:%Y-%m-%d}"


class RefundBatch(PaymentBatchBase):
    """A bank transfer list of approved refunds (``core.payments``)."""

    county = CountyField()

    class Meta:
        verbose_name = _("Refund payment batch")
        verbose_name_plural = _("Refund payment batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.org} #{self.pk}"


class FundRefund(models.Model):
    """What one employer gets back of what it paid for some months. Each month it covers points
    to it (``FundContribution.refund``), so a month is refunded once at most."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("To review")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("Employer"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Territorial union"),
        on_delete=models.PROTECT,
        related_name="fund_refunds",
    )
    policy = models.ForeignKey(
        RefundPolicy, verbose_name=_("Refund policy"), on_delete=models.PROTECT, related_name="+"
    )
    period_from = models.DateField(_("From month"))
    period_to = models.DateField(_("To month"))
    paid = models.DecimalField(_("Paid in these months (yuan)"), **MONEY)
    amount = models.DecimalField(_("Refund (yuan)"), **MONEY)
    bank_name = models.CharField(_("Bank"), max_length=60, blank=True)
    # Often a person's own account (a small firm's owner): encrypted like a member's, the last
    # four shown.
    bank_account = models.BinaryField(null=True, blank=True, editable=False)
    bank_account_last4 = models.CharField(_("Account (last four)"), max_length=4, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    batch = models.ForeignKey(
        RefundBatch,
        verbose_name=_("Payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    paid_on = models.DateField(_("Paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Drafted at"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Small and micro enterprise refund")
        verbose_name_plural = _("Small and micro enterprise refunds")
        ordering = ["-period_from", "employer__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=F("paid")),
                name="refund_within_what_was_paid",
                violation_error_message=_("A refund is more than 0 and at most what was paid."),
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=F("period_from")),
                name="refund_period_ordered",
                violation_error_message=_("The end month is before the start month."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="refund_paid_has_date",
                violation_error_message=_("A paid refund has its payment date."),
            ),
        ]

    def __str__(self):
        return f"{self.employer} {self.period_from:%Y-%m}—{self.period_to:%Y-%m}"


class Allocation(models.Model):
    """Money an org gives to a union beneath it (下拨/补助), for a purpose, approved and paid."""

    class Purpose(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance to workers in hardship")
        SERVICE_POINT = "service_point", _("Building service points")
        ACTIVITIES = "activities", _("Union activities")
        MUTUAL_AID = "mutual_aid", _("Mutual-aid premium subsidy")
        ORGANISING = "organising", _("Organising and union work")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("To approve")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("From"), on_delete=models.PROTECT, related_name="allocations"
    )
    recipient = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("To"),
        on_delete=models.PROTECT,
        related_name="allocations_received",
    )
    purpose = models.CharField(_("Purpose"), max_length=16, choices=Purpose.choices)
    # The point built with it, so a point's investment is read from the books (服务阵地投入).
    service_point = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Service point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    note = models.CharField(_("What it is for"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    paid_on = models.DateField(_("Paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Allocation")
        verbose_name_plural = _("Allocations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("Enter the amount allocated."),
            ),
            models.CheckConstraint(
                condition=~Q(recipient=F("org")),
                name="allocation_to_another_union",
                violation_error_message=_("An allocation goes to a union beneath."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="allocation_paid_has_date",
                violation_error_message=_("A paid allocation has its payment date."),
            ),
            models.CheckConstraint(
                condition=Q(service_point__isnull=True) | Q(purpose="service_point"),
                name="allocation_point_for_points",
                violation_error_message=_(
                    "Only an allocation for building service points names a service point."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.org} → {self.recipient} {self.amount}"


class DuesReport(models.Model):
    """What a union collected of its members' dues (会费, 0.5% of the wage) for a month: kept by
    the union that collects them, reported to the unions above."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Union"), on_delete=models.PROTECT, related_name="dues_reports"
    )
    period = models.DateField(_("Month"))
    members = models.PositiveIntegerField(_("Members paying"))
    amount = models.DecimalField(_("Dues collected (yuan)"), **MONEY)
    collected_on = models.DateField(_("Collected on"))
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Member dues report")
        verbose_name_plural = _("Member dues reports")
        ordering = ["-period", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period"],
                name="one_dues_report_per_union_and_month",
                violation_error_message=_("This union's dues for the month are already reported."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="dues_period_is_a_month",
                violation_error_message=_("A month is given by its first day."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, members__gt=0),
                name="dues_report_not_empty",
                violation_error_message=_("Give the members paying and the sum collected."),
            ),
        ]

    def __str__(self):
        return f"{self.org} {self.period:%Y-%m}"
