from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.reports.views import records_view, statistics_view, targets_split_view

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/reports/statistics/", statistics_view, name="reports_statistics"),
    path("admin/reports/records/", records_view, name="reports_records"),
    path("admin/reports/targets/split/", targets_split_view, name="reports_targets_split"),
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]

handler400 = "gonghui.core.views.bad_request"
handler403 = "gonghui.core.views.permission_denied"
handler404 = "gonghui.core.views.page_not_found"
handler500 = "gonghui.core.views.server_error"
