from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    ALL,
    FEDERATION_STAFF,
    PLATFORM_ADMIN,
    DemoPart,
    MenuItem,
    crud,
)


class AccountsConfig(workareas.WorkAreaApp):
    """The platform's users and roles (no work area: its menu sits under Administration)."""

    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    demo = (DemoPart(_("Demo accounts"), "gonghui.accounts.demo.build", 20),)
    menu = (
        MenuItem(
            _("Users and roles"),
            "manage_accounts",
            "admin:accounts_user_changelist",
            "accounts.view_user",
            order=10,
        ),
    )
    grants = {
        PLATFORM_ADMIN: crud("accounts.user", *ALL),
        FEDERATION_STAFF: crud("accounts.user", "view"),
    }
