"""The funds area's pages: the employers' months (assess a month, record a payment, the arrears
list), the journal with each union's lines and the balances of its accounts, and the split
policies."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.admin import (
    PaidForm,
    ScopedAdmin,
    ServiceChecked,
    StartsFromOwnOrg,
    StepPages,
    download,
    error_text,
)
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.core.scoping import org_in_scope
from gonghui.core.selectors import workflow_progress
from gonghui.funds import selectors, services
from gonghui.funds.exports import arrears_xlsx, balances_xlsx
from gonghui.funds.models import (
    Allocation,
    Channel,
    DuesReport,
    FundContribution,
    FundRefund,
    JournalEntry,
    RefundBatch,
    RefundPolicy,
    SplitPolicy,
)
from gonghui.orgs.selectors import employers_visible_to, org_choices


@admin.register(SplitPolicy)
class SplitPolicyAdmin(ScopedAdmin):
    """A region's split of the 2%: public numbers, recorded by platform administrators."""

    form = ServiceChecked
    list_display = (
        "region_code",
        "effective_from",
        "effective_to",
        "grassroots",
        "township",
        "county",
        "city",
        "province",
        "national",
    )
    fields = (
        "region_code",
        "effective_from",
        "effective_to",
        "grassroots",
        "township",
        "county",
        "city",
        "province",
        "national",
        "note",
    )
    ordering = ("region_code", "-effective_from")
    selector = staticmethod(selectors.split_policies_visible_to)
    public = True

    def service_create(self, actor, data):
        return services.split_policy_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.split_policy_update(actor=actor, policy=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False  # a split ends by its end date: what was split by it stays explained


class ArrearsFilter(admin.SimpleListFilter):
    title = gettext_lazy("Arrears")
    parameter_name = "arrears"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue and not fully paid")), ("paid", _("Fully paid")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.in_arrears(timezone.localdate()))
        if self.value() == "paid":
            return queryset.filter(collected__gte=F("due"), due__gt=0)
        return queryset


class ContributionForm(ServiceChecked):
    class Meta:
        model = FundContribution
        fields = ("employer", "period", "payroll")
        widgets = {"period": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class CollectForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount collected (yuan)"), max_digits=14, decimal_places=2
    )
    collected_on = forms.DateField(
        label=gettext_lazy("Collected on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)


class AssessForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=None)
    period = forms.DateField(
        label=gettext_lazy("Month"),
        help_text=gettext_lazy(
            "Any day of the month: every employer with a payroll is assessed for it."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import Org

        self.fields["org"].queryset = org_choices(actor, max_level=Org.Level.TOWNSHIP)


@admin.register(FundContribution)
class FundContributionAdmin(ScopedAdmin):
    form = ContributionForm
    list_display = (
        "employer",
        "month",
        "levy",
        "payroll",
        "due",
        "collected",
        "outstanding_yuan",
        "channel",
        "collected_on",
        "org",
    )
    list_filter = (ArrearsFilter, "levy", "channel", "period")
    search_fields = ("employer__name", "employer__uscc")
    autocomplete_fields = ("employer",)
    ordering = ("-period", "employer__name")
    change_form_template = "funds/contribution_change_form.html"
    change_list_template = "funds/contribution_change_list.html"
    selector = staticmethod(selectors.contributions_visible_to)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            # A sibling's employer answers like a missing one ("select a valid choice").
            kwargs["queryset"] = employers_visible_to(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("employer", "period", "payroll")
        return (
            "employer",
            "org",
            "period",
            "levy",
            "payroll",
            "due",
            "collected",
            "collected_on",
            "channel",
            "share_grassroots",
            "share_township",
            "share_county",
            "share_city",
            "share_province",
            "share_national",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return tuple(f for f in self.get_fields(request, obj) if f != "payroll")

    @admin.display(description=gettext_lazy("Month"), ordering="period")
    def month(self, obj):
        return f"{obj.period:%Y-%m}"

    @admin.display(description=gettext_lazy("Outstanding (yuan)"))
    def outstanding_yuan(self, obj):
        return obj.outstanding

    def service_create(self, actor, data):
        return services.contribution_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.contribution_update(actor=actor, contribution=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.contribution_delete(actor=actor, contribution=obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.collected)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/collect/", view(self.collect_view), name="funds_contribution_collect"),
            path("assess/", view(self.assess_view), name="funds_contribution_assess"),
            path("arrears.xlsx", view(self.arrears_view), name="funds_contribution_arrears"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        extra["may_assess"] = request.user.has_perm("funds.add_fundcontribution")
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                contribution=found,
                entries=selectors.entries_visible_to(request.user)
                .filter(source_type__model="fundcontribution", source_id=found.pk)
                .order_by("date", "id"),
                collect_form=CollectForm(
                    initial={
                        "amount": found.outstanding,
                        "collected_on": timezone.localdate(),
                        "channel": Channel.TAX,
                    }
                )
                if found.outstanding and request.user.has_perm("funds.change_fundcontribution")
                else None,
            )
        return super().change_view(request, object_id, form_url, extra)

    def collect_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        back = reverse("admin:funds_fundcontribution_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        form = CollectForm(request.POST)
        if not form.is_valid():
            said = "；".join(f"{form[k].label}：{' '.join(v)}" for k, v in form.errors.items())
            messages.error(request, said)
            return HttpResponseRedirect(back)
        try:
            services.contribution_collect(
                actor=request.user, contribution=found, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(amount)s yuan recorded, split between the levels and posted.")
                % {"amount": form.cleaned_data["amount"]},
            )
        return HttpResponseRedirect(back)

    def assess_view(self, request):
        """生成应缴: a month assessed for every employer of a union's subtree."""
        if not request.user.has_perm("funds.add_fundcontribution"):
            raise PermissionDenied
        today = timezone.localdate()
        form = AssessForm(
            request.user,
            request.POST or None,
            initial={"org": request.user.org_id, "period": today.replace(day=1)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                n = services.contributions_assess(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied, NotFound) as exc:
                form.add_error(None, error_text(exc))
            else:
                month = form.cleaned_data["period"].replace(day=1)
                messages.success(
                    request,
                    _("%(n)d employers assessed for %(month)s.")
                    % {"n": n, "month": f"{month:%Y-%m}"},
                )
                return HttpResponseRedirect(
                    reverse("admin:funds_fundcontribution_changelist")
                    + f"?period__exact={month:%Y-%m-%d}"
                )
        return TemplateResponse(
            request,
            "funds/assess.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": _("Assess a month's union funds"),
            },
        )

    def arrears_view(self, request):
        if not request.user.has_perm("funds.view_fundcontribution") or request.user.org is None:
            raise PermissionDenied
        today = timezone.localdate()
        org = request.user.org
        rows = selectors.arrears_by_employer(request.user, org, today)
        title = f"{org.name}欠缴工会经费单位清单（截至{today:%Y年%m月%d日}）"
        return download(arrears_xlsx(rows, title), f"欠缴工会经费单位清单-{today:%Y%m%d}.xlsx")


class BalancesForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=None)
    on = forms.DateField(
        label=gettext_lazy("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    own = forms.BooleanField(
        label=gettext_lazy("This union's own books only (not its subtree's)"), required=False
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices(actor)


@admin.register(JournalEntry)
class JournalEntryAdmin(ScopedAdmin):
    """The journal is written by the services that move money, never by hand: read-only."""

    list_display = ("date", "kind", "memo", "org")
    list_filter = ("kind",)
    search_fields = ("memo",)
    date_hierarchy = "date"
    ordering = ("-date", "-id")
    fields = ("date", "kind", "memo", "org", "created_at")
    readonly_fields = fields
    change_form_template = "funds/entry_change_form.html"
    change_list_template = "funds/entry_change_list.html"
    selector = staticmethod(selectors.entries_visible_to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("balances/", view(self.balances_view), name="funds_journal_balances"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                entry=found,
                lines=[
                    (p, p.amount if p.amount > 0 else "", -p.amount if p.amount < 0 else "")
                    for p in selectors.postings_visible_to(request.user, found)
                ],
            )
        return super().change_view(request, object_id, form_url, extra)

    def balances_view(self, request):
        """科目余额表: the balances of a union's accounts (or its subtree's) on a day."""
        if not request.user.has_perm("funds.view_journalentry"):
            raise PermissionDenied
        today = timezone.localdate()
        form = BalancesForm(
            request.user,
            request.GET or None,
            initial={"org": request.user.org_id, "on": today},
        )
        org, on, own = request.user.org, today, False
        if request.GET and form.is_valid():
            org, on, own = (form.cleaned_data[k] for k in ("org", "on", "own"))
        elif request.GET:
            messages.error(request, _("Choose a union of yours and a date."))
        org = get_object_or_404(org_choices(request.user), pk=org.pk)
        rows = selectors.account_balances(request.user, org, on, own=own)
        title = f"{org.name}{'' if own else '（含下级）'}科目余额表（截至{on:%Y年%m月%d日}）"
        if request.GET.get("format") == "xlsx":
            return download(balances_xlsx(rows, title), f"科目余额表-{on:%Y%m%d}.xlsx")
        return TemplateResponse(
            request,
            "funds/balances.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "rows": rows,
                "title": title,
                "query": request.GET.urlencode(),
            },
        )


@admin.register(RefundPolicy)
class RefundPolicyAdmin(ScopedAdmin):
    """A region's refund rule: public numbers, recorded by platform administrators."""

    form = ServiceChecked
    list_display = (
        "region_code",
        "effective_from",
        "effective_to",
        "max_headcount",
        "requires_union",
        "requires_full_payment",
        "percent",
    )
    fields = services.REFUND_FIELDS
    ordering = ("region_code", "-effective_from")
    selector = staticmethod(selectors.refund_policies_visible_to)
    public = True

    def service_create(self, actor, data):
        return services.refund_policy_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.refund_policy_update(actor=actor, policy=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        return False


class RefundDraftForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=None)
    period_from = forms.DateField(
        label=gettext_lazy("From month"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=gettext_lazy("To month"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import Org

        self.fields["org"].queryset = org_choices(actor, max_level=Org.Level.TOWNSHIP)


class RefundForm(ServiceChecked):
    # Write-only: the stored account is encrypted and shown by its last four digits.
    bank_account_text = forms.CharField(
        label=gettext_lazy("Bank account"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Leave empty to keep the account recorded."),
    )

    class Meta:
        model = FundRefund
        fields = ("bank_name",)


@admin.register(FundRefund)
class FundRefundAdmin(ScopedAdmin):
    form = RefundForm
    list_display = (
        "employer",
        "org",
        "months",
        "paid",
        "amount",
        "status",
        "batch",
        "paid_on",
    )
    list_filter = ("status", "period_from")
    search_fields = ("employer__name", "employer__uscc")
    ordering = ("-period_from", "employer__name")
    selector = staticmethod(selectors.refunds_visible_to)
    actions = ("approve_selected", "reject_selected", "batch_selected")
    change_list_template = "funds/refund_change_list.html"
    change_form_template = "funds/refund_change_form.html"
    SHOWN = (
        "employer",
        "org",
        "policy",
        "period_from",
        "period_to",
        "paid",
        "amount",
        "bank_name",
        "bank_account_last4",
        "status",
        "reason",
        "batch",
        "paid_on",
        "payment_reference",
    )

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == FundRefund.Status.DRAFT:
            return (*self.SHOWN[:8], "bank_account_text", *self.SHOWN[8:])
        return self.SHOWN

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == FundRefund.Status.DRAFT:
            return tuple(f for f in self.SHOWN if f != "bank_name")
        return self.SHOWN

    def has_add_permission(self, request):
        return False  # drafted for every eligible employer at once (the 生成返还名单 page)

    def has_delete_permission(self, request, obj=None):
        return False  # rejected with a reason instead: the months are released

    @admin.display(description=gettext_lazy("Months"))
    def months(self, obj):
        return f"{obj.period_from:%Y-%m}—{obj.period_to:%Y-%m}"

    def service_update(self, actor, obj, changes):
        if "bank_account_text" in changes:
            text = changes.pop("bank_account_text")
            if text:
                changes["bank_account"] = text
        return services.refund_update(actor=actor, refund=obj, changes=changes)

    def _step(self, request, queryset, step, reason=""):
        try:
            done = services.refund_take_step(
                actor=request.user, refunds=list(queryset), step=step, reason=reason
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(
                request, _("Nothing was changed: %(reason)s") % {"reason": error_text(exc)}
            )
            return
        messages.success(
            request,
            _("%(n)d refunds %(step)s.")
            % {"n": done, "step": next(s.done for s in services.REFUND.steps if s.name == step)},
        )

    @admin.action(description=gettext_lazy("Approve the selected refunds"))
    def approve_selected(self, request, queryset):
        self._step(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Reject the selected refunds (their months are freed)"))
    def reject_selected(self, request, queryset):
        self._step(request, queryset, "reject", _("Rejected from the list"))

    @admin.action(description=gettext_lazy("Pay the selected refunds (make a payment batch)"))
    def batch_selected(self, request, queryset):
        try:
            batch = services.refund_batch_create(
                actor=request.user, org=request.user.org, refunds=list(queryset)
            )
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return None
        return HttpResponseRedirect(reverse("admin:funds_refundbatch_change", args=[batch.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("draft/", view(self.draft_view), name="funds_refund_draft"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        extra["may_draft"] = request.user.has_perm("funds.add_fundrefund")
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                refund=found,
                progress=workflow_progress(request.user, found, services.REFUND),
                months=selectors.refund_months(request.user, found),
            )
        return super().change_view(request, object_id, form_url, extra)

    def draft_view(self, request):
        """生成返还名单: the refunds of a span of months for every eligible employer."""
        if not request.user.has_perm("funds.add_fundrefund"):
            raise PermissionDenied
        today = timezone.localdate()
        form = RefundDraftForm(
            request.user,
            request.POST or None,
            initial={"org": request.user.org_id, "period_from": today.replace(month=1, day=1)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.refunds_draft(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied, NotFound) as exc:
                form.add_error(None, error_text(exc))
            else:
                total = sum((r.amount for r in draft.created), 0)
                messages.success(
                    request,
                    _(
                        "%(n)d refunds drafted, %(total)s yuan in all: record each employer's "
                        "bank account, approve them, then pay."
                    )
                    % {"n": len(draft.created), "total": total},
                )
                for line in draft.skipped[:20]:
                    messages.warning(request, line)
                if len(draft.skipped) > 20:
                    messages.warning(
                        request,
                        _("And %(n)d more employers left out.") % {"n": len(draft.skipped) - 20},
                    )
                return HttpResponseRedirect(
                    reverse("admin:funds_fundrefund_changelist") + "?status__exact=draft"
                )
        return TemplateResponse(
            request,
            "funds/refund_draft.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": _("Draft the refunds to small and micro enterprises"),
            },
        )


@admin.register(RefundBatch)
class RefundBatchAdmin(ScopedAdmin):
    list_display = ("__str__", "refunds", "refunded", "status", "paid_on", "created_at")
    list_filter = ("status",)
    ordering = ("-created_at",)
    change_form_template = "funds/refund_batch_change_form.html"
    readonly_fields = (
        "org",
        "refunds",
        "refunded",
        "status",
        "paid_on",
        "reference",
        "created_at",
    )
    fields = readonly_fields
    selector = staticmethod(selectors.refund_batches_visible_to)

    # The batch's columns say grants (帮扶发放) for every kind of payment: said here for refunds.
    @admin.display(description=gettext_lazy("Refunds in the batch"))
    def refunds(self, obj):
        return obj.count

    @admin.display(description=gettext_lazy("Refunded (yuan)"))
    def refunded(self, obj):
        return obj.total

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
                rows=batch.refunds.select_related("employer", "org"),
                paid_form=PaidForm(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/bank.xlsx", view(self.bank_file_view), name="funds_refundbatch_bank"),
            path("<int:pk>/paid/", view(self.paid_view), name="funds_refundbatch_paid"),
            *super().get_urls(),
        ]

    def _batch(self, request, pk):
        return self.get_queryset(request).filter(pk=record_id(pk)).first()

    def bank_file_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        try:
            content = services.refund_batch_bank_file(actor=request.user, batch=batch)
        except (PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("admin:funds_refundbatch_change", args=[pk]))
        return download(content, f"经费返还代发明细-{batch.pk}.xlsx", personal=True)

    def paid_view(self, request, pk):
        batch = self._batch(request, pk)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        form = PaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.refund_batch_mark_paid(
                    actor=request.user, batch=batch, **form.cleaned_data
                )
                messages.success(request, _("The batch is recorded as paid."))
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Give the payment date and the bank's reference."))
        return HttpResponseRedirect(reverse("admin:funds_refundbatch_change", args=[pk]))


class AllocationForm(ServiceChecked):
    class Meta:
        model = Allocation
        fields = ("org", "recipient", "purpose", "service_point", "amount", "note")


class AllocationStepForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)
    paid_on = forms.DateField(label=gettext_lazy("Paid on"))
    reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=60)


@admin.register(Allocation)
class AllocationAdmin(StartsFromOwnOrg, StepPages, ScopedAdmin):
    form = AllocationForm
    list_display = ("recipient", "purpose", "amount", "org", "status", "paid_on")
    list_filter = ("status", "purpose", "paid_on")
    search_fields = ("recipient__name", "note")
    fields = ("org", "recipient", "purpose", "service_point", "amount", "note")
    selector = staticmethod(selectors.allocations_visible_to)
    step_form = AllocationStepForm
    step_fields = {"pay": ("paid_on", "reference"), "approve": (), "cancel": ()}
    workflow = services.ALLOCATION
    change_form_template = "funds/allocation_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status != Allocation.Status.DRAFT or not org_in_scope(request.user, obj.org):
            return self.fields  # paid, or given by the union above: read only
        return ("org",)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None
            or (obj.status == Allocation.Status.DRAFT and org_in_scope(request.user, obj.org))
        )

    def service_create(self, actor, data):
        return services.allocation_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.allocation_update(actor=actor, allocation=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.allocation_delete(actor=actor, allocation=obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="funds_allocation_step"),
            *super().get_urls(),
        ]

    def take_step(self, request, found, step, values, reason):
        return services.allocation_transition(
            actor=request.user, allocation=found, step=step, reason=reason, **values
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                allocation=found,
                progress=workflow_progress(request.user, found, services.ALLOCATION),
                step_url=reverse("admin:funds_allocation_step", args=[found.pk]),
                today=timezone.localdate(),
            )
        return super().change_view(request, object_id, form_url, extra)


class DuesForm(ServiceChecked):
    class Meta:
        model = DuesReport
        fields = ("org", "period", "members", "amount", "collected_on")
        widgets = {
            "period": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "collected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


@admin.register(DuesReport)
class DuesReportAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = DuesForm
    list_display = ("org", "month", "members", "amount", "collected_on")
    list_filter = ("period",)
    search_fields = ("org__name",)
    fields = ("org", "period", "members", "amount", "collected_on")
    selector = staticmethod(selectors.dues_reports_visible_to)

    @admin.display(description=gettext_lazy("Month"), ordering="period")
    def month(self, obj):
        return f"{obj.period:%Y-%m}"

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # posted: a wrong report is corrected by the next one, not erased

    def service_create(self, actor, data):
        return services.dues_report_create(actor=actor, **data)
