"""Assistance (帮扶): local standards, hardship files, campaigns, grants, payments, group relief.

Money is ``Decimal`` in 元 with two places. Budgets and yearly caps are enforced by the services
under row locks; one grant per person (per student for school aid) per campaign and one open
hardship file per household are enforced by the database.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.models import MONEY
from gonghui.core.payments import PaymentBatchBase


class LocalPolicy(models.Model):
    """The local numbers of a region for a period: subsistence line, yearly cap per person."""

    region_code = models.CharField(_("Region code"), max_length=6)
    year = models.PositiveSmallIntegerField(_("Year"))
    effective_from = models.DateField(_("Effective from"))
    effective_to = models.DateField(_("Effective until"), null=True, blank=True)
    subsistence_line = models.DecimalField(
        _("Subsistence line (yuan per person per month)"), **MONEY
    )
    yearly_cap_per_person = models.DecimalField(
        _("Yearly cap of grants per person (yuan)"), null=True, blank=True, **MONEY
    )
    note = models.CharField(_("Notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Local standard")
        verbose_name_plural = _("Local standards")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="one_policy_per_region_and_start"
            ),
            models.CheckConstraint(
                condition=Q(subsistence_line__gt=0), name="subsistence_line_positive"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="policy_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.year}"


class HardshipCategory(models.TextChoices):
    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    ACCIDENT = "accident", _("Hardship from an accident")


class HardshipFile(models.Model):
    class Status(models.TextChoices):
        ON_FILE = "on_file", _("On file")
        RELIEVED = "relieved", _("Relieved")
        LIFTED = "lifted", _("Lifted out")
        CLOSED = "closed", _("Closed")
        RELAPSED = "relapsed", _("Back in hardship")

    class FilingLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    class Cause(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        DISABILITY = "disability", _("Disability")
        SCHOOLING = "schooling", _("Children's schooling")
        UNEMPLOYMENT = "unemployment", _("Unemployment")
        LOW_WAGE = "low_wage", _("Low or unpaid wages")
        ACCIDENT = "accident", _("Accident")
        DISASTER = "disaster", _("Disaster")
        OTHER = "other", _("Other")

    OPEN = (Status.ON_FILE, Status.RELAPSED)

    applicant = models.ForeignKey(
        "members.Person",
        verbose_name=_("Applicant"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Filing union"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    household_size = models.PositiveSmallIntegerField(_("Household size"))
    annual_income = models.DecimalField(_("Annual disposable income of the household"), **MONEY)
    expense_illness = models.DecimalField(_("Medical expenses"), default=Decimal(0), **MONEY)
    expense_disability = models.DecimalField(_("Disability expenses"), default=Decimal(0), **MONEY)
    expense_schooling = models.DecimalField(_("Schooling expenses"), default=Decimal(0), **MONEY)
    expense_other = models.DecimalField(_("Other rigid expenses"), default=Decimal(0), **MONEY)
    per_capita_monthly = models.DecimalField(_("Per head per month"), **MONEY)
    subsistence_line = models.DecimalField(_("Subsistence line applied"), **MONEY)
    category = models.CharField(
        _("Hardship category"), max_length=16, choices=HardshipCategory.choices
    )
    accident_reason = models.CharField(
        _("Why hardship from an accident"), max_length=300, blank=True
    )
    causes = ArrayField(
        models.CharField(max_length=16, choices=Cause.choices),
        verbose_name=_("Causes"),
        default=list,
        blank=True,
    )
    filing_level = models.CharField(
        _("Filing level"), max_length=16, choices=FilingLevel.choices, default=FilingLevel.COUNTY
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.ON_FILE
    )
    filed_on = models.DateField(_("Filed on"))
    reviewed_on = models.DateField(_("Last reviewed on"))
    status_changed_on = models.DateField(_("Status since"))
    note = models.CharField(_("Notes"), max_length=500, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Hardship file")
        verbose_name_plural = _("Hardship files")
        ordering = ["-filed_on", "-id"]
        constraints = [
            # 一户一档: one open file per household, wherever it was filed.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=["on_file", "relapsed"]),
                name="one_open_hardship_file_per_household",
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="household_has_someone"
            ),
            models.CheckConstraint(
                condition=Q(annual_income__gte=0)
                & Q(expense_illness__gte=0)
                & Q(expense_disability__gte=0)
                & Q(expense_schooling__gte=0)
                & Q(expense_other__gte=0),
                name="household_money_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.applicant} · {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class HouseholdMember(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("Name"), max_length=50)
    relation = models.CharField(_("Relation"), max_length=20)
    birth_year = models.PositiveSmallIntegerField(_("Year of birth"), null=True, blank=True)
    note = models.CharField(_("Notes"), max_length=200, blank=True)
    county = CountyField(via="file")

    class Meta:
        verbose_name = _("Household member")
        verbose_name_plural = _("Household members")

    def __str__(self):
        return f"{self.relation} {self.name}"


class SchoolLevel(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SPRING_JOBS = "spring_jobs", _("Spring: jobs")
        SUMMER_COOLING = "summer_cooling", _("Summer: cooling")
        SCHOOL_AID = "school_aid", _("Autumn: school aid")
        WINTER_WARMTH = "winter_warmth", _("Winter: warmth")
        MEDICAL_RELIEF = "medical_relief", _("Medical relief")
        LIVING_RELIEF = "living_relief", _("Living relief")
        FESTIVAL_VISITS = "festival_visits", _("Festival visits")
        MODEL_WORKER_CARE = "model_worker_care", _("Care for model workers")
        OTHER = "other", _("Other")

    class Eligibility(models.TextChoices):
        ANYONE = "anyone", _("Any member")
        ON_FILE = "on_file", _("Households on file only")
        ON_FILE_OR_GROUPS = "on_file_or_groups", _("On file, or in one of the listed groups")

    code = models.CharField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    kind = models.CharField(_("Kind"), max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organised by"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    budget = models.DecimalField(_("Budget (yuan)"), **MONEY)
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    eligibility = models.CharField(
        _("Who may receive"), max_length=24, choices=Eligibility.choices, default=Eligibility.ANYONE
    )
    school_levels = ArrayField(
        models.CharField(max_length=24, choices=SchoolLevel.choices),
        verbose_name=_("School levels (school aid)"),
        default=list,
        blank=True,
    )
    lower_units_may_apply = models.BooleanField(
        _("Lower unions may submit applications"), default=True
    )
    notice_days = models.PositiveSmallIntegerField(_("Public notice period (days)"), default=5)
    # Where an objection to the public notice goes (the notice must say it): a department,
    # a person and a telephone number.
    objection_contact = models.CharField(
        _("Contact for objections"),
        max_length=120,
        blank=True,
        help_text=_("Printed on the public notice, e.g. 县总工会权益保障部 张老师 0875-1234567."),
    )
    is_open = models.BooleanField(_("Open"), default=True)
    note = models.CharField(_("Notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaigns")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="budget_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


class AmountStandard(models.Model):
    """The most one grant of a campaign may give, by hardship category and school level."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.CASCADE, related_name="standards"
    )
    category = models.CharField(
        _("Hardship category"), max_length=16, choices=HardshipCategory.choices, blank=True
    )
    school_level = models.CharField(
        _("School level"), max_length=24, choices=SchoolLevel.choices, blank=True
    )
    max_amount = models.DecimalField(_("Most per grant (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("Amount standard")
        verbose_name_plural = _("Amount standards")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category", "school_level"], name="one_standard_per_case"
            ),
            models.CheckConstraint(condition=Q(max_amount__gt=0), name="standard_positive"),
        ]

    def __str__(self):
        which = self.get_category_display() or self.get_school_level_display()
        return f"{self.campaign} {which} ≤ {self.max_amount}"


class EligibilityGroup(models.TextChoices):
    """The groups of ACFTU's 送温暖 notice, for campaigns open beyond households on file."""

    LAID_OFF = "laid_off", _("Laid off, low income or heavy schooling costs")
    ILLNESS_DISASTER = "illness_disaster", _("Serious illness, disaster or accident")
    WAGES_CUT = "wages_cut", _("Stopped or cut wages")
    WORK_INJURY = "work_injury", _("Work injury, occupational disease or bereaved family")
    FRONT_LINE = "front_line", _("Front line of extreme or hazardous work")
    DISASTER_RELIEF = "disaster_relief", _("Disaster relief front line")
    HOLIDAY_DUTY = "holiday_duty", _("On duty over the Spring Festival")
    POSTED_AWAY = "posted_away", _("Posted away from home")
    MAJOR_PROJECT = "major_project", _("Working on a major project")


class Grant(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        NOTICED = "noticed", _("On public notice")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = ("draft", "submitted", "reviewed", "noticed", "approved", "paid")
    COMMITTED = ("approved", "paid")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.PROTECT, related_name="grants"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Recipient"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Applying union"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    hardship_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("Hardship file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    category = models.CharField(
        _("Hardship category"), max_length=16, choices=HardshipCategory.choices, blank=True
    )
    eligibility_group = models.CharField(
        _("Group"), max_length=24, choices=EligibilityGroup.choices, blank=True
    )
    student_name = models.CharField(_("Student"), max_length=50, blank=True)
    student_id_number = models.BinaryField(null=True, blank=True, editable=False)
    student_id_digest = models.BinaryField(null=True, blank=True, editable=False)
    student_id_last4 = models.CharField(max_length=4, blank=True)
    school = models.CharField(_("School"), max_length=100, blank=True)
    school_level = models.CharField(
        _("School level"), max_length=24, choices=SchoolLevel.choices, blank=True
    )
    entry_year = models.PositiveSmallIntegerField(_("Entry year"), null=True, blank=True)
    cash_amount = models.DecimalField(_("Cash (yuan)"), default=Decimal(0), **MONEY)
    goods_value = models.DecimalField(_("Goods value (yuan)"), default=Decimal(0), **MONEY)
    bank_name = models.CharField(_("Bank"), max_length=60, blank=True)
    bank_account = models.BinaryField(null=True, blank=True, editable=False)
    bank_account_last4 = models.CharField(_("Account (last four)"), max_length=4, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    note = models.CharField(_("Notes"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)
    noticed_on = models.DateField(_("Notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("Notice until"), null=True, blank=True)
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    paid_on = models.DateField(_("Paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    payment_batch = models.ForeignKey(
        "PaymentBatch",
        verbose_name=_("Payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Grant")
        verbose_name_plural = _("Grants")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_grant", _("Can review grant applications")),
            ("approve_grant", _("Can publish notices and approve grants")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(
                    status__in=["draft", "submitted", "reviewed", "noticed", "approved", "paid"],
                    student_id_digest__isnull=True,
                ),
                name="one_grant_per_person_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["campaign", "student_id_digest"],
                condition=Q(
                    status__in=["draft", "submitted", "reviewed", "noticed", "approved", "paid"],
                    student_id_digest__isnull=False,
                ),
                name="one_grant_per_student_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(cash_amount__gte=0)
                & Q(goods_value__gte=0)
                & (Q(cash_amount__gt=0) | Q(goods_value__gt=0)),
                name="grant_gives_something",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="grant_campaign_status")]

    def __str__(self):
        return f"{self.person} · {self.campaign}"

    @property
    def amount(self) -> Decimal:
        return self.cash_amount + self.goods_value


class PaymentBatch(PaymentBatchBase):
    """A bank transfer list of one campaign's approved grants (``core.payments``)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        related_name="payment_batches",
    )
    county = CountyField()

    class Meta:
        verbose_name = _("Payment batch")
        verbose_name_plural = _("Payment batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign} #{self.pk}"


class GroupRelief(models.Model):
    """Relief given as numbers without names ("慰问高温一线职工10639人，投入资金26.63万元")."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.PROTECT, related_name="group_reliefs"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="group_reliefs",
    )
    date = models.DateField(_("Date"))
    headcount = models.PositiveIntegerField(_("People"))
    cash_amount = models.DecimalField(_("Cash (yuan)"), default=Decimal(0), **MONEY)
    goods_value = models.DecimalField(_("Goods value (yuan)"), default=Decimal(0), **MONEY)
    note = models.CharField(_("Notes"), max_length=500, blank=True)
    photo = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("Photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Group relief")
        verbose_name_plural = _("Group relief")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gt=0), name="relief_reaches_someone"),
            models.CheckConstraint(
                condition=Q(cash_amount__gte=0) & Q(goods_value__gte=0),
                name="relief_money_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.org} · {self.headcount}"
