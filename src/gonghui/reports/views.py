"""统计报表: an org's indicators for a period, with last year's and the change, and the
downloads of the statistics table and the work report. Thin: the figures come from selectors."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from gonghui.core.indicators import WorkArea
from gonghui.core.scoping import scope
from gonghui.orgs.models import Org
from gonghui.reports.forms import PeriodForm
from gonghui.reports.selectors import (
    figures,
    statistics_table,
    statistics_table_xlsx,
    targets_below,
)
from gonghui.reports.summary import work_report, work_report_docx


@staff_member_required
def statistics_view(request):
    if not request.user.has_perm("orgs.view_org"):
        raise PermissionDenied
    orgs = scope(
        Org.objects.filter(is_active=True, level__lte=Org.Level.GRASSROOTS), request.user, None
    ).order_by("path")
    form = PeriodForm(
        request.GET or None, orgs=orgs, initial={"org": getattr(request.user.org, "pk", None)}
    )
    context = {
        **admin.site.each_context(request),
        "form": form,
        "title": _("Statistics and reports"),
    }
    if form.is_valid():
        org, start, end = (form.cleaned_data[k] for k in ("org", "date_from", "date_to"))
        what = request.GET.get("download")
        if what == "table":
            table = statistics_table(request.user, org, start, end)
            response = HttpResponse(
                statistics_table_xlsx(table),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = content_disposition_header(
                True, f"{org.name}统计表-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            )
            return response
        if what == "report":
            report = work_report(request.user, org, start, end)
            response = HttpResponse(
                work_report_docx(report),
                content_type="application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document",
            )
            response["Content-Disposition"] = content_disposition_header(
                True, f"{report.title}.docx"
            )
            return response
        rows = figures(request.user, org, start, end)
        areas = []
        for area in WorkArea.ORDER:
            # A figure that is zero now, was zero a year ago and has no target says nothing.
            items = [f for f in rows if f.work_area == area and (f.value or f.previous or f.target)]
            if items:
                areas.append((WorkArea.LABELS.get(area, area), items))
        context.update(
            org=org,
            start=start,
            end=end,
            areas=areas,
            below=targets_below(request.user, org, start, end),
            query=request.GET.urlencode(),
        )
    return TemplateResponse(request, "reports/statistics.html", context)


RECORDS_SHOWN = 500


@staff_member_required
def records_view(request):
    """The records behind one figure: the indicator's own queryset for the org's subtree and the
    period, so the list is exactly what was counted (or summed)."""
    from django.urls import NoReverseMatch, reverse

    from gonghui.reports.registry import all_indicators

    if not request.user.has_perm("orgs.view_org"):
        raise PermissionDenied
    indicator = all_indicators().get(request.GET.get("key", ""))
    orgs = scope(Org.objects.filter(is_active=True), request.user, None)
    form = PeriodForm(request.GET or None, orgs=orgs)
    context = {
        **admin.site.each_context(request),
        "form": form,
        "indicator": indicator,
        "title": str(indicator.name) if indicator else _("Records"),
    }
    if indicator is not None and form.is_valid():
        org, start, end = (form.cleaned_data[k] for k in ("org", "date_from", "date_to"))
        queryset = indicator.queryset(org, start, end)
        model = queryset.model
        rows = []
        for record in queryset.order_by("-pk")[:RECORDS_SHOWN]:
            target = (
                record.person
                if hasattr(record, "person") and model.__name__ == "Membership"
                else record
            )
            try:
                url = reverse(
                    f"admin:{target._meta.app_label}_{target._meta.model_name}_change",
                    args=[target.pk],
                )
            except NoReverseMatch:
                url = ""
            where = record
            for part in indicator.org_field.split("__") if indicator.org_field else []:
                where = getattr(where, part)
            day = getattr(record, indicator.date_field) if indicator.date_field else ""
            rows.append((str(target), url, str(where), day))
        context.update(
            org=org,
            start=start,
            end=end,
            rows=rows,
            count=queryset.count(),
            value=indicator.value(org, start, end),
            shown=RECORDS_SHOWN,
        )
    return TemplateResponse(request, "reports/records.html", context)
