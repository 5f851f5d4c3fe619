"""The rights area's back office: the collective contracts' register with its filters, a
contract's page with its steps (each asking for what it records: the vote, a date), and
renewal; the mediation rooms' mediators, and the dispute cases with their steps."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from gonghui.core.admin import NoModelCheck, ScopedAdmin, StepPages, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.core.idnumbers import masked_name
from gonghui.orgs.models import Employer
from gonghui.rights import selectors, services
from gonghui.rights.exports import case_register_xlsx, contract_register_xlsx
from gonghui.rights.models import (
    SETTLED_STATUSES,
    SIGNED_STATUSES,
    Assembly,
    CollectiveContract,
    CongressMeeting,
    Disclosure,
    DisputeCase,
    HotlineCall,
    LegalAidCase,
    Mediator,
    WorkersCongress,
)

S = CollectiveContract.Status


def _day(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _money(label, digits=12):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=digits,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"size": 8, "step": "0.01"}),
    )


# The largest count a PositiveIntegerField holds.
MOST = 2_147_483_647


def _count(label, least):
    return forms.IntegerField(
        label=label,
        min_value=least,
        max_value=MOST,
        required=False,
        widget=forms.NumberInput(attrs={"size": 5}),
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
class CollectiveContractAdmin(StepPages, ScopedAdmin):
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
    step_form = StepForm
    step_fields = services.STEP_FIELDS
    workflow = services.CONTRACT
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

    def take_step(self, request, found, step, values, reason):
        return services.contract_transition(
            actor=request.user, contract=found, step=step, values=values, reason=reason
        )

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


# -- Labour-dispute mediation ---------------------------------------------------------------


@admin.register(Mediator)
class MediatorAdmin(ScopedAdmin):
    list_display = ("name", "kind", "room", "org", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "room__name")
    fields = services.MEDIATOR_FIELDS
    selector = staticmethod(selectors.mediators_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = selectors.mediation_rooms_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.mediator_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.mediator_update(actor=actor, mediator=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.mediator_delete(actor=actor, mediator=obj)


class WorkerIntake(forms.Form):
    """The worker's phone and claim in clear on an intake form: written encrypted by the
    service; on a record's page they are left blank to keep what is stored."""

    worker_phone_text = forms.CharField(
        label=gettext_lazy("Worker's phone"),
        max_length=20,
        required=False,
        widget=UnfoldAdminTextInputWidget(),
        help_text=gettext_lazy("Kept encrypted; lists show its last four digits."),
    )
    claim_text = forms.CharField(
        label=gettext_lazy("The worker's claim"),
        max_length=2000,
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What happened and what the worker asks for. Kept encrypted; only those who handle "
            "the case read it, and each reading is logged."
        ),
    )


WORKER_FIELDS = (
    "dispute_type",
    "worker_name",
    "worker_is_member",
    "worker_phone_text",
    "workers_involved",
    "employer",
    "employer_name",
    "claim_text",
    "amount_claimed",
)


class CaseForm(NoModelCheck, forms.ModelForm, WorkerIntake):
    """The intake: the room, how the case came, the worker and the employer, the claim."""

    class Meta:
        model = DisputeCase
        fields = ("room", "received_on", "channel", *WORKER_FIELDS)
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AidForm(NoModelCheck, forms.ModelForm, WorkerIntake):
    """The application: the union giving the aid, the worker and the employer, the claim."""

    class Meta:
        model = LegalAidCase
        fields = ("org", "applied_on", *WORKER_FIELDS)
        widgets = {"applied_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class CaseStepForm(forms.Form):
    mediator = forms.ModelChoiceField(
        label=gettext_lazy("Mediator"),
        queryset=Mediator.objects.none(),
        required=False,
        widget=UnfoldAdminSelectWidget(),
    )
    mediation_started_on = _day(gettext_lazy("Mediation started on"))
    closed_on = _day(gettext_lazy("Closed on"))
    amount_recovered = _money(gettext_lazy("Amount recovered (yuan)"))
    confirmed_on = _day(gettext_lazy("Judicially confirmed on"))
    referred_to = forms.ChoiceField(
        label=gettext_lazy("Referred to"),
        choices=[("", "---------"), *DisputeCase.ReferredTo.choices],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)

    def for_step(self, step: str) -> list:
        return [self[name] for name in services.CASE_STEP_FIELDS.get(step, ())]


class CaseStatusFilter(admin.SimpleListFilter):
    """Open (received or in mediation), settled by mediation, or closed otherwise."""

    title = gettext_lazy("Where it stands")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("settled", _("Settled by mediation")),
            ("unsettled", _("Closed without agreement")),
        ]

    def queryset(self, request, queryset):
        C = DisputeCase.Status
        stages = {
            "open": (C.RECEIVED, C.MEDIATING),
            "settled": SETTLED_STATUSES,
            "unsettled": (C.WITHDRAWN, C.REFERRED),
        }
        if self.value() in stages:
            return queryset.filter(status__in=stages[self.value()])
        return queryset


class WorkerMatterAdmin(StepPages, ScopedAdmin):
    """A worker's matter (a mediation case, a legal aid case): the worker masked in the list,
    the phone and claim in clear on the page for those who handle it (logged), the intake
    read-only once it is closed, and its steps."""

    # The worker's name is not searched: a list of masked names would give it back in full.
    search_fields = ("number", "employer__name", "employer_name")
    autocomplete_fields = ("employer",)
    open_statuses: tuple = ()
    first_status = ""
    step_initial: tuple = ()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status in self.open_statuses:
            return self.fixed_after_intake
        return self.get_fields(request, obj)

    def get_fields(self, request, obj=None):
        fields = self.form.Meta.fields
        if obj is not None and obj.status not in self.open_statuses:
            # Closed: the intake as it was, without the clear fields' empty boxes.
            return [f for f in fields if not f.endswith("_text")]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "claim_text" in form.base_fields:
            form.base_fields["claim_text"].required = True
        field = form.base_fields.get("employer")
        if obj is not None and obj.employer_id and field is not None:
            # The employer taken on stays valid on the form after it closed or moved.
            field.queryset = field.queryset | Employer.objects.filter(pk=obj.employer_id)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            kwargs["queryset"] = selectors.contract_employers_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == self.first_status)

    @admin.display(description=gettext_lazy("Worker"))
    def worker_masked(self, obj):
        return masked_name(obj.worker_name)

    @admin.display(description=gettext_lazy("Employing unit"))
    def employer_display(self, obj):
        return obj.employer_text

    @staticmethod
    def _clear(data):
        data = dict(data)
        for name, to in (("claim_text", "claim"), ("worker_phone_text", "worker_phone")):
            if name in data:
                data[to] = data.pop(name) or ""
        return data

    def step_form_for(self, request, found, data=None):
        today = timezone.localdate()
        return self.step_form(data, initial=dict.fromkeys(self.step_initial, today))

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"rights_{self.opts.model_name}_step"
        return [path("<int:pk>/step/", view(self.step_view), name=name), *super().get_urls()]

    def private(self, request, found):
        raise NotImplementedError

    def progress(self, request, found):
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None and request.method == "GET":
            claim, phone = self.private(request, found)
            progress = self.progress(request, found)
            form = self.step_form_for(request, found)
            extra.update(
                case=found,
                claim=claim,
                phone=phone,
                worker=masked_name(found.worker_name),
                progress=progress,
                step_forms=[(s, form.for_step(s.name)) for s in progress["steps"]],
                step_url=reverse(f"admin:rights_{self.opts.model_name}_step", args=[found.pk]),
            )
        return super().change_view(request, object_id, form_url, extra)


@admin.register(DisputeCase)
class DisputeCaseAdmin(WorkerMatterAdmin):
    form = CaseForm
    list_display = (
        "number",
        "received_on",
        "worker_masked",
        "employer_display",
        "dispute_type",
        "channel",
        "room",
        "status",
        "amount_recovered",
    )
    list_filter = (CaseStatusFilter, "status", "dispute_type", "channel", "received_on")
    selector = staticmethod(selectors.cases_visible_to)
    actions = ("export_register",)
    change_form_template = "rights/case_change_form.html"
    step_form = CaseStepForm
    step_fields = services.CASE_STEP_FIELDS
    workflow = services.CASE
    open_statuses = (DisputeCase.Status.RECEIVED, DisputeCase.Status.MEDIATING)
    first_status = DisputeCase.Status.RECEIVED
    fixed_after_intake = ("room",)
    step_initial = ("mediation_started_on", "closed_on", "confirmed_on")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = selectors.mediation_rooms_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.case_create(actor=actor, **self._clear(data))

    def service_update(self, actor, obj, changes):
        return services.case_update(actor=actor, case=obj, changes=self._clear(changes))

    def service_delete(self, actor, obj):
        services.case_delete(actor=actor, case=obj)

    @admin.action(description=gettext_lazy("Export the selected cases (Excel register)"))
    def export_register(self, request, queryset):
        content = case_register_xlsx(queryset.order_by("room__name", "received_on", "pk"))
        return download(content, f"劳动争议调解台账-{timezone.localdate():%Y%m%d}.xlsx")

    def step_form_for(self, request, found, data=None):
        form = super().step_form_for(request, found, data)
        form.fields["mediator"].queryset = selectors.case_mediators_choosable(request.user, found)
        return form

    def take_step(self, request, found, step, values, reason):
        return services.case_transition(
            actor=request.user, case=found, step=step, values=values, reason=reason
        )

    def private(self, request, found):
        return services.case_private(actor=request.user, case=found)

    def progress(self, request, found):
        return selectors.case_progress(request.user, found)


class AidStepForm(forms.Form):
    lawyer = forms.CharField(label=gettext_lazy("Lawyer"), max_length=40, required=False)
    law_firm = forms.CharField(label=gettext_lazy("Law firm"), max_length=100, required=False)
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"),
        choices=[("", "---------"), *LegalAidCase.Stage.choices],
        required=False,
    )
    granted_on = _day(gettext_lazy("Granted on"))
    closed_on = _day(gettext_lazy("Closed on"))
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", "---------"), *LegalAidCase.Outcome.choices],
        required=False,
    )
    amount_recovered = _money(gettext_lazy("Amount recovered (yuan)"))
    cost = _money(gettext_lazy("Cost of the aid (yuan)"), digits=10)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)

    def for_step(self, step: str) -> list:
        return [self[name] for name in services.AID_STEP_FIELDS.get(step, ())]


@admin.register(LegalAidCase)
class LegalAidCaseAdmin(WorkerMatterAdmin):
    form = AidForm
    list_display = (
        "number",
        "applied_on",
        "worker_masked",
        "employer_display",
        "dispute_type",
        "org",
        "lawyer",
        "status",
        "outcome",
        "amount_recovered",
    )
    list_filter = ("status", "outcome", "stage", "dispute_type", "applied_on")
    selector = staticmethod(selectors.aids_visible_to)
    change_form_template = "rights/case_change_form.html"
    step_form = AidStepForm
    step_fields = services.AID_STEP_FIELDS
    workflow = services.AID
    open_statuses = (LegalAidCase.Status.APPLIED, LegalAidCase.Status.GRANTED)
    first_status = LegalAidCase.Status.APPLIED
    fixed_after_intake = ("org",)
    step_initial = ("granted_on", "closed_on")

    def service_create(self, actor, data):
        return services.aid_create(actor=actor, **self._clear(data))

    def service_update(self, actor, obj, changes):
        return services.aid_update(actor=actor, aid=obj, changes=self._clear(changes))

    def service_delete(self, actor, obj):
        services.aid_delete(actor=actor, aid=obj)

    def take_step(self, request, found, step, values, reason):
        return services.aid_transition(
            actor=request.user, aid=found, step=step, values=values, reason=reason
        )

    def private(self, request, found):
        return services.aid_private(actor=request.user, aid=found)

    def progress(self, request, found):
        return selectors.aid_progress(request.user, found)


# -- Workers' congresses and open management ------------------------------------------------


class SessionFilter(admin.SimpleListFilter):
    """Whether a congress has held its session this year: the list of employers overdue."""

    title = gettext_lazy("Session this year")
    parameter_name = "session"

    def lookups(self, request, model_admin):
        return [("held", _("Held")), ("overdue", _("Not held yet"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        met = selectors.met_in_year(today.year, today)
        if self.value() == "held":
            return queryset.filter(met)
        if self.value() == "overdue":
            return queryset.exclude(met)
        return queryset


class CongressForm(NoModelCheck, forms.ModelForm):
    class Meta:
        model = WorkersCongress
        fields = ("employer", *services.CONGRESS_FIELDS)


class MeetingForm(NoModelCheck, forms.ModelForm):
    class Meta:
        model = CongressMeeting
        fields = ("congress", *services.MEETING_FIELDS)


@admin.register(WorkersCongress)
class WorkersCongressAdmin(ScopedAdmin):
    form = CongressForm
    list_display = (
        "employer",
        "org",
        "form",
        "representatives",
        "term_display",
        "last_session",
        "warning_count",
    )
    list_filter = (SessionFilter, "form")
    search_fields = ("employer__name", "org__name")
    selector = staticmethod(selectors.congresses_visible_to)
    change_form_template = "rights/congress_change_form.html"

    def get_fields(self, request, obj=None):
        return (
            services.CONGRESS_FIELDS if obj is not None else ("employer", *services.CONGRESS_FIELDS)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("staff", "representatives"):
            if name in form.base_fields:
                form.base_fields[name].required = False
        if obj is None and "staff" in form.base_fields:
            form.base_fields["staff"].help_text = _("Left blank: the employer's register's.")
        return form

    def get_changeform_initial_data(self, request):
        return {"established_on": timezone.localdate(), "term_years": 3}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            kwargs["queryset"] = selectors.congress_employers_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        from django.db.models import Max

        return super().get_queryset(request).annotate(last_held=Max("meetings__held_on"))

    @admin.display(description=gettext_lazy("Term"))
    def term_display(self, obj):
        return f"{obj.term_started_on:%Y-%m-%d}—{obj.term_ends_on:%Y-%m-%d}"

    @admin.display(description=gettext_lazy("Last session"), ordering="last_held")
    def last_session(self, obj):
        return obj.last_held or "—"

    @admin.display(description=gettext_lazy("To fix"))
    def warning_count(self, obj):
        return len(obj.warnings()) or ""

    def service_create(self, actor, data):
        return services.congress_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.congress_update(actor=actor, congress=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.congress_delete(actor=actor, congress=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                congress=found,
                warnings=found.warnings(),
                required=found.representatives_required(),
                meetings=selectors.meetings_visible_to(request.user).filter(congress=found),
                may_add_meeting=request.user.has_perm("rights.add_congressmeeting"),
            )
        return super().change_view(request, object_id, form_url, extra)


@admin.register(CongressMeeting)
class CongressMeetingAdmin(ScopedAdmin):
    form = MeetingForm
    list_display = ("congress", "held_on", "kind", "attended", "matters", "disclosed")
    list_filter = ("kind", "held_on")
    search_fields = ("congress__employer__name", "matters")
    selector = staticmethod(selectors.meetings_visible_to)

    def get_fields(self, request, obj=None):
        return (
            services.MEETING_FIELDS if obj is not None else ("congress", *services.MEETING_FIELDS)
        )

    def get_changeform_initial_data(self, request):
        initial = {"held_on": timezone.localdate()}
        pk = record_id(request.GET.get("congress"))
        if pk is not None:
            initial["congress"] = pk
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "congress":
            kwargs["queryset"] = selectors.congresses_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "disclosures":
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name,
                choices=Disclosure.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Open management: tick what was put before the workers."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("Open management"))
    def disclosed(self, obj):
        return obj.disclosures_text()

    def service_create(self, actor, data):
        return services.meeting_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.meeting_update(actor=actor, meeting=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.meeting_delete(actor=actor, meeting=obj)


# -- The 12351 hotline ------------------------------------------------------------------------


class CallForm(NoModelCheck, forms.ModelForm):
    """A call as the operator logs it; the phone and what was said are written encrypted (on
    a call's page they are left blank to keep what is stored)."""

    caller_phone_text = forms.CharField(
        label=gettext_lazy("Caller's phone"),
        max_length=20,
        required=False,
        widget=UnfoldAdminTextInputWidget(),
        help_text=gettext_lazy("Kept encrypted; lists show its last four digits."),
    )
    summary_text = forms.CharField(
        label=gettext_lazy("What the caller said"),
        max_length=2000,
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept encrypted; each reading is logged."),
    )

    class Meta:
        model = HotlineCall
        fields = (
            "org",
            "received_at",
            "caller_name",
            "caller_phone_text",
            "topic",
            "summary_text",
            "handling",
            "dispute_case",
            "legal_aid",
            "forwarded_to",
            "follow_up_due",
            "followed_up_on",
            "follow_up_note",
        )


class FollowUpFilter(admin.SimpleListFilter):
    title = gettext_lazy("Call back")
    parameter_name = "call_back"

    def lookups(self, request, model_admin):
        return [("due", _("To call back")), ("done", _("Called back"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(follow_up_due__isnull=False, followed_up_on__isnull=True)
        if self.value() == "done":
            return queryset.filter(followed_up_on__isnull=False)
        return queryset


@admin.register(HotlineCall)
class HotlineCallAdmin(ScopedAdmin):
    form = CallForm
    list_display = (
        "received_at",
        "caller_masked",
        "topic",
        "handling",
        "org",
        "follow_up_due",
        "followed_up_on",
    )
    list_filter = (FollowUpFilter, "topic", "handling", "received_at")
    search_fields = ("forwarded_to",)
    selector = staticmethod(selectors.calls_visible_to)
    change_form_template = "rights/call_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return ("org",) if obj is not None else ()

    def get_changeform_initial_data(self, request):
        return {"received_at": timezone.now(), "org": getattr(request.user, "org_id", None)}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "summary_text" in form.base_fields:
            form.base_fields["summary_text"].required = True
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dispute_case":
            kwargs["queryset"] = selectors.cases_visible_to(request.user)
        if db_field.name == "legal_aid":
            kwargs["queryset"] = selectors.aids_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("Caller"))
    def caller_masked(self, obj):
        return masked_name(obj.caller_name) or "—"

    @staticmethod
    def _clear(data):
        data = dict(data)
        for name, to in (("summary_text", "summary"), ("caller_phone_text", "caller_phone")):
            if name in data:
                data[to] = data.pop(name) or ""
        return data

    def service_create(self, actor, data):
        return services.call_create(actor=actor, **self._clear(data))

    def service_update(self, actor, obj, changes):
        return services.call_update(actor=actor, call=obj, changes=self._clear(changes))

    def service_delete(self, actor, obj):
        services.call_delete(actor=actor, call=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None and request.method == "GET":
            summary, phone = services.call_private(actor=request.user, call=found)
            extra.update(call=found, summary=summary, phone=phone)
        return super().change_view(request, object_id, form_url, extra)
