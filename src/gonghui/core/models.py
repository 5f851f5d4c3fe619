from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One change made through a service, written in the same transaction as the change.

    The org is the organisation in whose subtree the change happened; it scopes who may read
    the event. Details never hold personal data in clear (services pass masked values only).
    """

    occurred_at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the log still reads right after an account is renamed.
    actor_name = models.CharField(_("Actor"), max_length=150, blank=True)
    action = models.CharField(_("Action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Kind of record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    target_id = models.CharField(_("Record ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("Record"), max_length=255, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    details = models.JSONField(_("Details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Event log")
        verbose_name_plural = _("Event log")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
