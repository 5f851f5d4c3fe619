from django.contrib import admin

from gonghui.core.admin import ScopedAdmin
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
        "is_estimate",
        "campaign",
        "note",
    )

    def scoped_queryset(self, actor):
        return selectors.entries_visible_to(actor)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = LedgerCategory.objects.filter(is_active=True)
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


@admin.register(LedgerCategory)
class LedgerCategoryAdmin(admin.ModelAdmin):
    """Taxonomy of the whole platform: administrators only (see accounts.roles)."""

    list_display = ("work_area", "code", "name", "unit", "is_active")
    list_filter = ("work_area", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False
