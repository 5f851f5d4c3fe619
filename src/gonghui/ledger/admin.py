import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminTextInputWidget

from gonghui.core.admin import ScopedAdmin, StartsFromOwnOrg, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.figures import read_placings
from gonghui.core.files import CheckedFileField, CheckedFilesField, stored_file_response
from gonghui.ledger import entry_text, selectors, services
from gonghui.ledger.models import LedgerCategory, LedgerEntry

ENTRY_FIELDS = (
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


class LedgerEntryForm(forms.ModelForm):
    """The entry, with its further figures, placings and unit words written as a clerk says
    them ("获奖：40", "全省第一、全国第十八", "家"), read by the same rules as the import."""

    further_figures = forms.CharField(
        label=gettext_lazy("Further figures"),
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=gettext_lazy(
            "The category's other figures, e.g. 获奖：40；帮助实现就业：56 (separate with ；)."
        ),
    )
    placings_text = forms.CharField(
        label=gettext_lazy("Placings"),
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=gettext_lazy("What the activity won, e.g. 全省第一、全国第十八 or 男子组第三名."),
    )
    unit_words = forms.CharField(
        label=gettext_lazy("Unit words"),
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=gettext_lazy(
            "Only where a figure is counted in another word the category allows, e.g. 家."
        ),
    )
    # Sign-in sheets and photos with the entry's first save (later ones on its page).
    first_attachments = CheckedFilesField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy(
            "Sign-in sheets, photos, signed contracts: pictures (jpg, png), PDF, Word, Excel, "
            "PowerPoint or WPS files of at most 20 MB."
        ),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )
    TEXT = {"further_figures": "extra", "placings_text": "placings", "unit_words": "units"}

    class Meta:
        model = LedgerEntry
        fields = ENTRY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        if entry.pk:
            category = entry.category
            self.initial.update(
                further_figures=entry_text.extra_text(category, entry.extra),
                placings_text=entry_text.placings_text(entry.placings),
                unit_words=entry_text.units_text(entry.units),
            )

    def clean(self):
        data = super().clean()
        category = data.get("category")
        for name, read in (
            ("further_figures", lambda text: entry_text.read_extra(category, text)),
            ("placings_text", read_placings),
            ("unit_words", lambda text: entry_text.read_units(category, text)),
        ):
            try:
                data[name] = read(data.get(name) or "")  # the box's data, for the service
            except ValueError as exc:
                self.add_error(name, str(exc))
        return data


def _from_text(values: dict) -> dict:
    """The form's text boxes are the entry's data: a changed box changes its field."""
    out = dict(values)
    for name, field in LedgerEntryForm.TEXT.items():
        if name in out:
            out[field] = out.pop(name)
    if "first_attachments" in out:
        out["attachments"] = out.pop("first_attachments")
    return out


@admin.register(LedgerEntry)
class LedgerEntryAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = LedgerEntryForm
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
    fields = (*ENTRY_FIELDS[:-2], *LedgerEntryForm.TEXT, *ENTRY_FIELDS[-2:])

    selector = staticmethod(selectors.entries_visible_to)

    @property
    def conditional_fields(self) -> dict[str, str]:
        """Unfold's conditional fields (an Alpine expression per field, over the form's
        values): a count or amount shows for the categories that use it
        (``selectors.categories_using``) and wherever it already holds a value, so nothing
        typed is ever hidden; with no category chosen yet, everything shows."""
        shown = {}
        for name, pks in selectors.categories_using().items():
            numeric = name in services.COUNTS or name in selectors.AMOUNTS
            value = f"Number({name}) > 0" if numeric else f"!!{name}"
            shown[name] = f"!category || {json.dumps(pks)}.includes(Number(category)) || {value}"
        return shown

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return (*fields, "first_attachments") if obj is None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            # A saved entry takes more files through its attachments panel.
            form.base_fields.pop("first_attachments", None)
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
        return services.entry_create(actor=actor, **_from_text(data))

    def service_update(self, actor, obj, changes):
        return services.entry_update(actor=actor, entry=obj, changes=_from_text(changes))

    def service_delete(self, actor, obj):
        services.entry_delete(actor=actor, entry=obj)

    # -- attachments: uploaded, listed and served through the entry's scope ----------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        if record_id(object_id) is not None:
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

    # The code is the import's and the indicators' key, kept on the form; the list reads in words.
    list_display = ("work_area", "name", "unit", "is_active")
    list_filter = ("work_area", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False
