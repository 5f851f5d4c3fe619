"""The work ledger (工作台账): dated entries of an org, in a category of a work area, with counts
in their units and amounts, for everything no dedicated module records yet."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.models import MONEY
from gonghui.core.workareas import WorkArea


class LedgerCategory(models.Model):
    class Unit(models.TextChoices):
        PEOPLE = "people", _("people (人)")
        PERSON_TIMES = "person_times", _("person-times (人次)")
        HOUSEHOLDS = "households", _("households or units (户/家)")
        SESSIONS = "sessions", _("sessions (场/期)")
        ITEMS = "items", _("items (件/份)")

    work_area = models.CharField(_("Work area"), max_length=16, choices=WorkArea.choices)
    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=60)
    unit = models.CharField(_("Main unit"), max_length=16, choices=Unit.choices)
    is_active = models.BooleanField(_("In use"), default=True)
    # How the report says the category's figures (``ledger.figures``): a list of sentence
    # parts in the seeds' words, each naming the figures it carries ("签订集体合同{items}",
    # "覆盖企业{households}"), with the unit word of each count ("items": "份"), and extra
    # figures the entries carry beyond the five counts (awards, jobs found, income).
    # Empty: the category's name and its figures.
    wording = models.JSONField(_("Wording in reports"), default=dict, blank=True)
    # Kinds of entry that share the category but are told apart in reports (general and
    # 女职工专项 contracts): [{"code": ..., "name": ...}].
    subtypes = models.JSONField(_("Sub-types"), default=list, blank=True)
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)

    class Meta:
        verbose_name = _("Ledger category")
        verbose_name_plural = _("Ledger categories")
        ordering = ["work_area", "code"]

    def __str__(self):
        return f"{self.get_work_area_display()} · {self.name}"


class LedgerEntry(models.Model):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    category = models.ForeignKey(
        LedgerCategory, verbose_name=_("Category"), on_delete=models.PROTECT, related_name="entries"
    )
    title = models.CharField(_("Title"), max_length=200)
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"), null=True, blank=True)
    people = models.PositiveIntegerField(_("People (人)"), default=0)
    person_times = models.PositiveIntegerField(_("Person-times (人次)"), default=0)
    households = models.PositiveIntegerField(_("Households or units (户/家)"), default=0)
    sessions = models.PositiveIntegerField(_("Sessions (场/期)"), default=0)
    items = models.PositiveIntegerField(_("Items (件/份)"), default=0)
    cash_amount = models.DecimalField(_("Funds (yuan)"), default=Decimal(0), **MONEY)
    goods_value = models.DecimalField(_("Goods value (yuan)"), default=Decimal(0), **MONEY)

    class Approximation(models.TextChoices):
        EXACT = "", _("Exact")
        AT_LEAST = "at_least", _("At least (余: 500余人次)")
        OR_MORE = "or_more", _("Or more (以上: 5家以上)")
        NEARLY = "nearly", _("Nearly (近: 近万人)")

    # "志愿服务500余人次": the clerk knows only that at least this many took part, so reports
    # write the figures with 余, 以上 or 近 (domain.md, "How figures are written").
    approximation = models.CharField(
        _("The figures are"),
        max_length=10,
        choices=Approximation.choices,
        default=Approximation.EXACT,
        blank=True,
        help_text=_("When the counts are not exact, reports write them with 余, 以上 or 近."),
    )
    is_estimate = models.GeneratedField(
        expression=Q(approximation="at_least"),
        output_field=models.BooleanField(_("Counts are estimates (at least)")),
        db_persist=True,
    )
    subtype = models.CharField(_("Sub-type"), max_length=40, blank=True)
    # Figures beyond the five counts that the category's wording declares ({"awards": 40}),
    # and placings the activity won ([{"scope": "全省", "rank": 1}]): data, not free text.
    extra = models.JSONField(_("Further figures"), default=dict, blank=True)
    placings = models.JSONField(_("Placings"), default=list, blank=True)
    # The word a count is said in where the category allows another ({"households": "家"}).
    units = models.JSONField(_("Unit words"), default=dict, blank=True)
    note = models.CharField(_("Notes"), max_length=500, blank=True)
    campaign = models.ForeignKey(
        "assistance.Campaign",
        verbose_name=_("Campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Ledger entry")
        verbose_name_plural = _("Work ledger")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="ledger_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cash_amount__gte=0) & Q(goods_value__gte=0),
                name="ledger_money_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "starts_on"], name="ledger_category_day"),
            # The few entries with placings, which the report reads per category: a small
            # index instead of a pass over every entry of the subtree for each category.
            models.Index(
                fields=["category", "starts_on"], name="ledger_placed", condition=~Q(placings=[])
            ),
        ]

    def __str__(self):
        return self.title


class LedgerAttachment(models.Model):
    """A file behind an entry (sign-in sheet, photos, the signed contract), kept through the
    platform's checked path (``core.files``) and served only through the entry's scope."""

    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("Ledger entry"),
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
    county = CountyField(via="entry")

    class Meta:
        verbose_name = _("Attachment")
        verbose_name_plural = _("Attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
