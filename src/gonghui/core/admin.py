"""The back-office base class every model admin uses, and the event log page.

``ScopedAdmin`` keeps views thin: the queryset comes from the app's selector (so lists, detail,
edit and delete never reach outside the actor's subtree), foreign-key choices to orgs are limited
to the same subtree, and every save or delete goes through the app's service. A form is checked
by running its service inside a savepoint that is rolled back, so a rule the service enforces
shows on the form as a message instead of an error page.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin

from gonghui.core.errors import NotFound
from gonghui.core.models import Event
from gonghui.core.scoping import scope
from gonghui.core.selectors import events_visible_to


class _DryRun(Exception):
    pass


def add_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ScopedAdmin(ModelAdmin):
    list_per_page = 50
    list_filter_submit = True
    list_fullwidth = False
    # Subclasses provide these three, each calling one selector or service.

    def scoped_queryset(self, actor):
        raise NotImplementedError

    def service_create(self, actor, data):
        raise NotImplementedError

    def service_update(self, actor, obj, changes):
        raise NotImplementedError

    def service_delete(self, actor, obj):
        raise NotImplementedError

    def get_queryset(self, request):
        qs = self.scoped_queryset(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        org_model = apps.get_model("orgs", "Org")
        if db_field.related_model is org_model:
            kwargs["queryset"] = scope(
                org_model.objects.filter(is_active=True), request.user, org_field=None
            ).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- writes -------------------------------------------------------------------------

    def _call_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            changes = {name: data[name] for name in form.changed_data if name in data}
            return self.service_update(request.user, obj, changes)
        return self.service_create(request.user, data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        model_admin._call_service(request, self.instance, self, change)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    add_validation_error(self, exc)
                except (PermissionDenied, NotFound) as exc:
                    self.add_error(None, str(exc) or _("The record does not exist."))

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self._call_service(request, obj, form, change)
        # The admin goes on with ``obj`` (redirects, messages); give it the saved state.
        obj.pk = saved.pk
        for f in saved._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))

    def save_related(self, request, form, formsets, change):
        # No many-to-many or inlines are written behind the services' back.
        return None

    def delete_model(self, request, obj):
        self.service_delete(request.user, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            info = (self.opts.app_label, self.opts.model_name)
            return HttpResponseRedirect(
                reverse("admin:{}_{}_change".format(*info), args=[object_id])
            )

    def delete_queryset(self, request, queryset):
        refused = []
        for obj in queryset:
            try:
                self.service_delete(request.user, obj)
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        for message in refused:
            messages.error(request, message)


@admin.register(Event)
class EventAdmin(ModelAdmin):
    list_display = ("occurred_at", "actor_name", "action", "target_repr", "org")
    list_filter = ("action", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("actor_name", "target_repr", "action")
    list_per_page = 50
    date_hierarchy = None
    readonly_fields = (
        "occurred_at",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "org",
        "details",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return events_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


EventAdmin.list_display_links = ("occurred_at",)
admin.site.site_title = gettext_lazy("Union work platform")
admin.site.site_header = gettext_lazy("Union work platform")
admin.site.index_title = gettext_lazy("Dashboard")
