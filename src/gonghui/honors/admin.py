"""The honours back office: honours and their rounds, quotas, nominations with their 审批
page and public notice, honours conferred, and the register of model workers."""

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
from unfold.widgets import (
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from gonghui.core import idnumbers
from gonghui.core.admin import PaidForm, ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.crypto import cipher
from gonghui.core.errors import NotFound
from gonghui.core.exports import notice_xlsx
from gonghui.core.files import CheckedFileField, CheckedFilesField, stored_file_response
from gonghui.core.selectors import queue_board
from gonghui.honors import selectors, services
from gonghui.honors.models import (
    RECIPIENT_OF,
    CareBatch,
    CareKind,
    CarePayment,
    CareStandard,
    Honor,
    HonorAward,
    HonorNomination,
    HonorQuota,
    ModelWorker,
    Recipient,
)
from gonghui.members.crypto import ID_PURPOSE

PERSON_KINDS = [k for k, r in RECIPIENT_OF.items() if r == Recipient.PERSON]


def masked_id(obj) -> str:
    """The honoured person's ID number masked (a member's from the registry), "" for units."""
    stored = obj.person.id_number if getattr(obj, "person_id", None) else obj.id_number
    if not stored:
        return ""
    return idnumbers.mask(cipher().decrypt(bytes(stored), ID_PURPOSE))


class RecipientFilter(admin.SimpleListFilter):
    title = gettext_lazy("Honoured")
    parameter_name = "recipient"

    def lookups(self, request, model_admin):
        return (("person", _("Persons")), ("unit", _("Units, teams and studios")))

    def queryset(self, request, queryset):
        if self.value() == "person":
            return queryset.filter(honor__kind__in=PERSON_KINDS)
        if self.value() == "unit":
            return queryset.exclude(honor__kind__in=PERSON_KINDS)
        return queryset


class HonoreeForm(forms.ModelForm):
    """Who is honoured, as a clerk has it: the ID number of a person (a member of the union
    is found by it; anyone else is recorded by name and number), or the name of the unit."""

    id_number_text = forms.CharField(
        label=gettext_lazy("ID number"),
        required=False,
        max_length=25,
        help_text=gettext_lazy(
            "For a person: the ID number; a member of this union is found by it. Leave empty "
            "for a unit, team or studio."
        ),
    )

    def _get_validation_exclusions(self):
        # The form holds what the clerk typed, not the record: a member's name comes from the
        # registry by the ID number, so the constraints on the name are the service's to check
        # (in its own words), on the record it builds.
        return {*super()._get_validation_exclusions(), "name"}


def _honoree_choices(db_field, request, kwargs):
    """The employer and studio lists: those of the user's subtree only."""
    from gonghui.orgs.selectors import employers_visible_to, service_points_visible_to

    if db_field.name == "employer":
        kwargs["queryset"] = employers_visible_to(request.user)
    elif db_field.name == "service_point":
        kwargs["queryset"] = service_points_visible_to(request.user).filter(
            kind="innovation_studio"
        )


def _honoree_data(data: dict) -> dict:
    data = dict(data)
    data["id_number"] = data.pop("id_number_text", "") or ""
    return data


@admin.register(Honor)
class HonorAdmin(ScopedAdmin):
    list_display = (
        "year",
        "kind",
        "level",
        "title",
        "conferring_body",
        "org",
        "nominations_open",
        "places",
    )
    list_filter = ("year", "kind", "level", "nominations_open")
    search_fields = ("title", "conferring_body")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "level",
                    "title",
                    "conferring_body",
                    "year",
                    "conferred_on",
                    "org",
                )
            },
        ),
        (
            gettext_lazy("Nomination round"),
            {
                "fields": (
                    "nominations_open",
                    "places",
                    "notice_days",
                    "objection_contact",
                    "min_front_line_pct",
                    "min_non_public_pct",
                    "max_cadre_pct",
                    "note",
                )
            },
        ),
    )
    selector = staticmethod(selectors.honors_visible_to)
    change_form_template = "honors/honor_change_form.html"

    def service_create(self, actor, data):
        return services.honor_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.honor_update(actor=actor, honor=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.honor_delete(actor=actor, honor=obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/notice/", view(self.notice_view), name="honors_honor_notice"),
            path(
                "<int:pk>/notice/export/",
                view(self.notice_export),
                name="honors_honor_notice_export",
            ),
            *super().get_urls(),
        ]

    def _honor(self, request, pk) -> Honor:
        honor = self.get_queryset(request).filter(pk=pk).first()
        if honor is None:
            raise NotFound
        return honor

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        honor = (
            self.get_queryset(request).filter(pk=record_id(object_id)).first()
            if record_id(object_id) is not None
            else None
        )
        if honor is not None:
            extra.update(
                honor=honor,
                quotas=selectors.quota_board(request.user, honor),
                structure=selectors.round_structure(honor),
            )
        return super().change_view(request, object_id, form_url, extra)

    def notice_view(self, request, pk):
        try:
            honor = self._honor(request, pk)
        except NotFound:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        notice = selectors.notice_of(request.user, honor)
        return TemplateResponse(
            request,
            "honors/notice.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "notice": notice,
                "honor": honor,
                "title": notice.title,
            },
        )

    def notice_export(self, request, pk):
        try:
            honor = self._honor(request, pk)
        except NotFound:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        notice = selectors.notice_of(request.user, honor)
        return download(notice_xlsx(notice), f"{honor.year}{honor.name}-公示名单.xlsx")


@admin.register(HonorQuota)
class HonorQuotaAdmin(ScopedAdmin):
    list_display = ("honor", "org", "places")
    list_filter = ("honor__year",)
    fields = ("honor", "org", "places")
    selector = staticmethod(selectors.quotas_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "honor":
            kwargs["queryset"] = selectors.honors_visible_to(request.user).filter(
                org__path__startswith=getattr(request.user.org, "path", "-")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.quota_set(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.quota_update(actor=actor, quota=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.quota_delete(actor=actor, quota=obj)


class NominationForm(HonoreeForm):
    # The deeds' evidence with the first save (later files on the nomination's page).
    first_attachments = CheckedFilesField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy(
            "The deeds' evidence, the signed recommendation form: pictures (jpg, png), PDF, Word, "
            "Excel, PowerPoint or WPS files of at most 20 MB."
        ),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )

    class Meta:
        model = HonorNomination
        fields = (
            "honor",
            "org",
            "id_number_text",
            "name",
            "employer",
            "service_point",
            "workplace",
            "deeds",
            "is_front_line",
            "is_non_public",
            "is_cadre",
            "first_attachments",
        )


class AttachForm(forms.Form):
    file = CheckedFileField(
        label=gettext_lazy("File"),
        kinds=services.ATTACHMENT_KINDS,
        max_bytes=services.ATTACHMENT_MAX_BYTES,
    )


@admin.register(HonorNomination)
class HonorNominationAdmin(ScopedAdmin):
    form = NominationForm
    list_display = ("name", "id_display", "honor", "org", "workplace", "status")
    list_filter = ("status", "honor__year", "honor__kind", "honor__level")
    search_fields = ("name", "workplace")
    selector = staticmethod(selectors.nominations_visible_to)
    change_form_template = "honors/nomination_change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return NominationForm.Meta.fields
        return ("deeds", "workplace", "is_front_line", "is_non_public", "is_cadre")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status not in ("draft", "submitted"):
            return ("deeds", "workplace", "is_front_line", "is_non_public", "is_cadre")
        return ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "honor":
            kwargs["queryset"] = selectors.honors_visible_to(request.user).filter(
                nominations_open=True
            )
        _honoree_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        data = _honoree_data(data)
        data["attachments"] = data.pop("first_attachments", None) or ()
        return services.nomination_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.nomination_update(actor=actor, nomination=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False  # a nomination is withdrawn, not deleted: its history stays

    @admin.display(description=gettext_lazy("ID number"))
    def id_display(self, obj):
        return masked_id(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="honors_honornomination_step"),
            path(
                "<int:pk>/objection/",
                view(self.objection_view),
                name="honors_honornomination_objection",
            ),
            path("approvals/", view(self.approvals_view), name="honors_honornomination_approvals"),
            path("<int:pk>/attach/", view(self.attach_view), name="honors_honornomination_attach"),
            path(
                "attachments/<int:pk>/",
                view(self.attachment_view),
                name="honors_nominationattachment_download",
            ),
            path(
                "attachments/<int:pk>/delete/",
                view(self.attachment_delete_view),
                name="honors_nominationattachment_delete",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        found = (
            self.get_queryset(request).filter(pk=record_id(object_id)).first()
            if record_id(object_id) is not None
            else None
        )
        if found is not None:
            progress = selectors.nomination_progress(request.user, found)
            extra.update(
                nomination=found,
                masked_id=masked_id(found),
                progress=progress,
                steps=[(s.name, s.label) for s in progress["steps"]],
                attachments=selectors.attachments_visible_to(request.user).filter(nomination=found),
                may_attach=found.status in ("draft", "submitted")
                and request.user.has_perm("honors.change_honornomination"),
                may_object=found.status == "noticed"
                and request.user.has_perm("honors.recommend_honornomination"),
            )
        return super().change_view(request, object_id, form_url, extra)

    def step_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            step = request.POST.get("step", "")
            try:
                done = services.nomination_transition(
                    actor=request.user,
                    nomination=found,
                    step=step,
                    reason=request.POST.get("reason", ""),
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Done.") + " " + services.NOMINATION.next_hint(done))
        return HttpResponseRedirect(reverse("admin:honors_honornomination_change", args=[pk]))

    def attach_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        back = HttpResponseRedirect(reverse("admin:honors_honornomination_change", args=[pk]))
        if request.method != "POST":
            return back
        form = AttachForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = form.errors.get("file") or [_("Choose a file to attach.")]
            messages.error(request, " ".join(errors))
            return back
        try:
            att = services.nomination_attachment_add(
                actor=request.user, nomination=found, upload=form.cleaned_data["file"]
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
        if att is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        return stored_file_response(att.stored)

    def attachment_delete_view(self, request, pk):
        att = selectors.attachments_visible_to(request.user).filter(pk=pk).first()
        if att is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.nomination_attachment_delete(actor=request.user, attachment=att)
                messages.success(request, _("“%(name)s” is removed.") % {"name": att.name})
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(
            reverse("admin:honors_honornomination_change", args=[att.nomination_id])
        )

    def objection_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.nomination_record_objection(
                    actor=request.user, nomination=found, text=request.POST.get("text", "")
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("The objection is recorded."))
        return HttpResponseRedirect(reverse("admin:honors_honornomination_change", args=[pk]))

    def approvals_view(self, request):
        """The 审批 page of nominations: the workflow's tabs, one honour or all, the ticked
        nominations taken one step at once; while recommending, the quota and the §8
        structure of the list."""
        if not request.user.has_perm("honors.view_honornomination"):
            raise PermissionDenied
        params = request.POST if request.method == "POST" else request.GET
        honors = selectors.honors_visible_to(request.user).order_by("-year", "kind")
        honor = None
        if record_id(params.get("honor")) is not None:
            honor = honors.filter(pk=record_id(params["honor"])).first()
        tab = params.get("tab") or params.get("todo") or ""
        if request.method == "POST":
            self._approvals_step(request)
            query = {"tab": tab, "after": 1, **({"honor": honor.pk} if honor else {})}
            return HttpResponseRedirect(
                reverse("admin:honors_honornomination_approvals") + "?" + urlencode(query)
            )

        def narrow(qs):
            return qs.filter(honor=honor) if honor is not None else qs

        board = queue_board(
            request.user,
            services.NOMINATION,
            key=tab,
            narrow=narrow,
            page=request.GET.get("page", 1),
        )
        if request.GET.get("after") and board["tab"] is not None and not board["tab"]["count"]:
            board = queue_board(request.user, services.NOMINATION, narrow=narrow)
        rows = [
            {
                "pk": row["obj"].pk,
                "url": reverse("admin:honors_honornomination_change", args=[row["obj"].pk]),
                "cells": [
                    row["obj"].name,
                    masked_id(row["obj"]),
                    row["obj"].org.name,
                    str(row["obj"].honor),
                    row["obj"].workplace,
                    row["obj"].get_status_display(),
                ],
                "wait": row["wait"],
            }
            for row in board["rows"]
        ]
        notes = []
        if honor is not None:
            for q in selectors.quota_board(request.user, honor):
                notes.append(
                    _("%(org)s: quota %(n)d, %(used)d recommended")
                    % {"org": q["org"], "n": q["places"], "used": q["used"]}
                )
            notes += selectors.round_structure(honor).warnings
        return TemplateResponse(
            request,
            "admin/workflow_queues.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Nomination approvals"),
                "board": board,
                "rows": rows,
                "headers": [
                    _("Name"),
                    _("ID number"),
                    _("Nominating union"),
                    _("Honour"),
                    _("Workplace and post"),
                    _("Status"),
                ],
                "filters": [
                    {
                        "name": "honor",
                        "label": _("Honour"),
                        "all": _("All honours"),
                        "choices": [(h.pk, str(h)) for h in honors[:200]],
                        "value": honor.pk if honor else "",
                    }
                ],
                "keep": {"honor": honor.pk} if honor else {},
                "notes": notes,
            },
        )

    def _approvals_step(self, request):
        step = request.POST.get("step", "")
        ids = [n for n in map(record_id, request.POST.getlist("ids")) if n is not None]
        found = list(self.get_queryset(request).filter(pk__in=ids))
        if not found:
            messages.error(request, _("Tick the nominations first."))
            return
        needs_reason = any(s.name == step and s.needs_reason for s in services.NOMINATION.steps)
        try:
            done = services.nominations_take_step(
                actor=request.user,
                nominations=found,
                step=step,
                reason=request.POST.get("reason", "") if needs_reason else "",
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        first = HonorNomination.objects.select_related("honor__org", "org").get(pk=found[0].pk)
        messages.success(
            request,
            _("%(n)d nominations %(step)s.")
            % {"n": done, "step": services.STEP_NAMES.get(step, step)}
            + " "
            + services.NOMINATION.next_hint(first),
        )
        if step == "recommend":
            for warning in selectors.round_structure(first.honor).warnings:
                messages.warning(request, warning)


class AwardForm(HonoreeForm):
    class Meta:
        model = HonorAward
        fields = (
            "honor",
            "org",
            "conferred_on",
            "id_number_text",
            "name",
            "employer",
            "service_point",
            "workplace",
            "note",
        )


@admin.register(HonorAward)
class HonorAwardAdmin(ScopedAdmin):
    form = AwardForm
    list_display = ("name", "id_display", "honor", "org", "workplace", "conferred_on")
    list_filter = (RecipientFilter, "honor__year", "honor__kind", "honor__level")
    search_fields = ("name", "workplace", "honor__title")
    selector = staticmethod(selectors.awards_visible_to)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AwardForm.Meta.fields
        return ("workplace", "conferred_on", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "honor":
            kwargs["queryset"] = selectors.honors_visible_to(request.user).filter(
                org__path__startswith=getattr(request.user.org, "path", "-")
            )
        _honoree_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.award_record(actor=actor, **_honoree_data(data))

    def service_update(self, actor, obj, changes):
        return services.award_update(actor=actor, award=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.award_delete(actor=actor, award=obj)

    @admin.display(description=gettext_lazy("ID number"))
    def id_display(self, obj):
        return masked_id(obj)


class ModelWorkerForm(forms.ModelForm):
    bank_account_text = forms.CharField(
        label=gettext_lazy("Bank account"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Care is paid to it; kept encrypted. Leave empty to keep it."),
    )

    class Meta:
        model = ModelWorker
        fields = (
            "org",
            "living",
            "died_on",
            "employment",
            "in_hardship",
            "monthly_income",
            "bank_name",
            "bank_account_text",
            "note",
        )


PAYMENT_DETAILS = ("bank_name", "bank_account_text", "monthly_income")


@admin.register(ModelWorker)
class ModelWorkerAdmin(ScopedAdmin):
    list_display = (
        "name",
        "id_display",
        "level",
        "first_year",
        "org",
        "living",
        "employment",
        "in_hardship",
        "verified_year",
        "account_display",
    )
    list_filter = ("level", "living", "employment", "in_hardship", "verified_year")
    search_fields = ("name",)
    form = ModelWorkerForm
    fields = ModelWorkerForm.Meta.fields
    selector = staticmethod(selectors.model_workers_visible_to)
    actions = ("verify_selected",)

    def has_add_permission(self, request):
        return False  # the register is kept from the honours conferred

    def has_delete_permission(self, request, obj=None):
        return False  # everyone honoured stays on it; a death is recorded

    def service_update(self, actor, obj, changes):
        details = {k: changes.pop(k) for k in PAYMENT_DETAILS if k in changes}
        worker = services.model_worker_update(actor=actor, worker=obj, changes=changes)
        if details:
            worker = services.model_worker_set_payment_details(
                actor=actor,
                worker=worker,
                bank_name=details.get("bank_name", worker.bank_name),
                bank_account=details.get("bank_account_text", ""),
                monthly_income=details.get("monthly_income"),
            )
        return worker

    @admin.display(description=gettext_lazy("Account (last four)"))
    def account_display(self, obj):
        return f"****{obj.bank_account_last4}" if obj.bank_account_last4 else ""

    @admin.display(description=gettext_lazy("ID number"))
    def id_display(self, obj):
        return masked_id(obj)

    @admin.action(
        description=gettext_lazy("Verify the selected model workers for this year"),
        permissions=("change",),
    )
    def verify_selected(self, request, queryset):
        try:
            done = services.model_workers_verify(actor=request.user, workers=list(queryset))
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return
        messages.success(request, _("%(n)d model workers verified for this year.") % {"n": done})


# -- care ----------------------------------------------------------------------------------------


@admin.register(CareStandard)
class CareStandardAdmin(ScopedAdmin):
    list_display = (
        "kind",
        "level",
        "region_code",
        "amount",
        "multiple",
        "average_wage",
        "effective_from",
        "effective_to",
        "org",
    )
    list_filter = ("kind", "level")
    fields = (
        "org",
        "kind",
        "level",
        "region_code",
        "amount",
        "multiple",
        "average_wage",
        "effective_from",
        "effective_to",
        "note",
    )
    selector = staticmethod(selectors.care_standards_visible_to)
    public = True

    def service_create(self, actor, data):
        return services.care_standard_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.care_standard_update(actor=actor, standard=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.care_standard_delete(actor=actor, standard=obj)


class CarePlanForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of care"), choices=CareKind.choices, widget=UnfoldAdminSelectWidget
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=2000,
        max_value=2100,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    month = forms.IntegerField(
        label=gettext_lazy("Month (allowance)"),
        min_value=1,
        max_value=12,
        required=False,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    occasion = forms.CharField(
        label=gettext_lazy("Occasion (festival visit)"),
        max_length=20,
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=gettext_lazy("春节, 五一, 中秋…"),
    )


@admin.register(CarePayment)
class CarePaymentAdmin(ScopedAdmin):
    list_display = (
        "worker",
        "level_display",
        "org",
        "period_display",
        "amount",
        "status",
        "batch",
    )
    list_filter = ("status", "kind", "year")
    search_fields = ("worker__name",)
    readonly_fields = (
        "worker",
        "org",
        "kind",
        "year",
        "month",
        "occasion",
        "amount",
        "basis",
        "bank_name",
        "bank_account_last4",
        "status",
        "reason",
        "batch",
        "paid_on",
        "payment_reference",
    )
    fields = readonly_fields
    selector = staticmethod(selectors.care_payments_visible_to)
    actions = ("approve_selected", "cancel_selected", "batch_selected")
    change_list_template = "honors/care_change_list.html"

    def has_add_permission(self, request):
        return False  # care is planned for everyone due at once (the 生成发放名单 page)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Level"))
    def level_display(self, obj):
        return obj.worker.get_level_display()

    @admin.display(description=gettext_lazy("Care"))
    def period_display(self, obj):
        return obj.period

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("plan/", view(self.plan_view), name="honors_carepayment_plan"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        extra["may_plan"] = request.user.has_perm("honors.add_carepayment")
        return super().changelist_view(request, extra)

    def plan_view(self, request):
        """生成发放名单: the care of one period for every model worker due it."""
        if not request.user.has_perm("honors.add_carepayment"):
            raise PermissionDenied
        today = timezone.localdate()
        form = CarePlanForm(
            request.POST or None, initial={"year": today.year, "month": today.month}
        )
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.care_plan(
                    actor=request.user,
                    org=request.user.org,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    month=form.cleaned_data["month"] or 0,
                    occasion=form.cleaned_data["occasion"],
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                form.add_error(None, error_text(exc))
            else:
                total = sum(p.amount for p in plan.created)
                messages.success(
                    request,
                    _("%(n)d care payments drafted, %(total)s yuan in all: approve them, then pay.")
                    % {"n": len(plan.created), "total": total},
                )
                for line in plan.skipped[:20]:
                    messages.warning(request, line)
                if len(plan.skipped) > 20:
                    messages.warning(
                        request, _("And %(n)d more left out.") % {"n": len(plan.skipped) - 20}
                    )
                return HttpResponseRedirect(
                    reverse("admin:honors_carepayment_changelist") + "?status__exact=draft"
                )
        return TemplateResponse(
            request,
            "honors/care_plan.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": _("Draft the care of a period"),
            },
        )

    def _step(self, request, queryset, step):
        try:
            done = services.care_take_step(
                actor=request.user,
                payments=list(queryset),
                step=step,
                reason=_("Cancelled from the list") if step == "cancel" else "",
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        messages.success(
            request,
            _("%(n)d care payments %(step)s.")
            % {"n": done, "step": next(s.done for s in services.CARE.steps if s.name == step)},
        )

    @admin.action(description=gettext_lazy("Approve the selected care payments"))
    def approve_selected(self, request, queryset):
        self._step(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Cancel the selected care payments"))
    def cancel_selected(self, request, queryset):
        self._step(request, queryset, "cancel")

    @admin.action(description=gettext_lazy("Pay the selected care payments (make a payment batch)"))
    def batch_selected(self, request, queryset):
        try:
            batch = services.care_batch_create(
                actor=request.user, org=request.user.org, payments_=list(queryset)
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return None
        return HttpResponseRedirect(reverse("admin:honors_carebatch_change", args=[batch.pk]))


@admin.register(CareBatch)
class CareBatchAdmin(ScopedAdmin):
    list_display = ("__str__", "count", "total", "status", "paid_on", "created_at")
    list_filter = ("status",)
    ordering = ("-created_at",)
    change_form_template = "honors/care_batch_change_form.html"
    readonly_fields = ("org", "count", "total", "status", "paid_on", "reference", "created_at")
    fields = readonly_fields
    selector = staticmethod(selectors.care_batches_visible_to)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        batch = (
            self.get_queryset(request).filter(pk=record_id(object_id)).first()
            if record_id(object_id) is not None
            else None
        )
        if batch is not None:
            extra.update(
                batch=batch,
                rows=batch.payments.select_related("worker", "org"),
                paid_form=PaidForm(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/bank.xlsx", view(self.bank_file_view), name="honors_carebatch_bank"),
            path("<int:pk>/paid/", view(self.paid_view), name="honors_carebatch_paid"),
            *super().get_urls(),
        ]

    def _batch(self, request, pk):
        return self.get_queryset(request).filter(pk=record_id(pk)).first()

    def bank_file_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        try:
            content = services.care_batch_bank_file(actor=request.user, batch=batch)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("admin:honors_carebatch_change", args=[pk]))
        return download(content, f"劳模关爱代发明细-{batch.pk}.xlsx", personal=True)

    def paid_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        form = PaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.care_batch_mark_paid(actor=request.user, batch=batch, **form.cleaned_data)
                messages.success(request, _("The batch is recorded as paid."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Give the payment date and the bank's reference."))
        return HttpResponseRedirect(reverse("admin:honors_carebatch_change", args=[pk]))
