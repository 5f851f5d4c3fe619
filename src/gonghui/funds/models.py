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

from gonghui.core.models import MONEY
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
    channel = models.CharField(_("Channel"), max_length=8, choices=Channel.choices, blank=True)
    # The split of what was collected, by level (the levels above the tree were remitted out).
    share_grassroots = models.DecimalField(_("Grassroots share"), default=Decimal(0), **MONEY)
    share_township = models.DecimalField(_("Township share"), default=Decimal(0), **MONEY)
    share_county = models.DecimalField(_("County share"), default=Decimal(0), **MONEY)
    share_city = models.DecimalField(_("City share"), default=Decimal(0), **MONEY)
    share_province = models.DecimalField(_("Provincial share"), default=Decimal(0), **MONEY)
    share_national = models.DecimalField(_("ACFTU share"), default=Decimal(0), **MONEY)
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)

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
