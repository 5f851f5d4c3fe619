from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    FEDERATION_STAFF = "federation_staff", _("Federation staff")
    TOWNSHIP_STAFF = "township_staff", _("Township (street) union staff")
    GRASSROOTS_CLERK = "grassroots_clerk", _("Grassroots union chair or clerk")


class Department(models.TextChoices):
    NONE = "", _("(none)")
    ORGANISATION = "organisation", _("Organisation department")
    RIGHTS = "rights", _("Rights department")
    ASSISTANCE = "assistance", _("Assistance centre")
    FINANCE = "finance", _("Finance and audit")
    OFFICE = "office", _("Office")


class User(AbstractUser):
    """A back-office account. It belongs to one org and sees that org's subtree only."""

    name = models.CharField(_("Full name"), max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        null=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(
        _("Role"), max_length=20, choices=Role.choices, default=Role.GRASSROOTS_CLERK
    )
    department = models.CharField(
        _("Department"),
        max_length=20,
        choices=Department.choices,
        blank=True,
        default=Department.NONE,
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("User")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_active=False) | models.Q(org__isnull=False),
                name="user_active_needs_org",
                violation_error_message=_("An active account must belong to an organisation."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name}（{self.username}）"

    @property
    def display_name(self) -> str:
        return self.name or self.username
