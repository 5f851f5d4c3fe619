"""The mutual-aid back office: plans and editions, enrolment batches (the roster comes in
through the import), the enrolled, claims with their computed payout and 审批 page, and the
payout batches."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from gonghui.core import idnumbers
from gonghui.core.admin import NoModelCheck, PaidForm, ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.files import CheckedFileField, CheckedFilesField, stored_file_response
from gonghui.core.selectors import queue_board
from gonghui.members.crypto import ID_PURPOSE
from gonghui.mutualaid import selectors, services
from gonghui.mutualaid.models import (
    AidClaim,
    AidClaimBatch,
    AidEnrollment,
    AidEnrollmentBatch,
    AidPlan,
    AidPlanEdition,
)
from gonghui.orgs.models import Org


def masked_id(person) -> str:
    return idnumbers.mask(cipher().decrypt(bytes(person.id_number), ID_PURPOSE))


@admin.register(AidPlan)
class AidPlanAdmin(ScopedAdmin):
    list_display = (
        "name",
        "kind",
        "org",
        "cover_years",
        "women_only",
        "exclusive_group",
        "is_open",
    )
    list_filter = ("kind", "is_open")
    search_fields = ("name",)
    fields = (
        "org",
        "name",
        "kind",
        "cover_years",
        "women_only",
        "min_age",
        "max_age",
        "exclusive_group",
        "is_open",
        "note",
    )
    selector = staticmethod(selectors.plans_visible_to)
    public = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "org":
            field.queryset = field.queryset.filter(level__lte=Org.Level.COUNTY)
        return field

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and allowed:
            from gonghui.core.scoping import org_in_scope

            return org_in_scope(request.user, obj.org)
        return allowed

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def service_create(self, actor, data):
        return services.plan_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.plan_update(actor=actor, plan=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.plan_delete(actor=actor, plan=obj)


@admin.register(AidPlanEdition)
class AidPlanEditionAdmin(ScopedAdmin):
    list_display = (
        "plan",
        "effective_from",
        "price_public",
        "price_private",
        "waiting_days",
        "deductible",
        "per_event_cap",
        "yearly_cap",
    )
    list_filter = ("plan",)
    fields = (
        "plan",
        "effective_from",
        "price_public",
        "price_private",
        "waiting_days",
        "deductible",
        "ratio1",
        "band1_upto",
        "ratio2",
        "band2_upto",
        "ratio3",
        "per_event_cap",
        "yearly_cap",
    )
    selector = staticmethod(selectors.editions_visible_to)
    public = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan":
            from gonghui.core.scoping import subtree_q

            kwargs["queryset"] = AidPlan.objects.filter(
                subtree_q(request.user, "org")
            ).select_related("org")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and allowed:
            from gonghui.core.scoping import org_in_scope

            return org_in_scope(request.user, obj.plan.org)
        return allowed

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def service_create(self, actor, data):
        return services.edition_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.edition_update(actor=actor, edition=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.edition_delete(actor=actor, edition=obj)


class PremiumPaidForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Premium paid on"))


@admin.register(AidEnrollmentBatch)
class AidEnrollmentBatchAdmin(ScopedAdmin):
    list_display = ("__str__", "unit_type", "staff_count", "people", "premium", "status", "paid_on")
    list_filter = ("status", "period_start", "unit_type")
    search_fields = ("org__name",)
    ordering = ("-period_start", "org__path")
    readonly_fields = (
        "org",
        "period_start",
        "unit_type",
        "staff_count",
        "people",
        "premium",
        "status",
        "paid_on",
        "renewal_of",
        "created_at",
    )
    fields = readonly_fields
    selector = staticmethod(selectors.batches_visible_to)
    change_form_template = "mutualaid/batch_change_form.html"
    actions = ("renew_selected",)

    def has_add_permission(self, request):
        return False  # a roster comes in through the import (互助保障参保名单)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == AidEnrollmentBatch.Status.DRAFT)

    def service_delete(self, actor, obj):
        services.enrollment_batch_delete(actor=actor, batch=obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pay/", view(self.pay_view), name="mutualaid_aidenrollmentbatch_pay"),
            path(
                "progress/", view(self.progress_view), name="mutualaid_aidenrollmentbatch_progress"
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        batch = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if batch is not None:
            extra.update(
                batch=batch,
                rows=batch.enrollments.select_related("plan", "person").order_by(
                    "person__name", "plan"
                ),
                may_pay=batch.status == AidEnrollmentBatch.Status.DRAFT
                and request.user.has_perm("mutualaid.change_aidenrollmentbatch"),
                today=timezone.localdate(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def pay_view(self, request, pk):
        batch = self.get_queryset(request).filter(pk=pk).first()
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        form = PremiumPaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.enrollment_batch_pay(
                    actor=request.user, batch=batch, paid_on=form.cleaned_data["paid_on"]
                )
                messages.success(request, _("The premium is recorded as paid; the cover starts."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Give the day the premium was paid."))
        return HttpResponseRedirect(reverse("admin:mutualaid_aidenrollmentbatch_change", args=[pk]))

    @admin.action(description=gettext_lazy("Renew the selected rosters for the next year"))
    def renew_selected(self, request, queryset):
        for batch in queryset.order_by("pk"):
            try:
                renewal = services.enrollment_batch_renew(actor=request.user, batch=batch)
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, f"{batch}：{error_text(exc)}")
                continue
            messages.success(
                request,
                _("%(batch)s: %(n)d people renewed, premium %(premium)s yuan due.")
                % {
                    "batch": renewal.batch,
                    "n": renewal.batch.people,
                    "premium": renewal.batch.premium,
                },
            )
            for line in renewal.left_out[:10]:
                messages.warning(request, line)

    def progress_view(self, request):
        """参保任务完成情况: the year's enrolment of each org beneath against its target."""
        if not request.user.has_perm("mutualaid.view_aidenrollmentbatch"):
            raise PermissionDenied
        year = record_id(request.GET.get("year")) or timezone.localdate().year
        if not 2000 <= year <= 2100:
            year = timezone.localdate().year
        return TemplateResponse(
            request,
            "mutualaid/progress.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Enrolment against targets"),
                "year": year,
                "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
                "rows": selectors.enrolment_progress(request.user, year),
            },
        )


@admin.register(AidEnrollment)
class AidEnrollmentAdmin(ScopedAdmin):
    list_display = (
        "person_name",
        "id_display",
        "plan",
        "org",
        "period_start",
        "period_end",
        "premium",
        "cover_from",
        "waiting_until",
    )
    list_filter = ("plan", "plan__kind", "batch__status", "period_start")
    search_fields = ("person__name", "org__name")
    selector = staticmethod(selectors.enrollments_visible_to)
    readonly_fields = (
        "person_name",
        "id_display",
        "plan",
        "org",
        "batch",
        "period_start",
        "period_end",
        "premium",
        "cover_from",
        "waiting_until",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=gettext_lazy("ID number"))
    def id_display(self, obj):
        return masked_id(obj.person)


class ClaimForm(NoModelCheck, forms.ModelForm):
    """A stay claimed as the union's clerk has it: the member's ID number and the plan (the
    enrolment is found from them), the stay, the costs and where the payout goes."""

    id_number_text = forms.CharField(
        label=gettext_lazy("Member's ID number"),
        max_length=25,
        required=True,
        widget=UnfoldAdminTextInputWidget(),
    )
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Mutual-aid plan"),
        queryset=AidPlan.objects.none(),
        widget=UnfoldAdminSelectWidget(),
    )
    diagnosis_text = forms.CharField(
        label=gettext_lazy("Diagnosis"),
        max_length=200,
        required=False,
        widget=UnfoldAdminTextInputWidget(),
        help_text=gettext_lazy("Kept encrypted; only the reviewer reads it, and it is logged."),
    )
    bank_account_text = forms.CharField(
        label=gettext_lazy("Bank account"), max_length=40, widget=UnfoldAdminTextInputWidget()
    )
    first_attachments = CheckedFilesField(
        label=gettext_lazy("Documents"),
        required=False,
        help_text=gettext_lazy(
            "Discharge summary, invoices, the medical insurance settlement: pictures (jpg, png), "
            "PDF, Word, Excel or WPS files of at most 20 MB."
        ),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )

    class Meta:
        model = AidClaim
        fields = (
            "id_number_text",
            "plan",
            "admitted_on",
            "discharged_on",
            "hospital",
            "diagnosis_text",
            "total_cost",
            "insurance_paid",
            "bank_name",
            "bank_account_text",
            "first_attachments",
        )


class AttachForm(forms.Form):
    file = CheckedFileField(
        label=gettext_lazy("File"),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )


def claim_row(claim) -> list:
    return [
        claim.person.name,
        claim.org.name,
        claim.enrollment.plan.name,
        f"{claim.admitted_on:%Y-%m-%d}—{claim.discharged_on:%m-%d}",
        claim.hospital,
        claim.total_cost,
        claim.payout,
        claim.get_status_display(),
    ]


@admin.register(AidClaim)
class AidClaimAdmin(ScopedAdmin):
    form = ClaimForm
    list_display = (
        "person_name",
        "org",
        "plan_display",
        "admitted_on",
        "hospital",
        "total_cost",
        "payout",
        "status",
        "batch",
    )
    list_filter = ("status", "enrollment__plan", "admitted_on")
    search_fields = ("person__name", "hospital")
    selector = staticmethod(selectors.claims_visible_to)
    change_form_template = "mutualaid/claim_change_form.html"
    actions = ("batch_selected",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ClaimForm.Meta.fields
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["fields"] = ()
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["plan"].queryset = selectors.plans_open_to(
                request.user, closed_too=True
            )
        return form

    def has_delete_permission(self, request, obj=None):
        return False  # a claim is refused, not deleted: its history stays

    @admin.display(description=gettext_lazy("Full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=gettext_lazy("Mutual-aid plan"))
    def plan_display(self, obj):
        return obj.enrollment.plan.name

    def service_create(self, actor, data):
        try:
            number = idnumbers.normalize(data["id_number_text"]).value
        except idnumbers.IdNumberError as exc:
            raise DomainError({"id_number_text": str(exc)}) from None
        day = data.get("admitted_on")
        enrollment = selectors.enrollment_covering(
            actor,
            digest=cipher().digest(number, ID_PURPOSE),
            plan=data["plan"],
            day=day or timezone.localdate(),
        )
        if enrollment is None:
            raise DomainError(
                {
                    "id_number_text": _(
                        "No enrolment of this member in this plan covers the day of admission "
                        "in your unions."
                    )
                }
            )
        return services.claim_create(
            actor=actor,
            enrollment=enrollment,
            admitted_on=day,
            discharged_on=data.get("discharged_on"),
            hospital=data.get("hospital", ""),
            diagnosis=data.get("diagnosis_text", ""),
            total_cost=data.get("total_cost"),
            insurance_paid=data.get("insurance_paid"),
            bank_name=data.get("bank_name", ""),
            bank_account=data.get("bank_account_text", ""),
            attachments=data.get("first_attachments") or (),
        )

    def service_update(self, actor, obj, changes):
        return obj  # a filed claim changes by its steps; its page has no fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="mutualaid_aidclaim_step"),
            path("approvals/", view(self.approvals_view), name="mutualaid_aidclaim_approvals"),
            path("<int:pk>/attach/", view(self.attach_view), name="mutualaid_aidclaim_attach"),
            path(
                "documents/<int:pk>/",
                view(self.attachment_view),
                name="mutualaid_aidclaimattachment_download",
            ),
            path(
                "documents/<int:pk>/delete/",
                view(self.attachment_delete_view),
                name="mutualaid_aidclaimattachment_delete",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                claim=found,
                masked_id=masked_id(found.person),
                progress=selectors.claim_progress(request.user, found),
                diagnosis=services.claim_diagnosis(actor=request.user, claim=found),
                attachments=selectors.attachments_visible_to(request.user).filter(claim=found),
                may_attach=found.status in ("draft", "submitted")
                and request.user.has_perm("mutualaid.change_aidclaim"),
                preview=services.payout_for(
                    enrollment=found.enrollment,
                    admitted_on=found.admitted_on,
                    total_cost=found.total_cost,
                    insurance_paid=found.insurance_paid,
                    claim_pk=found.pk,
                )
                if found.status in ("draft", "submitted")
                else None,
            )
        return super().change_view(request, object_id, form_url, extra)

    def step_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                done = services.claim_transition(
                    actor=request.user,
                    claim=found,
                    step=request.POST.get("step", ""),
                    reason=request.POST.get("reason", ""),
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Done.") + " " + services.CLAIM.next_hint(done))
        return HttpResponseRedirect(reverse("admin:mutualaid_aidclaim_change", args=[pk]))

    def attach_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        back = HttpResponseRedirect(reverse("admin:mutualaid_aidclaim_change", args=[pk]))
        if request.method != "POST":
            return back
        form = AttachForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = form.errors.get("file") or [_("Choose a file to attach.")]
            messages.error(request, " ".join(errors))
            return back
        try:
            att = services.claim_attachment_add(
                actor=request.user, claim=found, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("“%(name)s” is attached.") % {"name": att.name})
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
        return back

    def attachment_view(self, request, pk):
        att = (
            selectors.attachments_visible_to(request.user)
            .select_related("stored")
            .filter(pk=pk)
            .first()
        )
        if att is None or not request.user.has_perm("mutualaid.view_aidclaim"):
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        services.claim_document_opened(actor=request.user, attachment=att)
        return stored_file_response(att.stored)

    def attachment_delete_view(self, request, pk):
        att = selectors.attachments_visible_to(request.user).filter(pk=pk).first()
        if att is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.claim_attachment_delete(actor=request.user, attachment=att)
                messages.success(request, _("“%(name)s” is removed.") % {"name": att.name})
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:mutualaid_aidclaim_change", args=[att.claim_id]))

    def approvals_view(self, request):
        """The 审批 page of claims: the workflow's tabs, the ticked claims taken one step at
        once, each row with the payout computed from its plan."""
        if not request.user.has_perm("mutualaid.view_aidclaim"):
            raise PermissionDenied
        params = request.POST if request.method == "POST" else request.GET
        tab = params.get("tab") or params.get("todo") or ""
        if request.method == "POST":
            self._approvals_step(request)
            query = {"tab": tab, "after": 1}
            return HttpResponseRedirect(
                reverse("admin:mutualaid_aidclaim_approvals") + "?" + urlencode(query)
            )
        board = queue_board(request.user, services.CLAIM, key=tab, page=request.GET.get("page", 1))
        if request.GET.get("after") and board["tab"] is not None and not board["tab"]["count"]:
            board = queue_board(request.user, services.CLAIM)
        rows = [
            {
                "pk": row["obj"].pk,
                "url": reverse("admin:mutualaid_aidclaim_change", args=[row["obj"].pk]),
                "cells": claim_row(row["obj"]),
                "wait": row["wait"],
            }
            for row in board["rows"]
        ]
        return TemplateResponse(
            request,
            "admin/workflow_queues.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Claim approvals"),
                "board": board,
                "rows": rows,
                "headers": [
                    _("Full name"),
                    _("Claiming union"),
                    _("Mutual-aid plan"),
                    _("Stay"),
                    _("Hospital"),
                    _("Total medical cost (yuan)"),
                    _("Payout (yuan)"),
                    _("Status"),
                ],
                "filters": [],
                "keep": {},
                "notes": [
                    _(
                        "The payout is computed from the plan edition in force on admission; "
                        "approving computes it again with the year's approved claims."
                    )
                ],
            },
        )

    def _approvals_step(self, request):
        step = request.POST.get("step", "")
        ids = [n for n in map(record_id, request.POST.getlist("ids")) if n is not None]
        found = list(self.get_queryset(request).filter(pk__in=ids))
        if not found:
            messages.error(request, _("Tick the claims first."))
            return
        needs_reason = any(s.name == step and s.needs_reason for s in services.CLAIM.steps)
        try:
            done = services.claims_take_step(
                actor=request.user,
                claims=found,
                step=step,
                reason=request.POST.get("reason", "") if needs_reason else "",
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        messages.success(
            request,
            _("%(n)d claims %(step)s.") % {"n": done, "step": services.STEP_NAMES.get(step, step)},
        )

    @admin.action(description=gettext_lazy("Pay the selected claims (make a payment batch)"))
    def batch_selected(self, request, queryset):
        try:
            batch = services.claim_batch_create(
                actor=request.user, org=request.user.org, claims=list(queryset)
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return None
        return HttpResponseRedirect(
            reverse("admin:mutualaid_aidclaimbatch_change", args=[batch.pk])
        )


@admin.register(AidClaimBatch)
class AidClaimBatchAdmin(ScopedAdmin):
    list_display = ("__str__", "count", "total", "status", "paid_on", "created_at")
    list_filter = ("status",)
    ordering = ("-created_at",)
    change_form_template = "mutualaid/claim_batch_change_form.html"
    readonly_fields = ("org", "count", "total", "status", "paid_on", "reference", "created_at")
    fields = readonly_fields
    selector = staticmethod(selectors.claim_batches_visible_to)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        batch = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if batch is not None:
            extra.update(
                batch=batch,
                rows=batch.claims.select_related("person", "org", "enrollment__plan"),
                paid_form=PaidForm(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/bank.xlsx", view(self.bank_file_view), name="mutualaid_aidclaimbatch_bank"
            ),
            path("<int:pk>/paid/", view(self.paid_view), name="mutualaid_aidclaimbatch_paid"),
            *super().get_urls(),
        ]

    def _batch(self, request, pk):
        return self.get_queryset(request).filter(pk=record_id(pk)).first()

    def bank_file_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        try:
            content = services.claim_batch_bank_file(actor=request.user, batch=batch)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("admin:mutualaid_aidclaimbatch_change", args=[pk]))
        return download(content, f"互助金代发明细-{batch.pk}.xlsx", personal=True)

    def paid_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        form = PaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.claim_batch_mark_paid(actor=request.user, batch=batch, **form.cleaned_data)
                messages.success(request, _("The batch is recorded as paid."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Give the payment date and the bank's reference."))
        return HttpResponseRedirect(reverse("admin:mutualaid_aidclaimbatch_change", args=[pk]))
