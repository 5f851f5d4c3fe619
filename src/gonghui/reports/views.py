"""统计报表: an org's indicators for a period, with last year's and the change, and the
downloads of the statistics table and the work report. Thin: the figures come from selectors."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.admin import download
from gonghui.core.cleaning import record_id
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_choices
from gonghui.reports.charts import bar_chart
from gonghui.reports.exports import (
    figure_records_xlsx,
    statistics_table_xlsx,
    work_report_docx,
)
from gonghui.reports.forms import PeriodForm
from gonghui.reports.registry import all_indicators
from gonghui.reports.selectors import (
    dashboard,
    figure_records,
    figure_records_all,
    statistics_table,
)
from gonghui.reports.summary import work_report


@staff_member_required
def statistics_view(request):
    if not request.user.has_perm("orgs.view_org"):
        raise PermissionDenied
    orgs = org_choices(request.user, max_level=Org.Level.GRASSROOTS)
    data = request.GET
    if not data and request.user.org_id:
        # Opened from the menu: the clerk's own org, this year so far, straight away.
        today = timezone.localdate()
        data = {
            "org": request.user.org_id,
            "date_from": today.replace(month=1, day=1),
            "date_to": today,
        }
    form = PeriodForm(data or None, orgs=orgs)
    context = {
        **admin.site.each_context(request),
        "form": form,
        "title": _("Statistics and reports"),
    }
    if form.is_valid():
        org, start, end = (form.cleaned_data[k] for k in ("org", "date_from", "date_to"))
        what = request.GET.get("download")
        if what == "table":
            # The columns: the indicators of the work areas ticked on the page, or all.
            areas = set(request.GET.getlist("area"))
            keys = [k for k, ind in all_indicators().items() if ind.work_area in areas] or None
            table = statistics_table(request.user, org, start, end, keys)
            return download(
                statistics_table_xlsx(table), f"{org.name}统计表-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            )
        if what == "report":
            report = work_report(request.user, org, start, end)
            return download(work_report_docx(report), f"{report.title}.docx")
        board = dashboard(request.user, org, start, end, request.GET.get("focus"))
        period = QueryDict(mutable=True)
        period.update({"org": org.pk, "date_from": start, "date_to": end})
        context.update(
            org=org,
            start=start,
            end=end,
            areas=board.areas,
            rates=board.rates,
            below=board.below,
            query=period.urlencode(),
            focus=board.focus,
            charts=[(t, bar_chart(t.points, t.unit, end)) for t in board.trends],
            split=board.split,
            shares=board.shares,
            silent_children=sum(1 for s in board.shares if not s.value),
            area_choices=[(items[0].work_area, label) for label, items in board.areas],
        )
    context["presets"] = _presets(request)
    return TemplateResponse(request, "reports/statistics.html", context)


def _presets(request) -> list[tuple[str, str]]:
    """Quick periods a clerk asks for: this year so far, last year, this quarter, this
    month; each keeps the chosen org."""
    import datetime

    from django.utils.http import urlencode

    today = timezone.localdate()
    quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    org = request.GET.get("org") or getattr(request.user, "org_id", "") or ""
    spans = [
        (_("This year so far"), datetime.date(today.year, 1, 1), today),
        (
            _("Last year"),
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
        (_("This quarter"), quarter, today),
        (_("This month"), today.replace(day=1), today),
    ]
    return [
        (label, "?" + urlencode({"org": org, "date_from": start, "date_to": end}))
        for label, start, end in spans
    ]


RECORDS_SHOWN = 500


@staff_member_required
def records_view(request):
    """The records behind one figure: the indicator's own queryset for the org's subtree and the
    period, so the list is exactly what was counted (or summed)."""
    if not request.user.has_perm("orgs.view_org"):
        raise PermissionDenied
    indicator = all_indicators().get(request.GET.get("key", ""))
    orgs = org_choices(request.user, groups=True)
    form = PeriodForm(request.GET or None, orgs=orgs)
    context = {
        **admin.site.each_context(request),
        "form": form,
        "indicator": indicator,
        "title": str(indicator.name) if indicator else _("Records"),
    }
    if indicator is not None and form.is_valid():
        org, start, end = (form.cleaned_data[k] for k in ("org", "date_from", "date_to"))
        if request.GET.get("export") == "xlsx":
            content = figure_records_xlsx(
                indicator, org, start, end, figure_records_all(indicator, org, start, end)
            )
            return download(content, f"{indicator.name}-明细.xlsx", personal=True)
        page = record_id(request.GET.get("page"), max_digits=6) or 1
        rows, count, sums, page = figure_records(indicator, org, start, end, RECORDS_SHOWN, page)
        pages = max((count + RECORDS_SHOWN - 1) // RECORDS_SHOWN, 1)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            org=org,
            start=start,
            end=end,
            rows=rows,
            count=count,
            sums=sums,
            page_total=sum((r[4] or 0) for r in rows) if sums else None,
            value=indicator.value(org, start, end),
            shown=RECORDS_SHOWN,
            page=page,
            pages=pages,
            first=(page - 1) * RECORDS_SHOWN,
            query=query.urlencode(),
        )
    return TemplateResponse(request, "reports/records.html", context)


@staff_member_required
def targets_split_view(request):
    """年度任务分解: one indicator's targets for every org directly beneath, on one page, with
    last year's figure of each beside its box; saved all or nothing."""
    from django.contrib import messages
    from django.http import HttpResponseRedirect

    from gonghui.core.admin import error_text
    from gonghui.core.errors import DomainError, NotFound
    from gonghui.reports.forms import TargetSplitForm
    from gonghui.reports.selectors import target_split_rows
    from gonghui.reports.services import targets_split

    if not request.user.has_perm("reports.add_target"):
        raise PermissionDenied
    orgs = org_choices(request.user, max_level=Org.Level.GRASSROOTS - 1)
    # Opened from the menu: the clerk's own org, this year, the member count.
    data = {
        "org": request.user.org_id or "",
        "year": timezone.localdate().year,
        "indicator": "members.current",
        **request.GET.dict(),
    }
    form = TargetSplitForm(data if data["org"] else None, orgs=orgs)
    context = {
        **admin.site.each_context(request),
        "form": form,
        "title": _("Hand out yearly targets"),
    }
    if form.is_valid():
        org, key, year = (form.cleaned_data[k] for k in ("org", "indicator", "year"))
        rows = target_split_rows(request.user, org, key, year)
        if request.method == "POST":
            values = {c.pk: request.POST.get(f"target_{c.pk}", "") for c, _t, _b in rows}
            try:
                written = targets_split(
                    actor=request.user, org=org, indicator=key, year=year, values=values
                )
                messages.success(
                    request,
                    _("%(n)d targets saved for %(year)d.") % {"n": written, "year": year},
                )
                return HttpResponseRedirect(request.get_full_path())
            except (DomainError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
                context["posted"] = values
        posted = context.get("posted", {})
        context.update(
            org=org,
            year=year,
            indicator=all_indicators()[key],
            # What the clerk typed stays in the boxes when the split is refused.
            rows=[(c, posted.get(c.pk, target), before) for c, target, before in rows],
        )
    return TemplateResponse(request, "reports/targets_split.html", context)
