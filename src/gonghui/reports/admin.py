from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ScopedAdmin, download
from gonghui.core.cleaning import record_id
from gonghui.orgs.selectors import org_choices
from gonghui.reports import selectors, services
from gonghui.reports.models import PlanItem, Target, WorkReport
from gonghui.reports.registry import all_indicators


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"))

    class Meta:
        model = Target
        fields = ("org", "indicator", "year", "value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (key, f"{ind.name}（{ind.unit}）") for key, ind in all_indicators().items()
        ]


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    form = TargetForm
    list_display = ("year", "org", "indicator_name", "value")
    list_filter = ("year",)
    ordering = ("-year", "org__path", "indicator")

    selector = staticmethod(selectors.targets_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "org" and request.user.org is not None:
            # Targets are set for the orgs beneath, never for one's own.
            field.queryset = org_choices(request.user, groups=True, own=False)
        return field

    @admin.display(description=_("Indicator"))
    def indicator_name(self, obj):
        ind = all_indicators().get(obj.indicator)
        return f"{ind.name}（{ind.unit}）" if ind else obj.indicator

    def service_create(self, actor, data):
        return services.target_set(
            actor=actor,
            org=data["org"],
            indicator=data["indicator"],
            year=data["year"],
            value=data["value"],
        )

    def service_update(self, actor, obj, changes):
        data = {
            "org": obj.org,
            "indicator": obj.indicator,
            "year": obj.year,
            "value": obj.value,
            **changes,
        }
        return services.target_set(actor=actor, **data)

    def service_delete(self, actor, obj):
        services.target_delete(actor=actor, target=obj)


@admin.register(WorkReport)
class WorkReportAdmin(ScopedAdmin):
    """Drafted from the indicators (on the add form: org and period), edited here, exported as
    Word. Beside the text, the figures the draft used, each linked to its records."""

    list_display = ("title", "org", "date_from", "date_to", "updated_at", "created_by")
    list_filter = ("date_to",)
    search_fields = ("title",)
    ordering = ("-updated_at",)
    change_form_template = "reports/workreport_change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("org", "date_from", "date_to")
        return ("title", "text")

    def get_readonly_fields(self, request, obj=None):
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["widgets"] = {
                "text": forms.Textarea(attrs={"rows": 28, "class": "gh-report-text"}),
                "title": forms.TextInput(attrs={"size": 60}),
            }
        return super().get_form(request, obj, change=change, **kwargs)

    selector = staticmethod(selectors.work_reports_visible_to)

    def service_create(self, actor, data):
        return services.work_report_draft(
            actor=actor, org=data["org"], start=data["date_from"], end=data["date_to"]
        )

    def service_update(self, actor, obj, changes):
        return services.work_report_edit(
            actor=actor,
            report=obj,
            title=changes.get("title", obj.title),
            text=changes.get("text", obj.text),
        )

    def service_delete(self, actor, obj):
        services.work_report_delete(actor=actor, report=obj)

    def response_add(self, request, obj, post_url_continue=None):
        # A new draft opens for editing straight away.
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        return HttpResponseRedirect(reverse("admin:reports_workreport_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        report = (
            self.get_queryset(request).filter(pk=object_id).first()
            if record_id(object_id) is not None
            else None
        )
        if report is not None:
            extra.update(report=report, traced=selectors.traced_figures(report))
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/docx/", view(self.docx_view), name="reports_workreport_docx"),
            *super().get_urls(),
        ]

    def docx_view(self, request, pk):
        from gonghui.reports.exports import docx_from_text

        report = get_object_or_404(self.get_queryset(request), pk=pk)
        return download(docx_from_text(report.title, report.text), f"{report.title}.docx")


@admin.register(PlanItem)
class PlanItemAdmin(ScopedAdmin):
    """An org's own plan for a year, said in its work report after the targets it was set."""

    list_display = ("year", "org", "order", "text")
    list_filter = ("year",)
    ordering = ("-year", "org__path", "order")
    fields = ("org", "year", "order", "text")
    selector = staticmethod(selectors.plan_items_visible_to)

    def service_create(self, actor, data):
        return services.plan_item_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.plan_item_update(actor=actor, item=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.plan_item_delete(actor=actor, item=obj)
