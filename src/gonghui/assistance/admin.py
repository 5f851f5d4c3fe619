"""The assistance back office: standards, hardship files, campaigns with their dashboard and
public notice, grants through their steps, payment batches and group relief."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance import exports, selectors, services
from gonghui.assistance.forms import GrantAddForm, GroupReliefForm, HardshipFileAddForm
from gonghui.assistance.models import (
    AmountStandard,
    Campaign,
    Grant,
    GroupRelief,
    HardshipFile,
    LocalPolicy,
    PaymentBatch,
)
from gonghui.core.admin import PaidForm, ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.core.files import stored_file_response
from gonghui.core.scoping import scope
from gonghui.members.selectors import masked_id_number, person_from_form
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_choices


def _orgs(request, **levels):
    return org_choices(request.user, **levels)


def _lookup_answer(request, campaign):
    from django.http import JsonResponse

    answer = selectors.person_lookup(
        request.user,
        campaign,
        text=request.GET.get("who", "")[:40],
        person_pk=request.GET.get("person", ""),
        school_level=request.GET.get("school_level", ""),
    )
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"  # names of members
    return response


@admin.register(LocalPolicy)
class LocalPolicyAdmin(ScopedAdmin):
    list_display = (
        "region_code",
        "year",
        "effective_from",
        "effective_to",
        "subsistence_line",
        "yearly_cap_per_person",
    )
    ordering = ("region_code", "-effective_from")

    selector = staticmethod(selectors.policies_visible_to)
    public = True

    def service_create(self, actor, data):
        return services.policy_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.policy_update(actor=actor, policy=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewFilter(admin.SimpleListFilter):
    title = gettext_lazy("Yearly review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due", _("Due within 60 days"))]

    def queryset(self, request, queryset):
        if self.value() in ("overdue", "due"):
            return queryset.filter(selectors.review_q(self.value()))
        return queryset


@admin.register(HardshipFile)
class HardshipFileAdmin(ScopedAdmin):
    list_display = (
        "applicant",
        "org",
        "category",
        "per_capita_monthly",
        "household_size",
        "status",
        "filing_level",
        "reviewed_on",
    )
    list_filter = ("category", "status", ReviewFilter, "filing_level")
    search_fields = ("applicant__name",)
    ordering = ("-filed_on", "-id")
    change_form_template = "assistance/file_change_form.html"
    readonly_fields = (
        "applicant",
        "org",
        "category",
        "per_capita_monthly",
        "subsistence_line",
        "status",
        "filed_on",
        "reviewed_on",
        "status_changed_on",
    )
    fields = (
        "applicant",
        "org",
        "category",
        "per_capita_monthly",
        "subsistence_line",
        "household_size",
        "annual_income",
        "expense_illness",
        "expense_disability",
        "expense_schooling",
        "expense_other",
        "accident_reason",
        "filing_level",
        "status",
        "filed_on",
        "reviewed_on",
        "status_changed_on",
        "note",
    )

    selector = staticmethod(selectors.files_visible_to)

    def service_update(self, actor, obj, changes):
        # Saving the form is the yearly review: figures in, category recomputed.
        return services.hardship_file_review(actor=actor, file=obj, **changes)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/", view(self.new_view), name="assistance_hardshipfile_new"),
            path("<int:pk>/status/", view(self.status_view), name="assistance_hardshipfile_status"),
            path("new/assess/", view(self.assess_view), name="assistance_hardshipfile_assess"),
            path("new/lookup/", view(self.lookup_view), name="assistance_hardshipfile_lookup"),
            path("<int:pk>/member/", view(self.member_view), name="assistance_hardshipfile_member"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:assistance_hardshipfile_new"))

    def new_view(self, request):
        if not request.user.has_perm("assistance.add_hardshipfile"):
            raise PermissionDenied
        form = HardshipFileAddForm(request.POST or None)
        form.fields["org"].queryset = _orgs(request)
        form.fields["org"].initial = getattr(request.user.org, "pk", None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                person = person_from_form(request.user, data["id_number_text"], data["person"])
                file = services.hardship_file_create(
                    actor=request.user,
                    applicant=person,
                    org=data["org"],
                    household_size=data["household_size"],
                    annual_income=data["annual_income"],
                    expense_illness=data["expense_illness"] or 0,
                    expense_disability=data["expense_disability"] or 0,
                    expense_schooling=data["expense_schooling"] or 0,
                    expense_other=data["expense_other"] or 0,
                    accident_reason=data["accident_reason"],
                    causes=data["causes"],
                    filing_level=data["filing_level"],
                    filed_on=data["filed_on"],
                    note=data["note"],
                )
            except (ValidationError, NotFound, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("File opened: %(c)s, %(pc)s yuan a head a month.")
                    % {"c": file.get_category_display(), "pc": file.per_capita_monthly},
                )
                return HttpResponseRedirect(
                    reverse("admin:assistance_hardshipfile_change", args=[file.pk])
                )
        return TemplateResponse(
            request,
            "assistance/hardship_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": _("Open a hardship file"),
            },
        )

    def lookup_view(self, request):
        """The file form's person picker (``selectors.person_lookup``) as JSON."""
        if not request.user.has_perm("assistance.add_hardshipfile"):
            raise PermissionDenied
        return _lookup_answer(request, None)

    def assess_view(self, request):
        """The file form's live income per head and category (``selectors.file_assessment``)."""
        from django.http import JsonResponse

        if not request.user.has_perm("assistance.add_hardshipfile"):
            raise PermissionDenied
        q = request.GET
        return JsonResponse(
            selectors.file_assessment(
                request.user,
                q.get("org", ""),
                q.get("household_size", ""),
                q.get("annual_income", ""),
                [
                    q.get(f"expense_{k}", "")
                    for k in ("illness", "disability", "schooling", "other")
                ],
                accident=bool(q.get("accident_reason", "").strip()),
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        file = (
            self.get_queryset(request).filter(pk=object_id).first()
            if record_id(object_id) is not None
            else None
        )
        if file is not None:
            extra["file"] = file
            extra["transitions"] = [
                (step.target, HardshipFile.Status(step.target).label)
                for step in selectors.file_next_steps(request.user, file)
            ]
            extra["masked_id"] = masked_id_number(file.applicant)
            extra["household"] = list(file.members.all())
        return super().change_view(request, object_id, form_url, extra)

    def member_view(self, request, pk):
        file = self.get_queryset(request).filter(pk=pk).first()
        if file is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.household_member_add(
                    actor=request.user,
                    file=file,
                    name=request.POST.get("name", ""),
                    relation=request.POST.get("relation", ""),
                    birth_year=request.POST.get("birth_year") or None,
                )
                messages.success(request, _("Household member added."))
            except (ValidationError, PermissionDenied, ValueError) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:assistance_hardshipfile_change", args=[pk]))

    def status_view(self, request, pk):
        file = self.get_queryset(request).filter(pk=pk).first()
        if file is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.hardship_file_transition(
                    actor=request.user,
                    file=file,
                    to_status=request.POST.get("to_status", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("The file's status was changed."))
            except (ValidationError, PermissionDenied, ValueError) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:assistance_hardshipfile_change", args=[pk]))


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "year", "org", "budget", "is_open", "dashboard")
    list_filter = ("kind", "year", "is_open")
    search_fields = ("code", "name")
    ordering = ("-year", "code")
    fields = (
        "code",
        "name",
        "kind",
        "year",
        "org",
        "budget",
        "starts_on",
        "ends_on",
        "eligibility",
        "school_levels",
        "lower_units_may_apply",
        "notice_days",
        "objection_contact",
        "is_open",
        "note",
    )

    selector = staticmethod(selectors.campaigns_visible_to)

    def has_change_permission(self, request, obj=None):
        # Campaigns above the actor are listed (they apply to them) but changed only below.
        own = getattr(request.user.org, "path", None)
        if obj is not None and (own is None or not obj.org.path.startswith(own)):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "school_levels":
            from django import forms

            from gonghui.assistance.models import SchoolLevel

            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name,
                choices=SchoolLevel.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.campaign_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.campaign_update(actor=actor, campaign=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.group_relief_delete(actor=actor, relief=obj)

    @admin.display(description=gettext_lazy("Figures"))
    def dashboard(self, obj):
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a> · <a href="{}?campaign={}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:assistance_campaign_dashboard", args=[obj.pk]),
            _("Dashboard"),
            reverse("admin:assistance_grant_approvals"),
            obj.pk,
            _("Approvals"),
            reverse("admin:assistance_campaign_notice", args=[obj.pk]),
            _("Public notice"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/dashboard/",
                view(self.dashboard_view),
                name="assistance_campaign_dashboard",
            ),
            path(
                "<int:pk>/dashboard.xlsx",
                view(self.dashboard_export),
                name="assistance_campaign_dashboard_export",
            ),
            path("<int:pk>/notice/", view(self.notice_view), name="assistance_campaign_notice"),
            path(
                "<int:pk>/notice.xlsx",
                view(self.notice_export),
                name="assistance_campaign_notice_export",
            ),
            *super().get_urls(),
        ]

    def _campaign(self, request, pk):
        if not request.user.has_perm("assistance.view_campaign"):
            raise PermissionDenied
        try:
            return selectors.campaign_get(request.user, pk)
        except NotFound:
            raise Http404 from None

    def _board(self, request, campaign):
        root = None
        if request.GET.get("org"):
            root = (
                scope(Org.objects.all(), request.user, None).filter(pk=request.GET["org"]).first()
            )
        return selectors.campaign_dashboard(request.user, campaign, root)

    def dashboard_view(self, request, pk):
        campaign = self._campaign(request, pk)
        board = self._board(request, campaign)
        return TemplateResponse(
            request,
            "assistance/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "board": board,
                "campaign": campaign,
                "title": str(campaign),
            },
        )

    def dashboard_export(self, request, pk):
        campaign = self._campaign(request, pk)
        board = self._board(request, campaign)
        return download(exports.campaign_dashboard_xlsx(board), f"{campaign.name}-统计.xlsx")

    def notice_view(self, request, pk):
        campaign = self._campaign(request, pk)
        notice = selectors.notice_of(request.user, campaign)
        return TemplateResponse(
            request,
            "assistance/notice.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "notice": notice,
                "rows": notice.rows,
                "campaign": campaign,
                "title": _("Public notice: %(c)s") % {"c": campaign.name},
                "total": notice.total,
            },
        )

    def notice_export(self, request, pk):
        campaign = self._campaign(request, pk)
        notice = selectors.notice_of(request.user, campaign)
        return download(exports.notice_xlsx(notice), f"{campaign.name}-公示名单.xlsx")


@admin.register(AmountStandard)
class AmountStandardAdmin(ScopedAdmin):
    list_display = ("campaign", "category", "school_level", "max_amount")
    list_filter = ("campaign",)
    fields = ("campaign", "category", "school_level", "max_amount")

    selector = staticmethod(selectors.standards_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = scope(Campaign.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        return services.standard_set(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        data = {
            "campaign": obj.campaign,
            "category": obj.category,
            "school_level": obj.school_level,
            "max_amount": obj.max_amount,
            **changes,
        }
        return services.standard_set(actor=actor, **data)

    def service_delete(self, actor, obj):
        return services.standard_delete(actor=actor, standard=obj)


class GrantCampaignFilter(admin.SimpleListFilter):
    title = gettext_lazy("Campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        return [(c.pk, str(c)) for c in selectors.campaigns_visible_to(request.user)[:100]]

    def queryset(self, request, queryset):
        return queryset.filter(campaign_id=self.value()) if self.value() else queryset


@admin.register(Grant)
class GrantAdmin(ScopedAdmin):
    list_display = (
        "person",
        "masked_id",
        "campaign",
        "org",
        "amount_display",
        "category",
        "status",
    )
    list_filter = (GrantCampaignFilter, "status", "category", "school_level")
    search_fields = ("person__name", "student_name")
    ordering = ("-created_at", "-id")
    actions = (
        "submit_selected",
        "review_selected",
        "notice_selected",
        "approve_selected",
        "pay_selected",
    )
    change_form_template = "assistance/grant_change_form.html"
    readonly_fields = (
        "campaign",
        "person",
        "org",
        "category",
        "eligibility_group",
        "student_name",
        "school",
        "school_level",
        "entry_year",
        "cash_amount",
        "goods_value",
        "bank_name",
        "bank_account_last4",
        "status",
        "reason",
        "noticed_on",
        "notice_ends_on",
        "approved_at",
        "paid_on",
        "payment_reference",
        "payment_batch",
    )
    fields = (*readonly_fields, "note")

    selector = staticmethod(selectors.grants_visible_to)

    def service_update(self, actor, obj, changes):
        from gonghui.core.services import record_update

        return record_update(actor=actor, instance=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("ID number"))
    def masked_id(self, obj):
        return masked_id_number(obj.person)

    @admin.display(description=gettext_lazy("Amount (yuan)"))
    def amount_display(self, obj):
        return obj.amount

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/", view(self.new_view), name="assistance_grant_new"),
            path("new/lookup/", view(self.lookup_view), name="assistance_grant_lookup"),
            path("<int:pk>/step/", view(self.step_view), name="assistance_grant_step"),
            path("approvals/", view(self.approvals_view), name="assistance_grant_approvals"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:assistance_grant_new"))

    def new_view(self, request):
        if not request.user.has_perm("assistance.add_grant"):
            raise PermissionDenied
        form = GrantAddForm(request.POST or None)
        campaigns = selectors.campaigns_visible_to(request.user).filter(is_open=True)
        form.fields["campaign"].queryset = campaigns
        form.fields["org"].queryset = _orgs(request)
        form.fields["org"].initial = getattr(request.user.org, "pk", None)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                person = person_from_form(
                    request.user, data.pop("id_number_text"), data.pop("person")
                )
                draft = services.grant_create(
                    actor=request.user,
                    person=person,
                    campaign=data.pop("campaign"),
                    org=data.pop("org"),
                    **data,
                )
            except (ValidationError, NotFound, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                for warning in draft.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request, _("Application saved as a draft; submit it when it is complete.")
                )
                return HttpResponseRedirect(
                    reverse("admin:assistance_grant_change", args=[draft.grant.pk])
                )
        return TemplateResponse(
            request,
            "assistance/grant_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": _("New grant application"),
                # What each campaign asks for, so the form shows only those fields.
                "campaign_kinds": {
                    str(c.pk): {
                        "school": c.kind == Campaign.Kind.SCHOOL_AID,
                        "groups": c.eligibility == Campaign.Eligibility.ON_FILE_OR_GROUPS,
                    }
                    for c in campaigns
                },
            },
        )

    def lookup_view(self, request):
        """The application form's live answers (``selectors.person_lookup``) as JSON."""
        if not request.user.has_perm("assistance.add_grant"):
            raise PermissionDenied
        campaign = None
        if record_id(request.GET.get("campaign")) is not None:
            campaign = (
                selectors.campaigns_visible_to(request.user)
                .filter(pk=record_id(request.GET["campaign"]))
                .first()
            )
        return _lookup_answer(request, campaign)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        grant = (
            self.get_queryset(request).filter(pk=object_id).first()
            if record_id(object_id) is not None
            else None
        )
        if grant is not None:
            steps = [
                (step.name, step.label) for step in selectors.grant_next_steps(request.user, grant)
            ]
            extra.update(
                grant=grant,
                steps=steps,
                masked_id=masked_id_number(grant.person),
                progress=selectors.grant_progress(request.user, grant),
            )
        return super().change_view(request, object_id, form_url, extra)

    def approvals_view(self, request):
        """The 审批 page: the grant workflow's tabs (待审核, 公示中, 可批准, 待发放…), one
        campaign or all, the ticked grants taken one step at once."""
        if not request.user.has_perm("assistance.view_grant"):
            raise PermissionDenied
        params = request.POST if request.method == "POST" else request.GET
        campaigns = selectors.campaigns_visible_to(request.user).order_by("-year", "code")
        campaign = None
        if record_id(params.get("campaign")) is not None:
            campaign = campaigns.filter(pk=record_id(params["campaign"])).first()
        tab = params.get("tab") or params.get("todo") or ""
        if request.method == "POST":
            batch = self._approvals_step(request)
            if batch is not None:  # the bank file is fetched from the batch
                return HttpResponseRedirect(
                    reverse("admin:assistance_paymentbatch_change", args=[batch.pk])
                )
            query = {"tab": tab, "after": 1, **({"campaign": campaign.pk} if campaign else {})}
            return HttpResponseRedirect(
                reverse("admin:assistance_grant_approvals") + "?" + urlencode(query)
            )
        board = selectors.grant_queues(
            request.user, campaign=campaign, key=tab, page=request.GET.get("page", 1)
        )
        if request.GET.get("after") and board["tab"] is not None and not board["tab"]["count"]:
            # The step emptied its tab: follow the work to the next tab that holds some.
            board = selectors.grant_queues(request.user, campaign=campaign)
        rows = [
            {
                "pk": row["obj"].pk,
                "url": reverse("admin:assistance_grant_change", args=[row["obj"].pk]),
                "cells": self._approval_cells(row["obj"]),
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
                "title": _("Grant approvals"),
                "board": board,
                "rows": rows,
                "headers": [
                    _("Recipient"),
                    _("ID number"),
                    _("Applying union"),
                    _("Campaign"),
                    _("Category"),
                    _("Amount (yuan)"),
                    _("Status"),
                ],
                "filters": [
                    {
                        "name": "campaign",
                        "label": _("Campaign"),
                        "all": _("All campaigns"),
                        "choices": [(c.pk, str(c)) for c in campaigns[:200]],
                        "value": campaign.pk if campaign else "",
                    }
                ],
                "keep": {"campaign": campaign.pk} if campaign else {},
                "total": board.get("total"),
            },
        )

    def _approval_cells(self, grant):
        return [
            grant.person.name,
            masked_id_number(grant.person),
            grant.org.name,
            grant.campaign.name,
            grant.get_category_display() or grant.get_eligibility_group_display(),
            grant.amount,
            grant.get_status_display()
            + (
                "（" + _("rejected: %(r)s") % {"r": grant.reason} + "）"
                if grant.status == Grant.Status.REJECTED and grant.reason
                else ""
            ),
        ]

    def _approvals_step(self, request):
        step = request.POST.get("step", "")
        ids = [n for n in map(record_id, request.POST.getlist("ids")) if n is not None]
        grants = list(
            self.get_queryset(request)
            .filter(pk__in=ids)
            .select_related("person", "campaign__org", "org")
        )
        if not grants:
            messages.error(request, _("Tick the applications first."))
            return
        if step == "pay":
            if len({g.campaign_id for g in grants}) != 1:
                messages.error(request, _("A batch holds grants of one campaign only."))
                return
            try:
                batch = services.payment_batch_create(
                    actor=request.user, campaign=grants[0].campaign, grants=grants
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
                return
            messages.success(
                request,
                _(
                    "Payment batch %(batch)s made with %(n)d grants: download the bank file "
                    "from the batch, and mark it paid when the bank confirms."
                )
                % {"batch": batch, "n": len(grants)},
            )
            return batch
        # The reason box belongs to 退回 and 撤回: typed and then 审核 taken, it is not kept.
        needs_reason = any(s.name == step and s.needs_reason for s in services.GRANT.steps)
        try:
            done = services.grants_take_step(
                actor=request.user,
                grants=grants,
                step=step,
                reason=request.POST.get("reason", "") if needs_reason else "",
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        first = Grant.objects.select_related("campaign__org", "org").get(pk=grants[0].pk)
        messages.success(
            request,
            _("%(n)d grants %(step)s.") % {"n": done, "step": services.STEP_NAMES.get(step, step)}
            + " "
            + services.GRANT.next_hint(first),
        )

    def step_view(self, request, pk):
        grant = self.get_queryset(request).filter(pk=pk).first()
        if grant is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method == "POST":
            try:
                services.grant_transition(
                    actor=request.user,
                    grant=grant,
                    step=request.POST.get("step", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Done."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:assistance_grant_change", args=[pk]))

    def _bulk(self, request, queryset, step):
        try:
            done = services.grants_take_step(actor=request.user, grants=list(queryset), step=step)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        messages.success(
            request, _("%(n)d grants %(step)s.") % {"n": done, "step": services.STEP_NAMES[step]}
        )

    @admin.action(description=gettext_lazy("Submit the selected applications"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=gettext_lazy("Mark the selected applications reviewed"))
    def review_selected(self, request, queryset):
        self._bulk(request, queryset, "review")

    @admin.action(description=gettext_lazy("Put the selected grants on public notice"))
    def notice_selected(self, request, queryset):
        self._bulk(request, queryset, "notice")

    @admin.action(description=gettext_lazy("Approve the selected grants"))
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Pay the selected grants (make a payment batch)"))
    def pay_selected(self, request, queryset):
        grants = list(queryset.select_related("campaign"))
        campaigns = {g.campaign_id for g in grants}
        if len(campaigns) != 1:
            messages.error(request, _("A batch holds grants of one campaign only."))
            return None
        try:
            batch = services.payment_batch_create(
                actor=request.user, campaign=grants[0].campaign, grants=grants
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return None
        return HttpResponseRedirect(
            reverse("admin:assistance_paymentbatch_change", args=[batch.pk])
        )


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ScopedAdmin):
    list_display = ("__str__", "campaign", "count", "total", "status", "paid_on", "created_at")
    list_filter = ("status",)
    ordering = ("-created_at",)
    change_form_template = "assistance/batch_change_form.html"
    readonly_fields = (
        "campaign",
        "org",
        "count",
        "total",
        "status",
        "paid_on",
        "reference",
        "created_at",
    )
    fields = readonly_fields

    selector = staticmethod(selectors.batches_visible_to)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        batch = (
            self.get_queryset(request).filter(pk=object_id).first()
            if record_id(object_id) is not None
            else None
        )
        if batch is not None:
            extra.update(
                batch=batch,
                grants=batch.grants.select_related("person", "org"),
                paid_form=PaidForm(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/bank.xlsx", view(self.bank_file_view), name="assistance_paymentbatch_bank"
            ),
            path("<int:pk>/paid/", view(self.paid_view), name="assistance_paymentbatch_paid"),
            *super().get_urls(),
        ]

    def bank_file_view(self, request, pk):
        batch = get_object_or_404(self.get_queryset(request), pk=pk)
        content = services.payment_batch_bank_file(actor=request.user, batch=batch)
        return download(content, f"代发明细-{batch.campaign.code}-{batch.pk}.xlsx", personal=True)

    def paid_view(self, request, pk):
        batch = get_object_or_404(self.get_queryset(request), pk=pk)
        form = PaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_batch_mark_paid(
                    actor=request.user, batch=batch, **form.cleaned_data
                )
                messages.success(request, _("The batch is recorded as paid."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Give the payment date and the bank's reference."))
        return HttpResponseRedirect(reverse("admin:assistance_paymentbatch_change", args=[pk]))


@admin.register(GroupRelief)
class GroupReliefAdmin(ScopedAdmin):
    form = GroupReliefForm
    list_display = (
        "campaign",
        "org",
        "date",
        "headcount",
        "cash_amount",
        "goods_value",
        "photo_link",
    )
    list_filter = ("campaign",)
    ordering = ("-date",)
    fields = (
        "campaign",
        "org",
        "date",
        "headcount",
        "cash_amount",
        "goods_value",
        "note",
        "photo_upload",
    )

    selector = staticmethod(selectors.reliefs_visible_to)

    def get_urls(self):
        return [
            path(
                "<int:pk>/photo/",
                self.admin_site.admin_view(self.photo_view),
                name="assistance_grouprelief_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, pk):
        """Photos are served through the scope, as pictures (checked by their bytes) only."""
        relief = get_object_or_404(self.get_queryset(request).select_related("photo"), pk=pk)
        if relief.photo is None:
            raise Http404
        return stored_file_response(relief.photo, inline=True)

    @admin.display(description=gettext_lazy("Photo"))
    def photo_link(self, obj):
        from django.utils.html import format_html

        if not obj.photo_id:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:assistance_grouprelief_photo", args=[obj.pk]),
            _("View"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = selectors.campaigns_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        data = dict(data)
        return services.group_relief_create(
            actor=actor,
            campaign=data.pop("campaign"),
            org=data.pop("org"),
            photo=data.pop("photo_upload", None),
            **data,
        )

    def service_update(self, actor, obj, changes):
        changes = dict(changes)
        if "photo_upload" in changes:
            changes["photo"] = changes.pop("photo_upload")
        return services.group_relief_update(actor=actor, relief=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.group_relief_delete(actor=actor, relief=obj)
