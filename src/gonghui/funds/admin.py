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

from gonghui.core.admin import NoModelCheck, ScopedAdmin, download, error_text
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.funds import selectors, services
from gonghui.funds.exports import arrears_xlsx, balances_xlsx
from gonghui.funds.models import Channel, FundContribution, JournalEntry, SplitPolicy
from gonghui.orgs.selectors import org_choices


class ServiceChecked(NoModelCheck, forms.ModelForm):
    """The services check every rule and say it in Chinese."""


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
        widgets = {"period": forms.DateInput(attrs={"type": "date"})}


class CollectForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount collected (yuan)"), max_digits=14, decimal_places=2)
    collected_on = forms.DateField(
        label=_("Collected on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)


class AssessForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    period = forms.DateField(
        label=_("Month"),
        help_text=_("Any day of the month: every employer with a payroll is assessed for it."),
        widget=forms.DateInput(attrs={"type": "date"}),
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
        today = timezone.localdate()
        org = request.user.org
        rows = selectors.arrears_by_employer(request.user, org, today)
        title = f"{org.name}欠缴工会经费单位清单（截至{today:%Y年%m月%d日}）"
        return download(arrears_xlsx(rows, title), f"欠缴工会经费单位清单-{today:%Y%m%d}.xlsx")


class BalancesForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    on = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    own = forms.BooleanField(
        label=_("This union's own books only (not its subtree's)"), required=False
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
            extra.update(entry=found, postings=selectors.postings_visible_to(request.user, found))
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
