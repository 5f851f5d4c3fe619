"""The honours back office: honours and their rounds, quotas, nominations with their 审批
page and public notice, honours conferred, and the register of model workers."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import idnumbers
from gonghui.core.admin import ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.crypto import cipher
from gonghui.core.errors import NotFound
from gonghui.core.exports import notice_xlsx
from gonghui.core.selectors import queue_board
from gonghui.honors import selectors, services
from gonghui.honors.models import (
    RECIPIENT_OF,
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
        return services.nomination_create(actor=actor, **_honoree_data(data))

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
    )
    list_filter = ("level", "living", "employment", "in_hardship", "verified_year")
    search_fields = ("name",)
    fields = ("org", "living", "died_on", "employment", "in_hardship", "note")
    selector = staticmethod(selectors.model_workers_visible_to)
    actions = ("verify_selected",)

    def has_add_permission(self, request):
        return False  # the register is kept from the honours conferred

    def has_delete_permission(self, request, obj=None):
        return False  # everyone honoured stays on it; a death is recorded

    def service_update(self, actor, obj, changes):
        return services.model_worker_update(actor=actor, worker=obj, changes=changes)

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
