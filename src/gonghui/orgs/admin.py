import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.admin import ScopedAdmin
from gonghui.orgs import selectors, services
from gonghui.orgs.models import Employer, Org, OrgPolicy, ServicePoint


def _today() -> datetime.date:
    return timezone.localdate()


class ReelectionFilter(admin.SimpleListFilter):
    title = gettext_lazy("Re-election status")
    parameter_name = "reelection"

    def lookups(self, request, model_admin):
        return Org.ReelectionStatus.choices

    def queryset(self, request, queryset):
        if self.value() in Org.ReelectionStatus.values:
            within = selectors.reelection_due_days(request.user.org, _today())
            return queryset.filter(selectors.reelection_q(self.value(), _today(), within))
        return queryset


class HasUnionFilter(admin.SimpleListFilter):
    title = gettext_lazy("Union coverage")
    parameter_name = "has_union"

    def lookups(self, request, model_admin):
        return [("yes", _("Has a union")), ("no", _("No union"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(union__isnull=False)
        if self.value() == "no":
            return queryset.filter(union__isnull=True)
        return queryset


@admin.register(Org)
class OrgAdmin(ScopedAdmin):
    list_display = ("tree_name", "code", "level", "kind", "chair_name", "reelection", "is_active")
    list_display_links = ("tree_name",)
    list_filter = ("level", "kind", ReelectionFilter, "is_active")
    search_fields = ("name", "short_name", "code")
    ordering = ("path",)
    readonly_fields = ("term_ends_on", "reelection")
    autocomplete_fields = ()
    actions = ("deactivate_selected", "reactivate_selected")
    fieldsets = (
        (
            gettext_lazy("Basic information"),
            {
                "fields": (
                    "name",
                    "short_name",
                    "code",
                    "parent",
                    "level",
                    "kind",
                    "region_code",
                    "address",
                )
            },
        ),
        (
            gettext_lazy("Organisation and legal person"),
            {"fields": ("founded_on", "uscc", "legal_person_certificate", "chair_name")},
        ),
        (
            gettext_lazy("Committee term"),
            {"fields": ("term_years", "term_started_on", "term_ends_on", "reelection")},
        ),
    )

    selector = staticmethod(selectors.orgs_visible_to)

    def service_create(self, actor, data):
        return services.org_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.org_update(actor=actor, org=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.org_delete(actor=actor, org=obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.org_id:
            # One's own org is placed and ranked by the union above.
            fields += ["parent", "level", "code"]
        return fields

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description=gettext_lazy("Name"), ordering="path")
    def tree_name(self, obj):
        return format_html(
            '<span class="gh-indent" style="--gh-depth:{}">{}</span>',
            max(obj.depth - 1, 0),
            obj.name,
        )

    def get_changelist_instance(self, request):
        # The region's rule for the whole page, read once (not per row).
        self._due_within = selectors.reelection_due_days(request.user.org, _today())
        return super().get_changelist_instance(request)

    @admin.display(description=gettext_lazy("Re-election status"))
    def reelection(self, obj):
        within = getattr(self, "_due_within", OrgPolicy.DEFAULT_REELECTION_DUE_WITHIN_DAYS)
        status = Org.ReelectionStatus(obj.reelection_status(_today(), within))
        if obj.term_ends_on is None:
            return status.label
        return format_html(
            '<span class="gh-status gh-status-{}">{}</span>', status.value, status.label
        )

    @admin.action(
        description=gettext_lazy("Deactivate selected organisations"), permissions=["change"]
    )
    def deactivate_selected(self, request, queryset):
        self._bulk(
            request, queryset, services.org_deactivate, _("Deactivated %(n)d organisations.")
        )

    @admin.action(
        description=gettext_lazy("Activate selected organisations"), permissions=["change"]
    )
    def reactivate_selected(self, request, queryset):
        self._bulk(request, queryset, services.org_reactivate, _("Activated %(n)d organisations."))

    def _bulk(self, request, queryset, service, done_message):
        done = 0
        # Deepest first, so that a subtree can be deactivated in one go.
        for org in sorted(queryset, key=lambda o: -o.depth):
            try:
                service(actor=request.user, org=org)
                done += 1
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        if done:
            messages.success(request, done_message % {"n": done})

    def get_urls(self):
        urls = super().get_urls()
        tree = path("tree/", self.admin_site.admin_view(self.tree_view), name="orgs_org_tree")
        return [tree, *urls]

    def tree_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        root = selectors.org_tree(request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Union tree"),
            "root": root,
            "opts": self.model._meta,
            "today": _today(),
        }
        return TemplateResponse(request, "orgs/tree.html", context)


@admin.register(Employer)
class EmployerAdmin(ScopedAdmin):
    list_display = (
        "name",
        "unit_type",
        "industry_section",
        "headcount",
        "union",
        "org",
        "is_small_micro",
        "is_active",
    )
    list_filter = (HasUnionFilter, "unit_type", "industry_section", "is_small_micro", "is_active")
    search_fields = ("name", "uscc")
    ordering = ("name",)
    fieldsets = (
        (
            None,
            {"fields": ("name", "uscc", "unit_type", "industry_section", "region_code", "address")},
        ),
        (gettext_lazy("Size"), {"fields": ("headcount", "monthly_payroll", "is_small_micro")}),
        (gettext_lazy("Union"), {"fields": ("org", "union", "is_active")}),
    )

    selector = staticmethod(selectors.employers_visible_to)

    def service_create(self, actor, data):
        return services.employer_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.employer_update(actor=actor, employer=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.employer_delete(actor=actor, employer=obj)


@admin.register(ServicePoint)
class ServicePointAdmin(ScopedAdmin):
    list_display = ("name", "kind", "org", "recognition", "opened_on", "is_active")
    list_filter = ("kind", "recognition", "opened_on", "is_active")
    search_fields = ("name", "address")
    ordering = ("org__path", "kind", "name")
    fields = (
        "name",
        "kind",
        "org",
        "address",
        "partner",
        "recognition",
        "recognized_on",
        "opened_on",
        "is_active",
    )

    selector = staticmethod(selectors.service_points_visible_to)

    def service_create(self, actor, data):
        return services.service_point_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.service_point_update(actor=actor, service_point=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.service_point_delete(actor=actor, service_point=obj)


@admin.register(OrgPolicy)
class OrgPolicyAdmin(ScopedAdmin):
    """A region's organisation rules: public numbers, changed by platform administrators."""

    list_display = ("region_code", "effective_from", "effective_to", "reelection_due_within_days")
    ordering = ("region_code", "-effective_from")
    selector = staticmethod(selectors.org_policies_visible_to)
    public = True

    def service_create(self, actor, data):
        return services.org_policy_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.org_policy_update(actor=actor, policy=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False  # a rule ends by its end date, so what applied when stays on record
