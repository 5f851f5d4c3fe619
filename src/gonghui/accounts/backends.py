from django.contrib.auth.backends import ModelBackend

from gonghui.core.workareas import role_permissions


class RoleBackend(ModelBackend):
    """Password login, with permissions taken from the user's role only.

    Per-user and per-group grants are ignored on purpose: an account's powers are what its role
    says, and what a role says is what the installed apps grant it (``grants`` in each app's
    ``AppConfig``, gathered by ``core.workareas.role_permissions``).
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(role_permissions().get(user_obj.role, ()))

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
