from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    FEDERATION_STAFF = "federation_staff", _("总工会工作人员")
    TOWNSHIP_STAFF = "township_staff", _("乡镇（街道）工会工作人员")
    GRASSROOTS_CLERK = "grassroots_clerk", _("基层工会主席/干事")


class Department(models.TextChoices):
    NONE = "", _("（无）")
    ORGANISATION = "organisation", _("组织部")
    RIGHTS = "rights", _("权益保障部")
    ASSISTANCE = "assistance", _("帮扶中心")
    FINANCE = "finance", _("财务/经审")
    OFFICE = "office", _("办公室")


class User(AbstractUser):
    """A back-office account. It belongs to one org and sees that org's subtree only."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所属组织"),
        null=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.GRASSROOTS_CLERK
    )
    department = models.CharField(
        _("部门"), max_length=20, choices=Department.choices, blank=True, default=Department.NONE
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_active=False) | models.Q(org__isnull=False),
                name="user_active_needs_org",
                violation_error_message=_("启用的账号必须属于一个组织。"),
            ),
        ]

    def __str__(self):
        return f"{self.display_name}（{self.username}）"

    @property
    def display_name(self) -> str:
        return self.name or self.username
