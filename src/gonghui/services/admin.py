"""The back office of services to workers: recuperation batches with the places given and
the people nominated, childcare classes and the children enrolled, start-up loans with their
schedules and repayments, member offers and their monthly use, and service points put forward
for recognition. Every write goes through ``services.py``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.admin import (
    NoModelCheck,
    ScopedAdmin,
    ServiceChecked,
    StartsFromOwnOrg,
    StepPages,
    error_text,
)
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.core.idnumbers import masked_name
from gonghui.core.scoping import org_in_scope
from gonghui.core.selectors import workflow_progress
from gonghui.members.admin import member_for_form
from gonghui.services import selectors, services
from gonghui.services.models import (
    ChildcareChild,
    ChildcareClass,
    MemberOffer,
    OfferUse,
    PointNomination,
    Recuperation,
    RecuperationParticipant,
    RecuperationQuota,
    StartupLoan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Preselected:
    """A ScopedAdmin mixin: the add page linked from a record's page (分配名额, 推荐人员, 报名)
    starts with that record chosen, from ``?<preselect>=<pk>``."""

    preselect = ""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        chosen = record_id(request.GET.get(self.preselect))
        if chosen is not None:
            initial[self.preselect] = chosen
        return initial


class DayStepForm(forms.Form):
    """A step's fields: its reason, and the day it happened (a decision, a disbursement)."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)
    on = forms.DateField(label=gettext_lazy("Date"), required=False)
    repaid_on = forms.DateField(label=gettext_lazy("Repaid on"), required=False)
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), required=False)


class RecordPage(StepPages):
    """A record's page with its step bar: ``record_name`` is the template's name for it."""

    record_name = "record"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            info = (self.opts.app_label, self.opts.model_name)
            extra.update(
                {self.record_name: found},
                progress=workflow_progress(request.user, found, self.workflow),
                step_url=reverse("admin:{}_{}_step".format(*info), args=[found.pk]),
                today=timezone.localdate(),
                **self.page_context(request, found),
            )
        return super().change_view(request, object_id, form_url, extra)

    def page_context(self, request, found) -> dict:
        return {}

    def get_urls(self):
        view = self.admin_site.admin_view
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path("<int:pk>/step/", view(self.step_view), name="{}_{}_step".format(*info)),
            *super().get_urls(),
        ]


# -- recuperation -------------------------------------------------------------------------


class RecuperationForm(ServiceChecked):
    class Meta:
        model = Recuperation
        fields = (
            "org",
            "name",
            "group",
            "base",
            "place",
            "starts_on",
            "ends_on",
            "places",
            "cost_per_head",
            "repeat_allowed",
        )
        widgets = {"starts_on": DATE, "ends_on": DATE}


@admin.register(Recuperation)
class RecuperationAdmin(StartsFromOwnOrg, RecordPage, ScopedAdmin):
    form = RecuperationForm
    list_display = ("name", "group", "starts_on", "ends_on", "places", "org", "status")
    list_filter = ("status", "group", "starts_on")
    search_fields = ("name", "place")
    fields = RecuperationForm.Meta.fields
    selector = staticmethod(selectors.recuperations_visible_to)
    step_form = DayStepForm
    # The batch's steps, and the decisions on the nominations ticked on its page.
    step_fields = {
        "open": (),
        "confirm": (),
        "hold": (),
        "cancel": (),
        "confirm_people": (),
        "turn_down_people": (),
    }
    workflow = services.RECUPERATION
    record_name = "batch"
    change_form_template = "services/recuperation_change_form.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "base":
            kwargs["queryset"] = selectors.recuperation_bases_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status in (Recuperation.Status.HELD, Recuperation.Status.CANCELLED):
            return tuple(f for f in self.fields if f != "cost_per_head")
        return ("org",)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Recuperation.Status.PLANNED)

    def page_context(self, request, found) -> dict:
        participants = selectors.participants_visible_to(request.user).filter(recuperation=found)
        return {
            "places": selectors.batch_places(found),
            "nominated": participants.order_by("org__path", "id"),
            "may_give": org_in_scope(request.user, found.org)
            and request.user.has_perm("services.change_recuperation"),
        }

    def service_create(self, actor, data):
        return services.recuperation_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.recuperation_update(actor=actor, recuperation=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.recuperation_delete(actor=actor, recuperation=obj)

    def take_step(self, request, found, step, values, reason):
        if step in ("confirm_people", "turn_down_people"):
            ticked = [record_id(v) for v in request.POST.getlist("participant")]
            chosen = selectors.participants_visible_to(request.user).filter(
                recuperation=found, pk__in=[pk for pk in ticked if pk is not None]
            )
            if not chosen:
                raise ValidationError(_("Tick the people first."))
            services.participants_take_step(
                actor=request.user,
                participants=list(chosen),
                step=step.removesuffix("_people"),
                reason=reason,
            )
            return Recuperation.objects.get(pk=found.pk)
        return services.recuperation_transition(
            actor=request.user, recuperation=found, step=step, reason=reason
        )


def _some_places(places) -> None:
    # On the form, places are given; taking them all back is the delete button.
    if not places:
        raise ValidationError({"places": _("Give at least one place.")})


class QuotaForm(ServiceChecked):
    class Meta:
        model = RecuperationQuota
        fields = ("recuperation", "org", "places")


@admin.register(RecuperationQuota)
class RecuperationQuotaAdmin(Preselected, ScopedAdmin):
    form = QuotaForm
    preselect = "recuperation"
    list_display = ("recuperation", "org", "places")
    list_filter = ("recuperation__status",)
    search_fields = ("recuperation__name", "org__name")
    fields = QuotaForm.Meta.fields
    selector = staticmethod(selectors.quotas_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recuperation":
            kwargs["queryset"] = selectors.recuperations_visible_to(request.user).filter(
                status__in=(Recuperation.Status.PLANNED, Recuperation.Status.NOMINATING)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("recuperation", "org") if obj is not None else ()

    def _organiser(self, request, obj) -> bool:
        # Places are the organiser's to give: the union given them reads them.
        return obj is None or org_in_scope(request.user, obj.recuperation.org)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._organiser(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._organiser(request, obj)

    def service_create(self, actor, data):
        _some_places(data.get("places"))
        return services.quota_set(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        _some_places(changes.get("places", obj.places))
        return services.quota_set(
            actor=actor,
            recuperation=obj.recuperation,
            org=obj.org,
            places=changes.get("places", obj.places),
        )

    def service_delete(self, actor, obj):
        services.quota_set(actor=actor, recuperation=obj.recuperation, org=obj.org, places=0)

    def response_add(self, request, obj, post_url_continue=None):
        # Back to the batch, where the places given and the next step are.
        if "_addanother" not in request.POST and "_continue" not in request.POST:
            return HttpResponseRedirect(
                reverse("admin:services_recuperation_change", args=[obj.recuperation_id])
            )
        return super().response_add(request, obj, post_url_continue)


class NominationForm(NoModelCheck, forms.ModelForm):
    id_number_text = forms.CharField(
        label=gettext_lazy("Member's ID number"), max_length=25, required=True
    )

    class Meta:
        model = RecuperationParticipant
        fields = ("recuperation", "org", "id_number_text")


@admin.register(RecuperationParticipant)
class RecuperationParticipantAdmin(StartsFromOwnOrg, Preselected, ScopedAdmin):
    form = NominationForm
    preselect = "recuperation"
    list_display = ("masked", "recuperation", "org", "status", "reason")
    list_filter = ("status", "recuperation__group", "recuperation__starts_on")
    search_fields = ("name", "recuperation__name", "org__name")
    selector = staticmethod(selectors.participants_visible_to)
    actions = ("confirm_selected", "turn_down_selected")

    @admin.display(description=gettext_lazy("Full name"), ordering="name")
    def masked(self, obj):
        return masked_name(obj.name)

    def get_fields(self, request, obj=None):
        if obj is None:
            return NominationForm.Meta.fields
        return ("recuperation", "org", "masked", "status", "reason")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == RecuperationParticipant.Status.NOMINATED)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recuperation":
            kwargs["queryset"] = selectors.recuperations_open_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        person = member_for_form(actor, data.pop("id_number_text", ""), "id_number_text")
        return services.participant_nominate(actor=actor, person=person, **data)

    def service_delete(self, actor, obj):
        services.participant_withdraw(actor=actor, participant=obj)

    def _step(self, request, queryset, step, reason=""):
        try:
            done = services.participants_take_step(
                actor=request.user, participants=list(queryset), step=step, reason=reason
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        said = next(s.done for s in services.PARTICIPANT.steps if s.name == step)
        messages.success(request, _("%(n)d people %(step)s.") % {"n": done, "step": said})

    @admin.action(description=gettext_lazy("Confirm the selected nominations"))
    def confirm_selected(self, request, queryset):
        self._step(request, queryset, "confirm")

    @admin.action(description=gettext_lazy("Turn down the selected nominations (places full)"))
    def turn_down_selected(self, request, queryset):
        self._step(request, queryset, "turn_down", _("The batch's places are full"))


# -- childcare classes --------------------------------------------------------------------


class ClassForm(ServiceChecked):
    class Meta:
        model = ChildcareClass
        fields = ("org", "name", "site", "starts_on", "ends_on", "capacity", "volunteers", "cost")
        widgets = {"starts_on": DATE, "ends_on": DATE}


@admin.register(ChildcareClass)
class ChildcareClassAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = ClassForm
    list_display = ("name", "site", "starts_on", "ends_on", "capacity", "enrolled", "org")
    list_filter = ("starts_on",)
    search_fields = ("name", "site")
    fields = ClassForm.Meta.fields
    selector = staticmethod(selectors.classes_visible_to)

    @admin.display(description=gettext_lazy("Children enrolled"), ordering="enrolled")
    def enrolled(self, obj):
        return obj.enrolled

    def get_readonly_fields(self, request, obj=None):
        return ("org",) if obj is not None else ()

    def service_create(self, actor, data):
        return services.childcare_class_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.childcare_class_update(actor=actor, childcare_class=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.childcare_class_delete(actor=actor, childcare_class=obj)


class ChildForm(NoModelCheck, forms.ModelForm):
    parent_id_number = forms.CharField(
        label=gettext_lazy("Parent's ID number (a member)"), max_length=25, required=True
    )

    class Meta:
        model = ChildcareChild
        fields = ("childcare_class", "parent_id_number", "name", "birth_year")


@admin.register(ChildcareChild)
class ChildcareChildAdmin(Preselected, ScopedAdmin):
    form = ChildForm
    preselect = "childcare_class"
    # A child's name is shown masked, like a hardship file's household.
    list_display = ("masked", "birth_year", "parent_masked", "childcare_class")
    list_filter = ("childcare_class__starts_on",)
    search_fields = ("childcare_class__name",)
    selector = staticmethod(selectors.children_visible_to)

    @admin.display(description=gettext_lazy("Child's name"))
    def masked(self, obj):
        return masked_name(obj.name)

    @admin.display(description=gettext_lazy("Parent"))
    def parent_masked(self, obj):
        return masked_name(obj.parent_name)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ChildForm.Meta.fields
        return ("childcare_class", "parent_masked", "name", "birth_year")

    def get_readonly_fields(self, request, obj=None):
        return ("childcare_class", "parent_masked") if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = ServiceChecked
            kwargs["fields"] = ("name", "birth_year")
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "childcare_class":
            kwargs["queryset"] = selectors.classes_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        parent = member_for_form(actor, data.pop("parent_id_number", ""), "parent_id_number")
        return services.child_enrol(actor=actor, parent=parent, **data)

    def service_update(self, actor, obj, changes):
        return services.child_update(actor=actor, child=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.child_remove(actor=actor, child=obj)


# -- start-up loans -----------------------------------------------------------------------


class LoanForm(NoModelCheck, forms.ModelForm):
    id_number_text = forms.CharField(
        label=gettext_lazy("Applicant's ID number (a member)"), max_length=25, required=True
    )

    class Meta:
        model = StartupLoan
        fields = (
            "org",
            "id_number_text",
            "business",
            "amount",
            "bank",
            "guarantee",
            "interest_subsidy",
            "term_months",
            "applied_on",
        )
        widgets = {"applied_on": DATE}


@admin.register(StartupLoan)
class StartupLoanAdmin(StartsFromOwnOrg, RecordPage, ScopedAdmin):
    form = LoanForm
    list_display = ("masked", "business", "amount", "bank", "disbursed_on", "org", "status")
    list_filter = ("status", "disbursed_on", "bank")
    search_fields = ("name", "business", "bank")
    selector = staticmethod(selectors.loans_visible_to)
    step_form = DayStepForm
    step_fields = {
        "approve": ("on",),
        "reject": ("on",),
        "disburse": ("on",),
        "write_off": ("on",),
        "repay": ("repaid_on", "amount"),
    }
    workflow = services.LOAN
    record_name = "loan"
    change_form_template = "services/startuploan_change_form.html"

    @admin.display(description=gettext_lazy("Applicant"), ordering="name")
    def masked(self, obj):
        return masked_name(obj.name)

    def get_fields(self, request, obj=None):
        if obj is None:
            return LoanForm.Meta.fields
        return ("org", "masked", *LoanForm.Meta.fields[2:])

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = ServiceChecked
            kwargs["fields"] = LoanForm.Meta.fields[2:]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status != StartupLoan.Status.APPLIED:
            return tuple(f for f in self.get_fields(request, obj) if f != "interest_subsidy")
        return ("org", "masked")

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == StartupLoan.Status.APPLIED)

    def page_context(self, request, found) -> dict:
        today = timezone.localdate()
        return {
            "balance": selectors.loan_balance(found, today),
            "instalments": found.instalments.all(),
            "may_repay": found.status == StartupLoan.Status.DISBURSED
            and request.user.has_perm("services.change_startuploan"),
        }

    def service_create(self, actor, data):
        person = member_for_form(actor, data.pop("id_number_text", ""), "id_number_text")
        return services.loan_create(actor=actor, person=person, **data)

    def service_update(self, actor, obj, changes):
        return services.loan_update(actor=actor, loan=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.loan_delete(actor=actor, loan=obj)

    def take_step(self, request, found, step, values, reason):
        if step == "repay":
            services.loan_repay(actor=request.user, loan=found, **values)
            return StartupLoan.objects.get(pk=found.pk)
        return services.loan_transition(
            actor=request.user, loan=found, step=step, reason=reason, on=values.get("on")
        )


# -- member offers ------------------------------------------------------------------------


class OfferForm(ServiceChecked):
    class Meta:
        model = MemberOffer
        fields = ("org", "code", "title", "merchant", "offer", "starts_on", "ends_on")
        widgets = {"starts_on": DATE, "ends_on": DATE}


@admin.register(MemberOffer)
class MemberOfferAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = OfferForm
    list_display = ("code", "title", "merchant", "starts_on", "ends_on", "uses", "saved", "org")
    list_filter = ("starts_on",)
    search_fields = ("code", "title", "merchant")
    fields = OfferForm.Meta.fields
    selector = staticmethod(selectors.offers_visible_to)

    @admin.display(description=gettext_lazy("Uses (person-times)"), ordering="uses_total")
    def uses(self, obj):
        return obj.uses_total or 0

    @admin.display(description=gettext_lazy("Saved by members (yuan)"), ordering="value_total")
    def saved(self, obj):
        return obj.value_total or 0

    def get_readonly_fields(self, request, obj=None):
        return ("org",) if obj is not None else ()

    def service_create(self, actor, data):
        return services.offer_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.offer_update(actor=actor, member_offer=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.offer_delete(actor=actor, member_offer=obj)


class OfferUseForm(ServiceChecked):
    class Meta:
        model = OfferUse
        fields = ("offer", "month", "person_times", "value")
        widgets = {"month": DATE}


@admin.register(OfferUse)
class OfferUseAdmin(ScopedAdmin):
    form = OfferUseForm
    list_display = ("offer", "month_text", "person_times", "value")
    list_filter = ("month",)
    search_fields = ("offer__code", "offer__title", "offer__merchant")
    fields = OfferUseForm.Meta.fields
    selector = staticmethod(selectors.offer_uses_visible_to)

    @admin.display(description=gettext_lazy("Month"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "offer":
            kwargs["queryset"] = selectors.offers_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("offer", "month") if obj is not None else ()

    def service_create(self, actor, data):
        return services.offer_use_record(
            actor=actor,
            member_offer=data["offer"],
            month=data["month"],
            person_times=data["person_times"],
            value=data.get("value"),
        )

    def service_update(self, actor, obj, changes):
        return services.offer_use_update(actor=actor, use=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.offer_use_delete(actor=actor, use=obj)


# -- service points put forward -----------------------------------------------------------


class PointNominationForm(ServiceChecked):
    class Meta:
        model = PointNomination
        fields = ("org", "point", "level", "title", "nominated_on")
        widgets = {"nominated_on": DATE}


@admin.register(PointNomination)
class PointNominationAdmin(StartsFromOwnOrg, RecordPage, ScopedAdmin):
    form = PointNominationForm
    list_display = ("point", "title", "level", "nominated_on", "status", "decided_on", "org")
    list_filter = ("status", "level", "nominated_on")
    search_fields = ("point__name", "title")
    fields = PointNominationForm.Meta.fields
    selector = staticmethod(selectors.point_nominations_visible_to)
    step_form = DayStepForm
    step_fields = {"confer": ("on",), "not_confer": ("on",)}
    workflow = services.NOMINATION
    record_name = "nomination"
    change_form_template = "services/pointnomination_change_form.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "point":
            kwargs["queryset"] = selectors.points_nominable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        # Nothing on the form changes once made: the outcome is a step.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == PointNomination.Status.NOMINATED)

    def page_context(self, request, found) -> dict:
        # What the books put into the point: beside its recognition, the case for it.
        return {"investment": selectors.point_investment(found.point)}

    def service_create(self, actor, data):
        return services.nomination_create(actor=actor, **data)

    def service_delete(self, actor, obj):
        services.nomination_delete(actor=actor, nomination=obj)

    def take_step(self, request, found, step, values, reason):
        return services.nomination_transition(
            actor=request.user,
            nomination=found,
            step=step,
            reason=reason,
            on=values.get("on") or timezone.localdate(),
        )
