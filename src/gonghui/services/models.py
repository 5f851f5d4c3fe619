"""Services to workers (服务职工): recuperation holidays (疗休养) in batches with the places
given to the unions beneath and the people they nominate; childcare classes (爱心托管班) for
members' children; start-up loans (创业担保贷款, 贷免扶补) with their repayment schedules; member
offers with partner merchants (普惠服务) and their monthly use; and the nominations of service
points for recognition (阵地命名).

The service points themselves are ``orgs.ServicePoint`` (the organisation area keeps what stands);
what they receive is read from the funds journal (``funds.Allocation.service_point``)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.idnumbers import masked_name
from gonghui.orgs.models import ServicePoint

MONEY = {"max_digits": 12, "decimal_places": 2}


class Group(models.TextChoices):
    """Whom a recuperation batch is for (the seeds: 劳模疗休养, 一线抗疫医务人员疗休养)."""

    MODEL_WORKERS = "model_workers", _("Model workers and craftsmen")
    MEDICAL = "medical", _("Front-line medical staff")
    FRONTLINE = "frontline", _("Front-line workers")
    OTHER = "other", _("Other workers")


class Recuperation(models.Model):
    """A recuperation batch (疗休养一批/一期) organised by a federation: its base, dates, places,
    the places it gives each union beneath (``quotas``) and the people sent (``participants``)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Being planned")
        NOMINATING = "nominating", _("Taking nominations")
        CONFIRMED = "confirmed", _("List confirmed")
        HELD = "held", _("Took place")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organised by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Batch"), max_length=100)
    group = models.CharField(_("For whom"), max_length=16, choices=Group.choices)
    base = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Recuperation base"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.CharField(
        _("Held at (another place)"),
        max_length=100,
        blank=True,
        help_text=_("Where it is held when not at one of our recuperation bases."),
    )
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    places = models.PositiveSmallIntegerField(_("Places"))
    cost_per_head = models.DecimalField(_("Cost per head (yuan)"), default=0, **MONEY)
    repeat_allowed = models.BooleanField(
        _("Open to people who went this year"),
        default=False,
        help_text=_(
            "By default a person goes once a year; tick only where the policy for this batch "
            "says otherwise."
        ),
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Recuperation batch")
        verbose_name_plural = _("Recuperation batches")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="recuperation_dates_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="recuperation_has_places",
                violation_error_message=_("A batch has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(base__isnull=False) | ~Q(place=""),
                name="recuperation_has_a_place",
                violation_error_message=_("Choose the base, or say where it is held."),
            ),
            models.CheckConstraint(
                condition=Q(cost_per_head__gte=0),
                name="recuperation_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name


class RecuperationQuota(models.Model):
    """The places of a batch a union beneath may fill with its own nominations (名额分配)."""

    recuperation = models.ForeignKey(
        Recuperation, verbose_name=_("Batch"), on_delete=models.CASCADE, related_name="quotas"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Union"), on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveSmallIntegerField(_("Places"))
    county = CountyField()

    class Meta:
        verbose_name = _("Places given")
        verbose_name_plural = _("Places given")
        ordering = ["recuperation", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["recuperation", "org"], name="one_quota_per_union_and_batch"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="quota_has_places",
                violation_error_message=_("Give at least one place."),
            ),
        ]

    def __str__(self):
        return f"{self.org} {self.places}"


class RecuperationParticipant(models.Model):
    """A member a union nominated for a batch, on its places; confirmed (or not chosen) by the
    organiser."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting the decision")
        CONFIRMED = "confirmed", _("Confirmed for the batch")
        NOT_CHOSEN = "not_chosen", _("Not chosen for the batch")

    recuperation = models.ForeignKey(
        Recuperation, verbose_name=_("Batch"), on_delete=models.PROTECT, related_name="participants"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("Member"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Full name"), max_length=50, editable=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.NOMINATED, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    county = CountyField(via="recuperation")

    class Meta:
        verbose_name = _("Recuperation participant")
        verbose_name_plural = _("Recuperation participants")
        ordering = ["recuperation", "org__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recuperation", "person"], name="one_place_per_person_and_batch"
            ),
        ]

    def __str__(self):
        return f"{masked_name(self.name)} · {self.recuperation}"


class ChildcareClass(models.Model):
    """A holiday childcare class (爱心托管班) for members' children: site, dates, capacity,
    the volunteers who staff it and what it cost."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Run by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Class"), max_length=100)
    site = models.CharField(_("Class site"), max_length=120)
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    capacity = models.PositiveSmallIntegerField(_("Places"))
    volunteers = models.PositiveSmallIntegerField(_("Volunteers"), default=0)
    cost = models.DecimalField(_("Cost (yuan)"), default=0, **MONEY)
    county = CountyField()

    class Meta:
        verbose_name = _("Childcare class")
        verbose_name_plural = _("Childcare classes")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="childcare_dates_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="childcare_has_places",
                violation_error_message=_("A class has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="childcare_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name


class ChildcareChild(models.Model):
    """A member's child enrolled in a class. A child is not a member: only the name and year of
    birth are kept (shown masked in lists, like a hardship file's household)."""

    childcare_class = models.ForeignKey(
        ChildcareClass, verbose_name=_("Class"), on_delete=models.PROTECT, related_name="children"
    )
    parent = models.ForeignKey(
        "members.Person",
        verbose_name=_("Parent (member)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent_name = models.CharField(_("Parent"), max_length=50, editable=False)
    name = models.CharField(_("Child's name"), max_length=50)
    birth_year = models.PositiveSmallIntegerField(_("Child's year of birth"))
    county = CountyField(via="childcare_class")

    class Meta:
        verbose_name = _("Child enrolled")
        verbose_name_plural = _("Children enrolled")
        ordering = ["childcare_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["childcare_class", "parent", "name"], name="one_place_per_child_and_class"
            ),
        ]

    def __str__(self):
        return f"{masked_name(self.name)} · {self.childcare_class}"


class StartupLoan(models.Model):
    """A guaranteed start-up loan (创业担保贷款, 贷免扶补) a union supports for a member: decided,
    disbursed by the partner bank, repaid by its schedule (``instalments``), or written off."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        DISBURSED = "disbursed", _("Being repaid")
        REPAID = "repaid", _("Repaid")
        WRITTEN_OFF = "written_off", _("Written off")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Supported by"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("Applicant"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Full name"), max_length=50, editable=False)
    business = models.CharField(_("Business"), max_length=100)
    amount = models.DecimalField(_("Loan (yuan)"), **MONEY)
    bank = models.CharField(_("Partner bank"), max_length=60)
    guarantee = models.CharField(
        _("Guarantee"), max_length=60, help_text=_("For example: the start-up guarantee fund.")
    )
    interest_subsidy = models.DecimalField(_("Interest subsidy (yuan)"), default=0, **MONEY)
    term_months = models.PositiveSmallIntegerField(_("Term (months)"), default=24)
    applied_on = models.DateField(_("Applied on"))
    decided_on = models.DateField(_("Approved or refused on"), null=True, blank=True)
    disbursed_on = models.DateField(_("Disbursed on"), null=True, blank=True)
    written_off_on = models.DateField(_("Written off on"), null=True, blank=True)
    written_off = models.DecimalField(_("Written off (yuan)"), default=0, **MONEY)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Start-up loan")
        verbose_name_plural = _("Start-up loans")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="loan_amount_positive",
                violation_error_message=_("Enter the loan's amount."),
            ),
            models.CheckConstraint(
                condition=Q(interest_subsidy__gte=0) & Q(written_off__gte=0),
                name="loan_sums_not_negative",
                violation_error_message=_("A sum cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=60),
                name="loan_term_in_range",
                violation_error_message=_("A term is from 1 to 60 months."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["disbursed", "repaid", "written_off"])
                | Q(disbursed_on__isnull=False),
                name="loan_disbursed_has_date",
                violation_error_message=_("A disbursed loan has its date."),
            ),
        ]

    def __str__(self):
        return f"{masked_name(self.name)} · {self.business}"


class LoanInstalment(models.Model):
    """One instalment of a loan's repayment schedule; ``repaid_on`` once the bank reports it
    paid."""

    loan = models.ForeignKey(
        StartupLoan, verbose_name=_("Loan"), on_delete=models.CASCADE, related_name="instalments"
    )
    seq = models.PositiveSmallIntegerField(_("Instalment"))
    due_on = models.DateField(_("Due on"))
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    repaid_on = models.DateField(_("Repaid on"), null=True, blank=True)
    county = CountyField(via="loan")

    class Meta:
        verbose_name = _("Instalment")
        verbose_name_plural = _("Instalments")
        ordering = ["loan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "seq"], name="one_instalment_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.loan} #{self.seq}"


class MemberOffer(models.Model):
    """An inclusive offer (普惠服务项目) with a partner merchant: what members get, for how long;
    its use is counted each month from the partner's list (``uses``)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Run by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(
        _("Offer code"),
        max_length=20,
        help_text=_("The code the partner's monthly list names the offer by."),
    )
    title = models.CharField(_("Offer"), max_length=100)
    merchant = models.CharField(_("Partner merchant"), max_length=100)
    offer = models.CharField(_("What members get"), max_length=200)
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"), null=True, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Member offer")
        verbose_name_plural = _("Member offers")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="one_offer_code_per_union"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="offer_dates_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.merchant}）"


class OfferUse(models.Model):
    """How often members used an offer in a month, and what they saved, from the partner's
    monthly list (counts only: members' purchases are not the union's to keep)."""

    offer = models.ForeignKey(
        MemberOffer, verbose_name=_("Offer"), on_delete=models.PROTECT, related_name="uses"
    )
    month = models.DateField(_("Month"), help_text=_("The first day of the month."))
    person_times = models.PositiveIntegerField(_("Uses (person-times)"))
    value = models.DecimalField(_("Saved by members (yuan)"), default=0, **MONEY)
    county = CountyField(via="offer")

    class Meta:
        verbose_name = _("Offer use")
        verbose_name_plural = _("Offer uses")
        ordering = ["-month", "offer"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "month"], name="one_use_count_per_month"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="offer_value_not_negative",
                violation_error_message=_("A sum cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.offer} {self.month:%Y-%m}"


class PointNomination(models.Model):
    """A service point put forward for a recognition (命名: 全国最美工会户外劳动者服务站点,
    省级职工书屋); conferring it raises the point's ``recognition``."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting the decision")
        CONFERRED = "conferred", _("Recognition conferred")
        NOT_CONFERRED = "not_conferred", _("Recognition not conferred")

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Service point"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    level = models.CharField(
        _("Recognition level"),
        max_length=10,
        choices=[c for c in ServicePoint.Recognition.choices if c[0] != "none"],
    )
    title = models.CharField(
        _("Title conferred"),
        max_length=100,
        help_text=_("As conferred, e.g. 全国最美工会户外劳动者服务站点."),
    )
    nominated_on = models.DateField(_("Nominated on"))
    status = models.CharField(
        _("Status"), max_length=14, choices=Status.choices, default=Status.NOMINATED, db_index=True
    )
    decided_on = models.DateField(_("Outcome on"), null=True, blank=True)
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Service point nomination")
        verbose_name_plural = _("Service point nominations")
        ordering = ["-nominated_on", "-id"]
        constraints = [
            # Once turned down, a point may be put forward for the title again another year.
            models.UniqueConstraint(
                fields=["point", "level", "title"],
                condition=~Q(status="not_conferred"),
                name="one_nomination_per_point_and_title",
            ),
            models.CheckConstraint(
                condition=Q(status="nominated") | Q(decided_on__isnull=False),
                name="nomination_decided_has_date",
                violation_error_message=_("A decision has its date."),
            ),
        ]

    def __str__(self):
        return f"{self.point} · {self.title}"
