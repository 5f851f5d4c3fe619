"""The member back office: the roster, a member's page, transfers, and the export."""

from __future__ import annotations

import io

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import exportjobs
from gonghui.core.admin import ScopedAdmin, download, error_text
from gonghui.core.errors import NotFound
from gonghui.core.scoping import org_in_scope, scope
from gonghui.members import exports, selectors, services
from gonghui.members.forms import (
    AnswerForm,
    PersonAddForm,
    PersonChangeForm,
    TransferStartForm,
    TransitionForm,
)
from gonghui.members.models import Membership, MembershipTransfer, Person
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_choices


def member_for_form(actor, text: str, field: str):
    """The member an ID number names in the actor's subtree, or a form error on ``field``
    saying so (another work area's form that takes a member by ID number: a trainee, a
    nominee, a child's parent, a loan's applicant)."""
    try:
        return selectors.person_by_id_number(actor, text)
    except NotFound as exc:
        raise ValidationError({field: str(exc)}) from None


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("Membership status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("Current (all but left and expelled)")), *Membership.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "current":
            return queryset.filter(latest_membership__status__in=Membership.CURRENT)
        if value in Membership.Status.values:
            return queryset.filter(latest_membership__status=value)
        return queryset


class EightGroupsFilter(admin.SimpleListFilter):
    """八大群体 as 是/否: the column is a generated one, which Django's own filter would show
    by its field name with True/False."""

    title = gettext_lazy("One of the eight groups")
    parameter_name = "eight_groups"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_eight_groups=self.value() == "yes")
        return queryset


class OrgSubtreeFilter(admin.SimpleListFilter):
    """A union and everything beneath it, among the unions the actor may see."""

    title = gettext_lazy("Union (with the unions beneath)")
    parameter_name = "org"

    def lookups(self, request, model_admin):
        orgs = scope(Org.objects.filter(level__lte=Org.Level.TOWNSHIP), request.user, None)
        own = request.user.org
        rows = [(o.pk, o.name) for o in orgs.order_by("path")[:200]]
        if own is not None and own.level >= Org.Level.TOWNSHIP:
            children = own.children.filter(level=Org.Level.GRASSROOTS).order_by("name")[:200]
            rows += [(o.pk, o.name) for o in children]
        return rows

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        org = scope(Org.objects.all(), request.user, None).filter(pk=self.value()).first()
        if org is None:
            return queryset.none()
        return queryset.filter(latest_membership__org__path__startswith=org.path)


class AgeBandFilter(admin.SimpleListFilter):
    title = gettext_lazy("Age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("0-34", _("Under 35")),
            ("35-44", "35–44"),
            ("45-54", "45–54"),
            ("55-", _("55 and over")),
        ]

    def queryset(self, request, queryset):
        if self.value() in selectors.AGE_BANDS:
            return queryset.filter(selectors.age_band_q(self.value()))
        return queryset


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = (
        "name",
        "masked_id",
        "gender",
        "age",
        "union",
        "status",
        "is_migrant_worker",
    )
    list_filter = (
        OrgSubtreeFilter,
        StatusFilter,
        "gender",
        AgeBandFilter,
        "is_migrant_worker",
        EightGroupsFilter,
        "new_employment_category",
        "education",
        "political_status",
    )
    search_fields = ("name",)  # the search box itself is ``selectors.search_persons``
    search_help_text = gettext_lazy(
        "Name, pinyin initials, full ID number, name with the last four ID characters "
        "(张三1234), phone or card number"
    )
    ordering = ("-id",)
    show_full_result_count = False
    change_form_template = "members/person_change_form.html"
    change_list_template = "members/person_change_list.html"

    selector = staticmethod(selectors.persons_visible_to)

    def get_search_results(self, request, queryset, search_term):
        return selectors.search_persons(queryset, search_term), False

    # -- columns ---------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("ID number"))
    def masked_id(self, obj):
        return selectors.masked_id_number(obj)

    @admin.display(description=gettext_lazy("Age"))
    def age(self, obj):
        today = timezone.localdate()
        born = obj.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @admin.display(description=gettext_lazy("Union"))
    def union(self, obj):
        return obj.latest_membership.org.name if obj.latest_membership_id else ""

    @admin.display(description=gettext_lazy("Membership status"))
    def status(self, obj):
        return obj.latest_membership.get_status_display() if obj.latest_membership_id else ""

    # -- forms -----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PersonChangeForm if obj is not None else PersonAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["org"].queryset = org_choices(
                request.user, min_level=Org.Level.TOWNSHIP
            )
            if request.user.org is not None:
                form.base_fields["org"].initial = request.user.org.pk
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (
                    None,
                    {
                        "fields": (
                            "name",
                            "id_number_text",
                            "phone_text",
                            "org",
                            "joined_on",
                            "status",
                            "employer_name",
                            "card_number",
                        )
                    },
                ),
                (gettext_lazy("Particulars"), {"fields": services.PARTICULARS}),
            )
        return (
            (None, {"fields": ("name", "new_phone", "card_number")}),
            (gettext_lazy("Particulars"), {"fields": services.PARTICULARS}),
        )

    def service_create(self, actor, data):
        membership = services.member_register(
            actor=actor,
            org=data["org"],
            id_number=data["id_number_text"],
            name=data["name"],
            joined_on=data.get("joined_on"),
            status=data.get("status") or Membership.Status.ACTIVE,
            phone=data.get("phone_text", ""),
            employer_name=data.get("employer_name", ""),
            card_number=data.get("card_number", ""),
            ethnicity=data.get("ethnicity", ""),
            education=data.get("education", ""),
            political_status=data.get("political_status", ""),
            hukou_type=data.get("hukou_type", ""),
            is_migrant_worker=data.get("is_migrant_worker", False),
            new_employment_category=data.get("new_employment_category", ""),
        )
        return membership.person

    def service_update(self, actor, obj, changes):
        changes = dict(changes)
        if "new_phone" in changes:
            phone = changes.pop("new_phone")
            if phone:
                changes["phone"] = phone
        return services.person_update(actor=actor, person=obj, changes=changes)

    def has_delete_permission(self, request, obj=None):
        # People are never deleted from the registry: memberships end, history stays.
        return False

    # -- the member's page -----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        try:
            person = selectors.person_get(request.user, object_id)
        except (NotFound, ValueError):
            person = None
        if person is not None:
            history = selectors.person_history(request.user, person)
            current = next((m for m in history["memberships"] if m.is_current), None)
            extra.update(
                person=person,
                masked_id=selectors.masked_id_number(person),
                masked_phone=selectors.masked_phone(person),
                current=current,
                transitions=[
                    (step.target, Membership.Status(step.target).label)
                    for step in selectors.membership_next_steps(request.user, current)
                ]
                if current
                else [],
                can_reveal=request.user.has_perm("members.view_full_id_number"),
                can_transfer=(
                    current is not None
                    and current.status == Membership.Status.ACTIVE
                    and request.user.has_perm("members.add_membershiptransfer")
                ),
                pending_transfer=next(
                    (t for t in history["transfers"] if t.status == "pending"), None
                ),
                **history,
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="members_person_export",
            ),
            path(
                "<int:pk>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="members_person_reveal",
            ),
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="members_person_transition",
            ),
            path(
                "<int:pk>/transfer/",
                self.admin_site.admin_view(self.transfer_view),
                name="members_person_transfer",
            ),
            *super().get_urls(),
        ]

    def _back(self, pk):
        return HttpResponseRedirect(reverse("admin:members_person_change", args=[pk]))

    def reveal_view(self, request, pk):
        if request.method != "POST":
            return self._back(pk)
        if not request.user.has_perm("members.view_full_id_number"):
            raise PermissionDenied
        person = self._person(request, pk)
        if person is None:
            return self._missing(request, pk)
        id_number, phone = services.person_reveal(actor=request.user, person=person)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Full ID number"),
            "person": person,
            "id_number": id_number,
            "phone": phone,
            "opts": self.opts,
        }
        response = TemplateResponse(request, "members/person_reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def _person(self, request, pk):
        try:
            return selectors.person_get(request.user, pk)
        except NotFound:
            return None

    def _missing(self, request, pk):
        # Exactly what the admin answers for a record that does not exist.
        return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))

    def transition_view(self, request, pk):
        person = self._person(request, pk)
        if person is None:
            return self._missing(request, pk)
        form = TransitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and person.latest_membership_id:
            try:
                services.membership_transition(
                    actor=request.user,
                    membership=person.latest_membership,
                    to_status=form.cleaned_data["to_status"],
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The membership status was changed."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        return self._back(pk)

    def transfer_view(self, request, pk):
        person = self._person(request, pk)
        if person is None:
            return self._missing(request, pk)
        form = TransferStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and person.latest_membership_id:
            try:
                to_org = services.transfer_target_lookup(form.cleaned_data["to_org"])
                transfer = services.transfer_start(
                    actor=request.user,
                    membership=person.latest_membership,
                    to_org=to_org,
                    reason=form.cleaned_data["reason"],
                )
                if transfer.status == MembershipTransfer.Status.ACCEPTED:
                    messages.success(
                        request, _("The member now belongs to %(org)s.") % {"org": to_org.name}
                    )
                else:
                    messages.success(
                        request,
                        _("Transfer sent; %(org)s has to accept it.") % {"org": to_org.name},
                    )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
        elif request.method == "POST":
            messages.error(request, _("Write the receiving union's code or full name."))
        if not selectors.persons_visible_to(request.user).filter(pk=pk).exists():
            return HttpResponseRedirect(reverse("admin:members_person_changelist"))
        return self._back(pk)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        unmasked = request.GET.get("unmasked") == "1"
        if unmasked and not request.user.has_perm("members.export_unmasked"):
            raise PermissionDenied
        params = request.GET.copy()
        params.pop("unmasked", None)
        request.GET = params
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except (IncorrectLookupParameters, ValidationError, ValueError):
            # The list itself refuses such a filter (a hand-edited address): say so, as it does.
            messages.error(request, _("The filter is not valid; the list shows all members."))
            return HttpResponseRedirect(reverse("admin:members_person_changelist"))
        total = queryset.count()
        if total > exportjobs.INLINE_ROWS:
            # Too long for the request: the worker writes it, the job page shows how far.
            try:
                job = exportjobs.export_job_create(
                    actor=request.user,
                    kind="members",
                    ids=list(queryset.order_by().values_list("pk", flat=True)),
                    options={"unmasked": unmasked, "description": request.GET.urlencode()},
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(reverse("admin:members_person_changelist"))
            return HttpResponseRedirect(reverse("admin:core_exportjob_change", args=[job.pk]))
        # The finished workbook stays in memory: never a named file on disk.
        out = io.BytesIO()
        count = exports.export_members(
            actor=request.user,
            queryset=queryset,
            target=out,
            unmasked=unmasked,
            description=request.GET.urlencode(),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = download(out.getvalue(), f"会员名册-{stamp}.xlsx", personal=True)
        response["X-Row-Count"] = str(count)
        return response


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(ScopedAdmin):
    list_display = ("person", "from_org", "to_org", "status", "started_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("person__name",)
    ordering = ("-started_at",)
    change_form_template = "members/transfer_change_form.html"

    selector = staticmethod(selectors.transfers_visible_to)

    def has_add_permission(self, request):
        return False  # a transfer starts on the member's page

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return (
            "person",
            "from_org",
            "to_org",
            "status",
            "reason",
            "answer",
            "started_at",
            "answered_at",
        )

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        transfer = self.get_queryset(request).filter(pk=object_id).first()
        if transfer is not None:
            pending = transfer.status == MembershipTransfer.Status.PENDING
            extra.update(
                transfer=transfer,
                masked_id=selectors.masked_id_number(transfer.person),
                can_answer=pending and org_in_scope(request.user, transfer.to_org),
                can_cancel=pending and org_in_scope(request.user, transfer.from_org),
                answer_form=AnswerForm(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        return [
            path(
                "<int:pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="members_membershiptransfer_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk):
        transfer = get_object_or_404(self.get_queryset(request), pk=pk)
        back = HttpResponseRedirect(reverse("admin:members_membershiptransfer_change", args=[pk]))
        if request.method != "POST":
            return back
        form = AnswerForm(request.POST)
        form.is_valid()
        answer = form.cleaned_data.get("answer", "")
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                services.transfer_accept(actor=request.user, transfer=transfer)
                messages.success(request, _("Transfer accepted; the member now belongs here."))
            elif decision == "refuse":
                services.transfer_refuse(actor=request.user, transfer=transfer, answer=answer)
                messages.success(request, _("Transfer refused."))
            elif decision == "cancel":
                services.transfer_cancel(actor=request.user, transfer=transfer, answer=answer)
                messages.success(request, _("Transfer withdrawn."))
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
        return back
