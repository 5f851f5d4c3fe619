from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.admin import ScopedAdmin, error_text
from gonghui.core.files import CheckedFileField, stored_file_response
from gonghui.ledger import selectors, services
from gonghui.ledger.models import LedgerCategory, LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ScopedAdmin):
    list_display = (
        "starts_on",
        "title",
        "org",
        "category",
        "people",
        "person_times",
        "sessions",
        "cash_amount",
    )
    list_filter = ("category__work_area", "category")
    search_fields = ("title",)
    ordering = ("-starts_on", "-id")
    change_form_template = "ledger/entry_change_form.html"
    fields = (
        "org",
        "category",
        "title",
        "starts_on",
        "ends_on",
        "people",
        "person_times",
        "households",
        "sessions",
        "items",
        "cash_amount",
        "goods_value",
        "approximation",
        "subtype",
        "campaign",
        "note",
    )

    selector = staticmethod(selectors.entries_visible_to)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "category" in form.base_fields:
            # An old entry keeps its category, even one an area's own records took over.
            offered = selectors.categories_offered() | LedgerCategory.objects.filter(
                pk=obj.category_id
            )
            form.base_fields["category"].queryset = offered.distinct()
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = selectors.categories_offered()
        if db_field.name == "campaign":
            from gonghui.assistance.selectors import campaigns_visible_to

            kwargs["queryset"] = campaigns_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.entry_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.entry_update(actor=actor, entry=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.entry_delete(actor=actor, entry=obj)

    # -- attachments: uploaded, listed and served through the entry's scope ----------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        if str(object_id).isdigit():
            extra.update(
                attachments=selectors.attachments_visible_to(request.user).filter(
                    entry_id=object_id
                ),
                attach_form=AttachForm(),
                entry_id=int(object_id),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/attach/", view(self.attach_view), name="ledger_ledgerentry_attach"),
            path(
                "attachments/<int:pk>/",
                view(self.attachment_view),
                name="ledger_ledgerattachment_download",
            ),
            path(
                "attachments/<int:pk>/delete/",
                view(self.attachment_delete_view),
                name="ledger_ledgerattachment_delete",
            ),
            *super().get_urls(),
        ]

    def attach_view(self, request, pk):
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        back = HttpResponseRedirect(reverse("admin:ledger_ledgerentry_change", args=[pk]))
        if request.method != "POST":
            return back
        form = AttachForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = form.errors.get("file") or [_("Choose a file to attach.")]
            messages.error(request, " ".join(errors))
            return back
        try:
            att = services.attachment_add(
                actor=request.user, entry=entry, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("“%(name)s” is attached.") % {"name": att.name})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        return back

    def attachment_view(self, request, pk):
        att = get_object_or_404(
            selectors.attachments_visible_to(request.user).select_related("stored"), pk=pk
        )
        return stored_file_response(att.stored)

    def attachment_delete_view(self, request, pk):
        att = get_object_or_404(selectors.attachments_visible_to(request.user), pk=pk)
        if request.method == "POST":
            try:
                services.attachment_delete(actor=request.user, attachment=att)
                messages.success(request, _("“%(name)s” is removed.") % {"name": att.name})
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:ledger_ledgerentry_change", args=[att.entry_id]))


class AttachForm(forms.Form):
    file = CheckedFileField(
        label=gettext_lazy("File"),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )


@admin.register(LedgerCategory)
class LedgerCategoryAdmin(admin.ModelAdmin):
    """Taxonomy of the whole platform: administrators only (see accounts.roles)."""

    list_display = ("work_area", "code", "name", "unit", "is_active")
    list_filter = ("work_area", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False
