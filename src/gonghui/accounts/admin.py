from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gonghui.accounts import selectors, services
from gonghui.accounts.models import User
from gonghui.core.admin import ScopedAdmin


class UserCreateForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("At least 8 characters, not all digits."),
    )

    class Meta:
        model = User
        fields = ("username", "name", "org", "role", "department", "email")


class UserChangeForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("Reset password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the password."),
    )

    class Meta:
        model = User
        fields = ("name", "org", "role", "department", "email", "is_active")


@admin.register(User)
class UserAdmin(ScopedAdmin):
    list_display = ("username", "name", "org", "role", "department", "is_active", "last_login")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "name")
    ordering = ("org__path", "username")
    readonly_fields = ("last_login", "date_joined")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj is not None else UserCreateForm
        if obj is None or self.has_change_permission(request, obj):
            # The form's own field list, password fields included. A view-only reader gets
            # the admin's read-only form instead, which needs the field list.
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["username", "password", "name", "org", "role", "department", "email"]
        fields = ["username", "name", "org", "role", "department", "email", "is_active"]
        # A password is reset only by who may change the account; for a view-only reader
        # the form field does not exist, and a read-only display of it has nothing to show.
        if self.has_change_permission(request, obj):
            fields.append("new_password")
        return [*fields, "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        return ("username", "last_login", "date_joined") if obj is not None else ()

    selector = staticmethod(selectors.users_visible_to)

    def service_create(self, actor, data):
        return services.user_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        changes = dict(changes)
        password = changes.pop("new_password", "")
        user = services.user_update(actor=actor, user=obj, changes=changes)
        if password:
            user = services.user_set_password(actor=actor, user=user, password=password)
        return user

    def service_delete(self, actor, obj):
        # Accounts are deactivated, never deleted: the event log refers to them.
        services.user_update(actor=actor, user=obj, changes={"is_active": False})

    def has_delete_permission(self, request, obj=None):
        return False
