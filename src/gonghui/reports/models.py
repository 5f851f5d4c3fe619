"""Yearly targets (年度任务): an indicator's figure an org is to reach, set by the org above."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        return f"{self.org} {self.year} {self.indicator} {self.value}"
