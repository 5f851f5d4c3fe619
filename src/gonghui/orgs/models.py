"""The union tree, the employers it covers and its service points (阵地)."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.validators import validate_region_code, validate_uscc

PATH_STEP = 10  # one zero-padded id per level: "0000000001/0000000042/"

code_validator = RegexValidator(
    re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$"),
    _(
        "An organisation code consists of capital letters, digits and "
        "hyphens, 2 to 32 characters long."
    ),
)


# From how many days before a term ends its re-election is due, where a region sets no rule of
# its own (``OrgPolicy``).
REELECTION_DUE_DEFAULT = 180


class MakeYearsInterval(models.Func):
    # PostgreSQL's make_interval is immutable, so it may stand in a generated column.
    function = "make_interval"
    template = "%(function)s(years => %(expressions)s)"


class Org(models.Model):
    """A node of the union tree: a federation, a township union, a grassroots union, a group."""

    class Level(models.IntegerChoices):
        # The value is the depth rank: a child's level must be greater than its parent's.
        NATIONAL = 1, _("National federation")
        PROVINCE = 2, _("Provincial federation")
        CITY = 3, _("City federation")
        COUNTY = 4, _("County (district) federation")
        TOWNSHIP = 5, _("Township (street) union")
        GRASSROOTS = 6, _("Grassroots union")
        GROUP = 7, _("Union group")

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Local federation")
        TOWNSHIP = "township", _("Township (street) union")
        ENTERPRISE = "enterprise", _("Enterprise union")
        ORGAN = "organ", _("Government organ union")
        INSTITUTION = "institution", _("Public institution union")
        SCHOOL = "school", _("School union")
        HOSPITAL = "hospital", _("Hospital union")
        JOINT = "joint", _("Joint grassroots union")
        REGIONAL = "regional", _("Regional union federation")
        INDUSTRY_UNION = "industry_union", _("Industry union")
        PARK = "park", _("Development zone (park) union")
        VILLAGE = "village", _("Village union")
        COMMUNITY = "community", _("Community union")
        NEW_EMPLOYMENT = "new_employment", _("New-employment-form union federation")
        GROUP = "group", _("Union group")
        OTHER = "other", _("Other")

    class TermYears(models.IntegerChoices):
        THREE = 3, _("3 years")
        FIVE = 5, _("5 years")

    code = models.CharField(
        _("Organisation code"),
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text=_(
            "A stable human-readable code such as QS-TY-001; normally not changed once created."
        ),
    )
    name = models.CharField(_("Name"), max_length=100)
    short_name = models.CharField(_("Short name"), max_length=30, blank=True)
    level = models.PositiveSmallIntegerField(_("Level"), choices=Level.choices)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path, maintained only by the services in orgs.services.
    path = models.CharField(_("Path"), max_length=255, unique=True, editable=False)
    region_code = models.CharField(
        _("Region code"), max_length=6, blank=True, validators=[validate_region_code]
    )
    uscc = models.CharField(
        _("Unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    founded_on = models.DateField(_("Founded on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("Term (years)"),
        choices=TermYears.choices,
        null=True,
        blank=True,
    )
    term_started_on = models.DateField(_("Current committee elected on"), null=True, blank=True)
    term_ends_on = models.GeneratedField(
        verbose_name=_("Current term ends on"),
        expression=Cast(
            models.F("term_started_on") + MakeYearsInterval(models.F("term_years")),
            models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    legal_person_certificate = models.CharField(
        _("Union legal-person certificate number"), max_length=40, blank=True
    )
    chair_name = models.CharField(_("Union chair"), max_length=50, blank=True)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)
    county = CountyField(via="")

    class Meta:
        verbose_name = _("Unions")
        verbose_name_plural = _("Unions")
        ordering = ["path"]
        # Subtree lookups (path LIKE 'prefix%') use the varchar_pattern_ops index Django makes
        # for the unique ``path`` by itself; a second one of our own only slowed writes.
        indexes = [
            models.Index(fields=["level", "kind"], name="org_level_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_years__isnull=True) | models.Q(term_years__in=[3, 5]),
                name="org_term_years_3_or_5",
                violation_error_message=_("A term can only be 3 or 5 years."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=7),
                name="org_level_known",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="org_uscc_unique",
                violation_error_message=_(
                    "Another organisation already uses this unified social credit code."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1)

    def ancestor_paths(self) -> list[str]:
        """The paths of this org and of every org above it, the root's first."""
        return [self.path[: i + 1] for i, ch in enumerate(self.path) if ch == "/"]

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_within(self, other: Org) -> bool:
        """True when this org is ``other`` or lies beneath it."""
        return self.path.startswith(other.path)

    def clean(self):
        errors = {}
        if self.parent_id is not None:
            parent = self.parent
            if self.level is not None and self.level <= parent.level:
                errors["level"] = _(
                    "A “%(child)s” must be below its parent organisation “%(parent)s” (%(plevel)s)."
                ) % {
                    "child": self.get_level_display(),
                    "parent": parent.name,
                    "plevel": parent.get_level_display(),
                }
            if self.pk and self.path and parent.path.startswith(self.path):
                errors["parent"] = _(
                    "An organisation cannot be moved under itself or one of its subordinates."
                )
        if self.pk and self.level is not None:
            clash = Org.objects.filter(parent_id=self.pk, level__lte=self.level).first()
            if clash is not None:
                errors["level"] = _(
                    "The subordinate organisation “%(child)s” is not below the new level; "
                    "adjust the subordinates first."
                ) % {"child": clash.name}
        if self.level is not None and self.level <= self.Level.COUNTY and self.term_years == 3:
            errors["term_years"] = _("A local federation committee's term is 5 years.")
        if bool(self.term_years) != bool(self.term_started_on):
            errors["term_started_on"] = _("Term and election date must be given together.")
        if self.term_started_on and self.founded_on and self.term_started_on < self.founded_on:
            errors["term_started_on"] = _(
                "The election date cannot be earlier than the founding date."
            )
        if errors:
            raise ValidationError(errors)

    class ReelectionStatus(models.TextChoices):
        NONE = "none", _("No term registered")
        OK = "ok", _("In term")
        DUE = "due", _("Re-election due")
        OVERDUE = "overdue", _("Re-election overdue")

    def reelection_status(
        self, today: datetime.date, due_within_days: int = REELECTION_DUE_DEFAULT
    ) -> str:
        """``due_within_days`` is the region's rule (``selectors.reelection_due_days``)."""
        if not self.term_ends_on:
            return self.ReelectionStatus.NONE
        if self.term_ends_on < today:
            return self.ReelectionStatus.OVERDUE
        if (self.term_ends_on - today).days <= due_within_days:
            return self.ReelectionStatus.DUE
        return self.ReelectionStatus.OK


class Employer(models.Model):
    """A workplace (单位). It may have its own union, or none yet."""

    class UnitType(models.TextChoices):
        STATE_OWNED = "110", _("State-owned enterprise")
        COLLECTIVE = "120", _("Collective enterprise")
        JOINT_STOCK_COOP = "130", _("Joint-stock cooperative enterprise")
        ASSOCIATED = "140", _("Associated enterprise")
        STATE_SOLE_LLC = "151", _("Wholly state-owned company")
        OTHER_LLC = "159", _("Other limited liability company")
        STATE_HOLDING_CORP = "161", _("State-controlled joint-stock company")
        OTHER_CORP = "169", _("Other joint-stock company")
        PRIVATE = "170", _("Private enterprise")
        OTHER_DOMESTIC = "190", _("Other domestic enterprise")
        HK_MACAO_TAIWAN = "200", _("Hong Kong, Macao or Taiwan invested enterprise")
        FOREIGN = "300", _("Foreign-invested enterprise")
        PUBLIC_INSTITUTION = "400", _("Public institution")
        ORGAN = "500", _("Government organ")
        INDIVIDUAL = "600", _("Individual business")
        PRIVATE_NON_ENTERPRISE = "700", _("Private non-enterprise unit")

    class IndustrySection(models.TextChoices):
        # GB/T 4754-2017 sections.
        A = "A", _("Agriculture, forestry, animal husbandry and fishery")
        B = "B", _("Mining")
        C = "C", _("Manufacturing")
        D = "D", _("Electricity, heat, gas and water supply")
        E = "E", _("Construction")
        F = "F", _("Wholesale and retail trade")
        G = "G", _("Transport, storage and post")
        H = "H", _("Accommodation and catering")
        I = "I", _("Information transmission, software and IT services")  # noqa: E741
        J = "J", _("Finance")
        K = "K", _("Real estate")
        L = "L", _("Leasing and business services")
        M = "M", _("Scientific research and technical services")
        N = "N", _("Water conservancy, environment and public facilities")
        O = "O", _("Residential, repair and other services")  # noqa: E741
        P = "P", _("Education")
        Q = "Q", _("Health and social work")
        R = "R", _("Culture, sports and entertainment")
        S = "S", _("Public administration, social security and social organisations")
        T = "T", _("International organisations")

    org = models.ForeignKey(
        Org,
        verbose_name=_("Territorial union"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_(
            "The union that looks after this employer (usually a township or street union)."
        ),
    )
    name = models.CharField(_("Employer name"), max_length=120)
    uscc = models.CharField(
        _("Unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    unit_type = models.CharField(_("Unit type"), max_length=3, choices=UnitType.choices)
    industry_section = models.CharField(
        _("Industry section"), max_length=1, choices=IndustrySection.choices, blank=True
    )
    headcount = models.PositiveIntegerField(_("Employees"), default=0)
    monthly_payroll = models.DecimalField(
        _("Monthly payroll (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    is_small_micro = models.BooleanField(_("Small or micro enterprise"), default=False)
    region_code = models.CharField(
        _("Region code"), max_length=6, blank=True, validators=[validate_region_code]
    )
    union = models.ForeignKey(
        Org,
        verbose_name=_("The employer's own union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_employers",
        help_text=_("Leave empty for an employer with no union yet."),
    )
    address = models.CharField(_("Address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("Registered"), default=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Employers")
        verbose_name_plural = _("Employers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="employer_uscc_unique",
                violation_error_message=_(
                    "Another employer already uses this unified social credit code."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.union_id and self.org_id and not self.union.is_within(self.org):
            raise ValidationError(
                {
                    "union": _(
                        "The employer's own union must be the territorial union or "
                        "one of its subordinates."
                    )
                }
            )


class ServicePoint(models.Model):
    """A service position (阵地): workers' home, nursing room, outdoor workers' station..."""

    class Kind(models.TextChoices):
        WORKERS_HOME = "workers_home", _("Workers' home")
        SMALL_HOME = "small_home", _("Workers' small home")
        NURSING_ROOM = "nursing_room", _("Nursing room")
        OUTDOOR_STATION = "outdoor_station", _("Outdoor workers' station")
        READING_ROOM = "reading_room", _("Workers' reading room")
        # The seeds' smaller reading places, said after the reading rooms as they say them
        # ("职工书屋、便利型阅读站点和劳模书架").
        READING_SPOT = "reading_spot", _("Convenience reading spot")
        MODEL_WORKER_SHELF = "model_shelf", _("Model workers' bookshelf")
        SERVICE_CENTER = "service_center", _("Workers' service centre")
        RECUPERATION_BASE = "recuperation_base", _("Recuperation base")
        INNOVATION_STUDIO = "innovation_studio", _("Model worker (craftsman) innovation studio")
        WORKER_INNOVATION_STUDIO = "worker_studio", _("Workers' innovation studio")
        # 法院+工会: a room where union mediators take disputes the court refers (rights area).
        MEDIATION_ROOM = "mediation_room", _("Labour-dispute court-union mediation room")

    class Recognition(models.TextChoices):
        NONE = "none", _("Not rated")
        COUNTY = "county", _("County model")
        CITY = "city", _("City model")
        PROVINCE = "province", _("Provincial model")
        NATIONAL = "national", _("National model")

    org = models.ForeignKey(
        Org,
        verbose_name=_("Union it belongs to"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    kind = models.CharField(_("Kind of service point"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=120)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    partner = models.CharField(
        _("Partner institution"),
        max_length=100,
        blank=True,
        help_text=_("For a mediation room: the people's court it works with."),
    )
    recognition = models.CharField(
        _("Recognition level"), max_length=10, choices=Recognition.choices, default=Recognition.NONE
    )
    opened_on = models.DateField(_("Opened on"), null=True, blank=True)
    # When it received its present recognition (``services.PointNomination`` conferred).
    recognized_on = models.DateField(_("Recognised on"), null=True, blank=True)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Service points")
        verbose_name_plural = _("Service points")
        ordering = ["org__path", "kind", "name"]

    def __str__(self):
        return self.name


class OrgPolicy(models.Model):
    """The organisation rules of a region for a period (``core.policy``): from how many days
    before a committee's term ends its re-election counts as due (换届提醒)."""

    DEFAULT_REELECTION_DUE_WITHIN_DAYS = REELECTION_DUE_DEFAULT

    region_code = models.CharField(_("Region code"), max_length=6)
    effective_from = models.DateField(_("Effective from"))
    effective_to = models.DateField(_("Effective until"), null=True, blank=True)
    reelection_due_within_days = models.PositiveSmallIntegerField(
        _("Re-election due within (days before the term ends)"),
        default=DEFAULT_REELECTION_DUE_WITHIN_DAYS,
    )
    note = models.CharField(_("Notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Organisation rule")
        verbose_name_plural = _("Organisation rules")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="one_org_policy_per_region_and_start"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="org_policy_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_from:%Y-%m-%d}"
