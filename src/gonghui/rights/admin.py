"""The collective contracts' back office: the register with its filters, a contract's page
with its steps (each asking for what it records: the vote, a date), and renewal."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from gonghui.core.admin import ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.rights import selectors, services
from gonghui.rights.exports import contract_register_xlsx
from gonghui.rights.models import SIGNED_STATUSES, Assembly, CollectiveContract

S = CollectiveContract.Status


def _day(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _count(label, least):
    return forms.IntegerField(
        label=label, min_value=least, required=False, widget=forms.NumberInput(attrs={"size": 5})
    )


class StepForm(forms.Form):
    """What a step records; each step shows the fields it needs (``services.STEP_FIELDS``)."""

    assembly = forms.ChoiceField(
        label=gettext_lazy("Approved by"), choices=Assembly.choices, required=False
    )
    eligible = _count(gettext_lazy("Representatives (or staff) in all"), 1)
    present = _count(gettext_lazy("Present"), 0)
    in_favour = _count(gettext_lazy("In favour"), 0)
    approved_on = _day(gettext_lazy("Approved on"))
    signed_on = _day(gettext_lazy("Signed on"))
    filed_on = _day(gettext_lazy("Filed with the labour administration on"))
    effective_from = _day(gettext_lazy("In force from"))
    reason = forms.CharField(label=gettext_lazy("Objection"), max_length=300, required=False)

    def for_step(self, step: str) -> list:
        return [self[name] for name in services.STEP_FIELDS.get(step, ())]


class DoneFilter(admin.SimpleListFilter):
    """Signed (any status from signing on) or in force: the lists behind the figures."""

    title = gettext_lazy("Signed or in force")
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=SIGNED_STATUSES)
        return queryset


class InForceFilter(DoneFilter):
    title = gettext_lazy("In force now")
    parameter_name = "in_force"

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=S.IN_FORCE, expires_on__gte=timezone.localdate())
        return queryset


@admin.register(CollectiveContract)
class CollectiveContractAdmin(ScopedAdmin):
    list_display = (
        "title",
        "org",
        "reach",
        "subject",
        "employer_count",
        "workers_covered",
        "status_display",
        "signed_on",
        "expires_on",
    )
    list_filter = (DoneFilter, InForceFilter, "status", "subject", "reach", "signed_on")
    search_fields = ("title", "org__name", "employers__name")
    selector = staticmethod(selectors.contracts_visible_to)
    actions = ("export_register",)
    change_form_template = "rights/contract_change_form.html"
    # The terms in the order a clerk reads them: the employers after the type.
    fields = ("org", *services.TERMS[:3], "employers", *services.TERMS[3:])

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != S.NEGOTIATING:
            return self.fields
        return ("org",) if obj is not None else ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "employers":
            # Ticked in a list (a township's firms; one firm for its own union), each with the
            # organisation it is registered with, so two firms of one name are told apart.
            kwargs["queryset"] = selectors.contract_employers_choosable(request.user)
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda e: f"{e.name}（{e.org.name}）"
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == S.NEGOTIATING)

    @admin.display(description=gettext_lazy("Employers"))
    def employer_count(self, obj):
        return obj.employers.count()

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def status_display(self, obj):
        return obj.status_text()

    def service_create(self, actor, data):
        employers = data.pop("employers", [])
        return services.contract_create(actor=actor, employers=employers, **data)

    def service_update(self, actor, obj, changes):
        employers = changes.pop("employers", None)
        return services.contract_update(
            actor=actor, contract=obj, changes=changes, employers=employers
        )

    def service_delete(self, actor, obj):
        services.contract_delete(actor=actor, contract=obj)

    @admin.action(description=gettext_lazy("Export the selected contracts (Excel register)"))
    def export_register(self, request, queryset):
        content = contract_register_xlsx(queryset.order_by("org__path", "-signed_on", "pk"))
        return download(content, f"集体合同台账-{timezone.localdate():%Y%m%d}.xlsx")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="rights_collectivecontract_step"),
            path("<int:pk>/renew/", view(self.renew_view), name="rights_collectivecontract_renew"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            today = timezone.localdate()
            progress = selectors.contract_progress(request.user, found, today)
            form = StepForm(
                initial={
                    "approved_on": today,
                    "signed_on": today,
                    "filed_on": today,
                    "effective_from": found.objection_window_ends,
                    "assembly": Assembly.CONGRESS,
                }
            )
            extra.update(
                contract=found,
                progress=progress,
                step_forms=[(s, form.for_step(s.name)) for s in progress["steps"]],
                employers=found.employers.order_by("name"),
                status_text=found.status_text(today),
                may_renew=found.status == S.IN_FORCE
                and not found.renewals.exists()
                and request.user.has_perm("rights.add_collectivecontract"),
            )
        return super().change_view(request, object_id, form_url, extra)

    def step_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method != "POST":  # an address opened by hand: the contract's page
            return HttpResponseRedirect(
                reverse("admin:rights_collectivecontract_change", args=[pk])
            )
        form = StepForm(request.POST)
        if not form.is_valid():
            said = "；".join(f"{form[k].label}：{' '.join(v)}" for k, v in form.errors.items())
            messages.error(request, said)
        else:
            step = request.POST.get("step", "")
            values = {k: form.cleaned_data.get(k) for k in services.STEP_FIELDS.get(step, ())}
            try:
                done = services.contract_transition(
                    actor=request.user,
                    contract=found,
                    step=step,
                    values=values,
                    reason=form.cleaned_data.get("reason") or "",
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Done.") + " " + services.CONTRACT.next_hint(done))
        return HttpResponseRedirect(reverse("admin:rights_collectivecontract_change", args=[pk]))

    def renew_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:rights_collectivecontract_change", args=[pk])
            )
        try:
            renewal = services.contract_renew(actor=request.user, contract=found)
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            target = found.pk
        else:
            messages.success(request, _("The renewal is opened for negotiation."))
            target = renewal.pk
        return HttpResponseRedirect(
            reverse("admin:rights_collectivecontract_change", args=[target])
        )
