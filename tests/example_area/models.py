from django.db import models
from django.utils import timezone

from gonghui.core.county import CountyField


class SportsEvent(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("活动名称", max_length=200)
    held_on = models.DateField("举办日期")
    participants = models.PositiveIntegerField("参加人次")
    created_at = models.DateTimeField(default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = "职工文体活动"
        verbose_name_plural = "职工文体活动"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gt=0), name="sports_event_has_participants"
            )
        ]

    def __str__(self):
        return self.title
