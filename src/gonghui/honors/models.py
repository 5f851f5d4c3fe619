"""Honours (劳模与荣誉): the honours of a year and their nomination rounds, the nominations,
the honours conferred, and the register of model workers.

An ``Honor`` is one honour of one year as a body confers it (2026年保山市劳动模范, 2026年保山工匠):
its kind, level, conferring body and year; when the federation runs the nominations for it,
also its quotas per org beneath, its public-notice period and its structure targets. A
``HonorAward`` is the honour conferred on one person or one unit; the same honour twice for the
same person is refused by the database. A person honoured who is not a member of the subtree
(an imported roll of earlier years) is recorded by name and ID number on the award, encrypted
like the member registry's. ``ModelWorker`` is the register: one row per person honoured as
劳动模范 or 先进工作者 at county level or above, with what the unions verify every year.
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


class HonorLevel(models.TextChoices):
    # Highest first: the register keeps a model worker's highest level.
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial or ministerial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


LEVEL_RANK = {level: rank for rank, level in enumerate(HonorLevel.values)}


class Recipient(models.TextChoices):
    """Who an honour goes to: a person, an employer (奖状, 职工之家), a team (先锋号, 小家)
    or a studio (创新工作室)."""

    PERSON = "person", _("A person")
    UNIT = "unit", _("An employer or union")
    TEAM = "team", _("A team")
    STUDIO = "studio", _("A studio")


class HonorKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")
    MAY_DAY_AWARD = "may_day_award", _("May Day Labour Award")
    PIONEER = "pioneer", _("Workers' Pioneer")
    CRAFTSMAN = "craftsman", _("Craftsman title")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    INNOVATION_PACESETTER = "innovation_pacesetter", _("Innovation pacesetter")
    MODEL_HOME = "model_home", _("Model workers' home")
    MODEL_SMALL_HOME = "model_small_home", _("Model workers' small home")
    INNOVATION_STUDIO = "innovation_studio", _("Model worker (craftsman) innovation studio")


RECIPIENT_OF = {
    HonorKind.MODEL_WORKER: Recipient.PERSON,
    HonorKind.ADVANCED_WORKER: Recipient.PERSON,
    HonorKind.MAY_DAY_MEDAL: Recipient.PERSON,
    HonorKind.MAY_DAY_AWARD: Recipient.UNIT,
    HonorKind.PIONEER: Recipient.TEAM,
    HonorKind.CRAFTSMAN: Recipient.PERSON,
    HonorKind.TECHNICAL_EXPERT: Recipient.PERSON,
    HonorKind.INNOVATION_PACESETTER: Recipient.PERSON,
    HonorKind.MODEL_HOME: Recipient.UNIT,
    HonorKind.MODEL_SMALL_HOME: Recipient.TEAM,
    HonorKind.INNOVATION_STUDIO: Recipient.STUDIO,
}
# The kinds that put a person on the register of model workers (at county level or above).
REGISTER_KINDS = (HonorKind.MODEL_WORKER, HonorKind.ADVANCED_WORKER)


class Honor(models.Model):
    kind = models.CharField(_("Kind of honour"), max_length=24, choices=HonorKind.choices)
    level = models.CharField(_("Level"), max_length=12, choices=HonorLevel.choices)
    # The honour's own name where the kind does not say it: 保山工匠, 青山县技术能手.
    title = models.CharField(
        _("Honour title"),
        max_length=60,
        blank=True,
        help_text=_("For titles named by the conferring place, e.g. 保山工匠."),
    )
    conferring_body = models.CharField(_("Conferring body"), max_length=100)
    year = models.PositiveSmallIntegerField(_("Year"))
    conferred_on = models.DateField(_("Conferred on"), null=True, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Kept by"),
        on_delete=models.PROTECT,
        related_name="honors",
        help_text=_("The federation that keeps this honour's records and runs its nominations."),
    )
    # The nomination round: open while unions may nominate, the places the org was given
    # from above (blank: no overall limit), the notice period and the structure targets.
    nominations_open = models.BooleanField(_("Taking nominations"), default=False)
    places = models.PositiveIntegerField(_("Places given to us"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("Public notice period (days)"), default=5)
    objection_contact = models.CharField(
        _("Contact for objections"),
        max_length=120,
        blank=True,
        help_text=_("Printed on the public notice, e.g. 县总工会 张老师 0875-1234567."),
    )
    min_front_line_pct = models.PositiveSmallIntegerField(
        _("Front-line workers at least (%)"), null=True, blank=True
    )
    min_non_public_pct = models.PositiveSmallIntegerField(
        _("Non-public sector at least (%)"), null=True, blank=True
    )
    max_cadre_pct = models.PositiveSmallIntegerField(
        _("Managers and cadres at most (%)"), null=True, blank=True
    )
    note = models.CharField(_("Notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Honour")
        verbose_name_plural = _("Honours")
        ordering = ["-year", "kind", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "level", "title", "conferring_body", "year"],
                name="one_honor_per_body_and_year",
            ),
            models.CheckConstraint(
                condition=Q(min_front_line_pct__lte=100)
                & Q(min_non_public_pct__lte=100)
                & Q(max_cadre_pct__lte=100),
                name="honor_shares_are_percent",
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.conferring_body}{self.name}"

    @property
    def name(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def recipient(self) -> str:
        return RECIPIENT_OF[self.kind]


class HonorQuota(models.Model):
    """The places an org beneath gets in a round, set by the honour's keeper (like targets)."""

    honor = models.ForeignKey(
        Honor, verbose_name=_("Honour"), on_delete=models.CASCADE, related_name="quotas"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveIntegerField(_("Places"))

    class Meta:
        verbose_name = _("Quota")
        verbose_name_plural = _("Quotas")
        ordering = ["honor", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["honor", "org"], name="one_quota_per_org"),
        ]

    def __str__(self):
        return f"{self.org} {self.places}"


class Honoree(models.Model):
    """Who is honoured, said once for nominations and awards: a member (``person``), a person
    outside the registry (name and ID number, encrypted), or a unit, team or studio."""

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A member's name is copied from the registry; a person outside it or a unit is named here.
    name = models.CharField(_("Name"), max_length=100, blank=True)
    id_number = models.BinaryField(null=True, blank=True, editable=False)
    id_digest = models.BinaryField(null=True, blank=True, editable=False)
    id_last4 = models.CharField(max_length=4, blank=True)
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("Employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_point = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Studio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workplace = models.CharField(_("Workplace and post"), max_length=120, blank=True)

    class Meta:
        abstract = True

    @property
    def is_person(self) -> bool:
        return self.person_id is not None or self.id_digest is not None


class HonorNomination(Honoree):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        RECOMMENDED = "recommended", _("Recommended")
        NOTICED = "noticed", _("On public notice")
        FORWARDED = "forwarded", _("Sent up for decision")
        CONFERRED = "conferred", _("Conferred")
        NOT_CONFERRED = "not_conferred", _("Not conferred")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = ("draft", "submitted", "reviewed", "recommended", "noticed", "forwarded", "conferred")
    # What takes one of the round's places.
    PLACED = ("recommended", "noticed", "forwarded", "conferred")

    honor = models.ForeignKey(
        Honor, verbose_name=_("Honour"), on_delete=models.PROTECT, related_name="nominations"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Nominating union"),
        on_delete=models.PROTECT,
        related_name="honor_nominations",
    )
    deeds = models.TextField(_("Deeds"), max_length=3000)
    is_front_line = models.BooleanField(_("Front-line worker"), default=False)
    is_non_public = models.BooleanField(_("Non-public sector"), default=False)
    is_cadre = models.BooleanField(_("Manager or cadre"), default=False)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    noticed_on = models.DateField(_("Notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("Notice until"), null=True, blank=True)
    objections = models.TextField(_("Objections received"), max_length=2000, blank=True)
    decided_on = models.DateField(_("Decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Nomination")
        verbose_name_plural = _("Nominations")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_honornomination", _("Can review nominations")),
            ("recommend_honornomination", _("Can recommend, publish and record decisions")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["honor", "person"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "reviewed",
                        "recommended",
                        "noticed",
                        "forwarded",
                        "conferred",
                    ],
                    person__isnull=False,
                ),
                name="one_live_nomination_per_person",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""), name="nomination_names_someone"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.honor}"


class HonorAward(Honoree):
    """An honour conferred on one person or unit."""

    honor = models.ForeignKey(
        Honor, verbose_name=_("Honour"), on_delete=models.PROTECT, related_name="awards"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union of the honoured"),
        on_delete=models.PROTECT,
        related_name="honor_awards",
    )
    conferred_on = models.DateField(_("Conferred on"))
    nomination = models.OneToOneField(
        HonorNomination,
        verbose_name=_("Nomination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )
    note = models.CharField(_("Notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Honour conferred")
        verbose_name_plural = _("Honours conferred")
        ordering = ["-conferred_on", "-id"]
        constraints = [
            # The same honour twice: refused for a member, a person by ID number, a unit.
            models.UniqueConstraint(
                fields=["honor", "person"],
                condition=Q(person__isnull=False),
                name="one_award_per_member",
            ),
            models.UniqueConstraint(
                fields=["honor", "id_digest"],
                condition=Q(id_digest__isnull=False),
                name="one_award_per_id_number",
            ),
            models.UniqueConstraint(
                fields=["honor", "name"],
                condition=Q(person__isnull=True, id_digest__isnull=True),
                name="one_award_per_unit",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="award_names_someone"),
        ]
        indexes = [models.Index(fields=["conferred_on"], name="award_conferred_on")]

    def __str__(self):
        return f"{self.name} · {self.honor}"


class ModelWorker(models.Model):
    """The register (劳模名册): a person honoured as 劳动模范 or 先进工作者, kept by the union
    they are reached through, verified by it every year."""

    class Living(models.TextChoices):
        LIVING = "living", _("Living")
        DECEASED = "deceased", _("Deceased")

    class Employment(models.TextChoices):
        WORKING = "working", _("In work")
        RETIRED = "retired", _("Retired")
        OUT_OF_WORK = "out_of_work", _("Out of work")

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("Name"), max_length=50)
    id_number = models.BinaryField(editable=False)
    id_digest = models.BinaryField(unique=True, editable=False)
    id_last4 = models.CharField(max_length=4, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union in contact"),
        on_delete=models.PROTECT,
        related_name="model_workers",
    )
    level = models.CharField(_("Highest level"), max_length=12, choices=HonorLevel.choices)
    first_year = models.PositiveSmallIntegerField(_("First honoured"))
    registered_on = models.DateField(_("On the register since"))
    living = models.CharField(
        _("Living status"), max_length=12, choices=Living.choices, default=Living.LIVING
    )
    died_on = models.DateField(_("Died on"), null=True, blank=True)
    employment = models.CharField(
        _("Employment"), max_length=12, choices=Employment.choices, default=Employment.WORKING
    )
    in_hardship = models.BooleanField(_("In hardship"), default=False)
    verified_year = models.PositiveSmallIntegerField(
        _("Last verified (year)"), null=True, blank=True
    )
    # What the care is paid to and computed from (the hardship top-up), kept by the union.
    monthly_income = models.DecimalField(_("Monthly income (yuan)"), null=True, blank=True, **MONEY)
    bank_name = models.CharField(_("Bank"), max_length=60, blank=True)
    bank_account = models.BinaryField(null=True, blank=True, editable=False)
    bank_account_last4 = models.CharField(_("Account (last four)"), max_length=4, blank=True)
    note = models.CharField(_("Notes"), max_length=300, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Model worker")
        verbose_name_plural = _("Register of model workers")
        ordering = ["org__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(died_on__isnull=True) | Q(living="deceased"),
                name="only_the_deceased_have_a_death_date",
            ),
        ]

    def __str__(self):
        return self.name


# -- care for the honoured (劳模关爱) ----------------------------------------------------------


class CareKind(models.TextChoices):
    ALLOWANCE = "allowance", _("Monthly honour allowance")
    FESTIVAL = "festival", _("Festival visit")
    HARDSHIP = "hardship", _("Hardship top-up")


class CareStandard(models.Model):
    """What a model worker of a level gets, by region and period (the regional policy): a
    monthly allowance, a festival visit, or a hardship top-up to a multiple of the local average
    wage (the difference is paid)."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Set by"),
        on_delete=models.PROTECT,
        related_name="care_standards",
    )
    region_code = models.CharField(
        _("Region code"),
        max_length=6,
        blank=True,
        help_text=_("Blank: the whole area of the federation that sets it."),
    )
    level = models.CharField(_("Level"), max_length=12, choices=HonorLevel.choices)
    kind = models.CharField(_("Kind of care"), max_length=12, choices=CareKind.choices)
    amount = models.DecimalField(
        _("Amount (yuan)"),
        null=True,
        blank=True,
        help_text=_("Per month for the allowance, per visit for festival visits."),
        **MONEY,
    )
    multiple = models.DecimalField(
        _("Multiple of the average wage"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    average_wage = models.DecimalField(
        _("Local average monthly wage (yuan)"), null=True, blank=True, **MONEY
    )
    effective_from = models.DateField(_("Effective from"))
    effective_to = models.DateField(_("Effective until"), null=True, blank=True)
    note = models.CharField(_("Notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Care standard")
        verbose_name_plural = _("Care standards")
        ordering = ["kind", "level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "region_code", "level", "kind", "effective_from"],
                name="one_care_standard_per_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | (Q(multiple__gt=0) & Q(average_wage__gt=0)),
                name="care_standard_says_how_much",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="care_standard_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}{self.get_kind_display()}"


class CareBatch(PaymentBatchBase):
    """A bank transfer list of care payments (``core.payments``)."""

    county = CountyField()

    class Meta:
        verbose_name = _("Care payment batch")
        verbose_name_plural = _("Care payment batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.org} #{self.pk}"


class CarePayment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("To approve")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    worker = models.ForeignKey(
        ModelWorker, verbose_name=_("Model worker"), on_delete=models.PROTECT, related_name="care"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union in contact"),
        on_delete=models.PROTECT,
        related_name="care_payments",
    )
    kind = models.CharField(_("Kind of care"), max_length=12, choices=CareKind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    # The month of an allowance (0 for the other kinds), the occasion of a visit (春节).
    month = models.PositiveSmallIntegerField(_("Month"), default=0)
    occasion = models.CharField(_("Occasion"), max_length=20, blank=True)
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    basis = models.CharField(_("How it was computed"), max_length=200)
    bank_name = models.CharField(_("Bank"), max_length=60, blank=True)
    bank_account = models.BinaryField(null=True, blank=True, editable=False)
    bank_account_last4 = models.CharField(_("Account (last four)"), max_length=4, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    batch = models.ForeignKey(
        CareBatch,
        verbose_name=_("Payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    paid_on = models.DateField(_("Paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Care payment")
        verbose_name_plural = _("Care payments")
        ordering = ["-year", "-month", "-id"]
        constraints = [
            # One allowance a month, one visit an occasion, one top-up a year, per person.
            models.UniqueConstraint(
                fields=["worker", "kind", "year", "month", "occasion"],
                condition=~Q(status="cancelled"),
                name="one_care_payment_per_period",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="care_payment_positive"),
            models.CheckConstraint(
                condition=Q(month__gte=0) & Q(month__lte=12), name="care_month_is_a_month"
            ),
        ]
        indexes = [models.Index(fields=["paid_on"], name="care_paid_on")]

    def __str__(self):
        return f"{self.worker.name} · {self.period}"

    @property
    def period(self) -> str:
        if self.month:
            return f"{self.year}年{self.month}月{self.get_kind_display()}"
        return f"{self.year}年{self.occasion}{self.get_kind_display()}"


class NominationAttachment(models.Model):
    """A file behind a nomination (the deeds' evidence, the recommendation form signed and
    stamped), kept through the platform's checked path (``core.files``), served within the
    nomination's scope."""

    nomination = models.ForeignKey(
        HonorNomination,
        verbose_name=_("Nomination"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    stored = models.ForeignKey(
        "core.StoredFile", verbose_name=_("File"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("File name"), max_length=200)
    size = models.PositiveIntegerField(_("Size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("Uploaded"), default=timezone.now)
    county = CountyField(via="nomination")

    class Meta:
        verbose_name = _("Nomination attachment")
        verbose_name_plural = _("Nomination attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
