"""Yearly targets (年度任务), set by the org above, and the work reports drafted from the
indicators and edited before they are sent."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField


class Target(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.CharField(_("Indicator"), max_length=80)
    year = models.PositiveSmallIntegerField(_("Year"))
    value = models.DecimalField(_("Target"), max_digits=16, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("Set at"), default=timezone.now)

    class Meta:
        verbose_name = _("Yearly target")
        verbose_name_plural = _("Yearly targets")
        ordering = ["-year", "org__path", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "indicator", "year"], name="one_target_per_org_indicator_year"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="target_positive"),
        ]

    def __str__(self):
        # In words, as messages and the event log show it: 青山县总工会2026年会员人数任务36000.
        from gonghui.reports.registry import all_indicators

        found = all_indicators().get(self.indicator)
        name = found.name if found is not None else self.indicator
        return f"{self.org}{self.year}年{name}任务{self.value}"


class WorkReport(models.Model):
    """A work report (工作综述) as drafted from the indicators and then edited by the office
    before it is sent. ``figures`` keeps what the draft was built from (key, value, text as
    written), so every figure stays traceable to its records even after the prose is edited."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="work_reports",
    )
    date_from = models.DateField(_("From"))
    date_to = models.DateField(_("To"))
    title = models.CharField(_("Title"), max_length=200)
    text = models.TextField(
        _("Text"),
        help_text=_(
            "One paragraph per line. Lines starting with 一、二、… are section headings, "
            "lines starting with （一）（二）… sub-headings."
        ),
    )
    figures = models.JSONField(_("Figures used"), default=list, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Drafted"), default=timezone.now)
    updated_at = models.DateTimeField(_("Last edited"), default=timezone.now)

    class Meta:
        verbose_name = _("Work report")
        verbose_name_plural = _("Work reports")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")),
                name="work_report_period_ordered",
                violation_error_message=_("The period ends before it starts."),
            )
        ]

    def __str__(self):
        return self.title


class PlanItem(models.Model):
    """A line of an org's own plan for a year (工作计划: "持续推进八大行业工会组建"), said in the
    work report's plan section after the targets the org above set."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    text = models.CharField(_("Plan"), max_length=300)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Plan item")
        verbose_name_plural = _("Plan items")
        ordering = ["org", "year", "order", "id"]

    def __str__(self):
        return self.text


class FigureCell(models.Model):
    """One indicator's figure over one org's own records (not its subtree's) up to ``end``, a
    month's last day or one of the days the store keeps (today, and a year before): a flow's
    records dated from the first of ``end``'s month to ``end``, a stock's standing at ``end``
    (``reports.figurestore``). What the worker recounts when the org's records change; the
    pages read ``FigureTotal``."""

    key = models.CharField(_("Indicator"), max_length=120)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    end = models.DateField(_("Up to"))
    value = models.DecimalField(_("Value"), max_digits=20, decimal_places=2)
    county = CountyField()

    class Meta:
        verbose_name = _("Precomputed figure")
        verbose_name_plural = _("Precomputed figures")
        constraints = [
            models.UniqueConstraint(fields=["key", "org", "end"], name="figure_cell_once_per_end")
        ]

    def __str__(self):
        return f"{self.key} {self.org_id} {self.end}"


class FigureTotal(models.Model):
    """One indicator's figure over an org's whole subtree (the org and every org beneath it)
    up to ``end`` (as ``FigureCell``): the sum of the subtree's cells, so that a page of any
    level reads one row per figure and month. A recount of an org's cells adds the difference
    to the totals of the org and each org above it; a move or a deletion in the tree makes
    them again from the cells (``reports.figurestore``)."""

    key = models.CharField(_("Indicator"), max_length=120)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # The unique constraint's first column: an index of the org alone would only slow
        # the writes.
        db_index=False,
        related_name="+",
    )
    end = models.DateField(_("Up to"))
    value = models.DecimalField(_("Value"), max_digits=20, decimal_places=2)
    county = CountyField()

    class Meta:
        verbose_name = _("Precomputed subtree figure")
        verbose_name_plural = _("Precomputed subtree figures")
        # The org first: a page asks one org's (or its children's) totals.
        constraints = [
            models.UniqueConstraint(fields=["org", "key", "end"], name="figure_total_once")
        ]

    def __str__(self):
        return f"{self.key} {self.org_id} {self.end}"


class FigureSpan(models.Model):
    """What the store holds for one source table: the months (a stock is kept at each month's
    end from ``first_month`` to ``last_month``), the days besides month ends it keeps cells
    up to (``days``: today and a year before, when it counted them; ISO dates), and the
    indicators, each with the fingerprint of its definition when it was built, so a changed
    definition is never answered from figures made by the old one."""

    table = models.CharField(max_length=63, unique=True)
    first_month = models.DateField()
    last_month = models.DateField()
    days = models.JSONField(default=list)
    keys = models.JSONField(default=dict)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.table


class FigureDirty(models.Model):
    """An org whose records in ``table`` changed since the store last counted them, written by
    the table's statement triggers in the writer's own transaction; the worker drains them."""

    id = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)
    org_id = models.BigIntegerField(null=True)

    class Meta:
        # Every page asks whether an org of its subtree is marked, table by table.
        indexes = [models.Index(fields=["table", "org_id"], name="figure_dirty_table_org")]

    def __str__(self):
        return f"{self.table} {self.org_id}"
