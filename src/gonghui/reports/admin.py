from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import ScopedAdmin
from gonghui.core.scoping import scope
from gonghui.orgs.models import Org
from gonghui.reports import services
from gonghui.reports.models import Target
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

    def scoped_queryset(self, actor):
        return scope(Target.objects.select_related("org"), actor)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "org" and request.user.org is not None:
            # Targets are set for the orgs beneath, never for one's own.
            field.queryset = (
                scope(Org.objects.filter(is_active=True), request.user, None)
                .exclude(pk=request.user.org.pk)
                .order_by("path")
            )
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
        from gonghui.core.services import record_delete

        record_delete(actor=actor, instance=obj)
