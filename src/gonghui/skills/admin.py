"""The skills area's pages: competitions with their steps and entrants, an entrant's result
and the way upward, training courses, sessions and rosters, innovation results."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
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
    download,
    error_text,
)
from gonghui.core.cleaning import record_id
from gonghui.core.errors import NotFound
from gonghui.core.scoping import org_in_scope, scope
from gonghui.core.selectors import workflow_progress
from gonghui.honors.models import Honor
from gonghui.honors.selectors import honors_visible_to
from gonghui.members.admin import member_for_form
from gonghui.skills import indicators as skills_indicators
from gonghui.skills import selectors, services
from gonghui.skills.exports import results_xlsx, roster_xlsx
from gonghui.skills.models import (
    Competition,
    CompetitionEntry,
    CompetitionStatus,
    Innovation,
    Prize,
    Trainee,
    TrainingCourse,
    TrainingSession,
)

CS = CompetitionStatus


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


class TookPlaceFilter(admin.SimpleListFilter):
    """The union's own competitions under way or with results out: those said as held."""

    title = gettext_lazy("Held by the union")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", _("Held by us, under way or done"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(skills_indicators.held())
        return queryset


@admin.register(Competition)
class CompetitionAdmin(StartsFromOwnOrg, StepPages, ScopedAdmin):
    form = ServiceChecked
    list_display = (
        "name",
        "level",
        "kind",
        "org",
        "starts_on",
        "participants",
        "entry_count",
        "status",
    )
    list_filter = (TookPlaceFilter, "status", "level", "kind", "held_above", "starts_on")
    search_fields = ("name", "trade", "organisers")
    fields = ("org", *services.COMPETITION_FIELDS)
    selector = staticmethod(selectors.competitions_visible_to)
    step_form = ReasonForm
    step_fields = {}
    workflow = services.COMPETITION
    change_form_template = "skills/competition_change_form.html"
    actions = ("export_results",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status == CS.CANCELLED:
            return self.fields
        if obj.status == CS.FINISHED:
            return [f for f in self.fields if f not in services.AFTER_RESULTS]
        return ("org",)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == CS.PLANNED)

    @admin.display(description=gettext_lazy("Named entrants"))
    def entry_count(self, obj):
        return obj.entries.count()

    def service_create(self, actor, data):
        return services.competition_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.competition_update(actor=actor, competition=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.competition_delete(actor=actor, competition=obj)

    @admin.action(description=gettext_lazy("Export the results of the selected competitions"))
    def export_results(self, request, queryset):
        entries = (
            selectors.entries_visible_to(request.user)
            .filter(competition__in=queryset)
            .order_by("competition__starts_on", "competition_id", "rank", "id")
        )
        today = timezone.localdate()
        return download(
            results_xlsx(entries, f"竞赛成绩名单（{today:%Y-%m-%d}）"),
            f"竞赛成绩名单-{today:%Y%m%d}.xlsx",
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="skills_competition_step"),
            *super().get_urls(),
        ]

    def take_step(self, request, found, step, values, reason):
        return services.competition_transition(
            actor=request.user, competition=found, step=step, reason=reason
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            entries = list(
                selectors.entries_visible_to(request.user)
                .filter(competition=found)
                .order_by("rank", "id")
            )
            extra.update(
                competition=found,
                progress=workflow_progress(request.user, found, services.COMPETITION),
                step_url=reverse("admin:skills_competition_step", args=[found.pk]),
                entries=[(e, selectors.result_text(e)) for e in entries],
                may_add_entry=found.status in (CS.PLANNED, CS.RUNNING)
                and request.user.has_perm("skills.add_competitionentry"),
            )
        return super().change_view(request, object_id, form_url, extra)


class PlacedFilter(admin.SimpleListFilter):
    """Entrants with a rank or a prize; those of the union's own competitions with results out
    (the lists behind the winners' figures)."""

    title = gettext_lazy("Placed or awarded")
    parameter_name = "placed"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Yes")),
            ("own", _("In our own competitions with results out")),
            ("first", _("First place or first prize")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(skills_indicators.placed())
        if self.value() == "own":
            return queryset.filter(skills_indicators.placed() & skills_indicators.own_results())
        if self.value() == "first":
            return queryset.filter(
                (Q(rank=1) | Q(prize=Prize.FIRST)) & skills_indicators.own_results()
            )
        return queryset


class SentFilter(admin.SimpleListFilter):
    """Entrants sent to provincial and national competitions: the list behind that figure."""

    title = gettext_lazy("Sent to competitions above")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("above", _("Provincial or national"))]

    def queryset(self, request, queryset):
        if self.value() == "above":
            return queryset.filter(skills_indicators.sent_above())
        return queryset


class EntryForm(NoModelCheck, forms.ModelForm):
    id_number_text = forms.CharField(
        label=gettext_lazy("Member's ID number"),
        required=False,
        max_length=25,
        help_text=gettext_lazy("For a member; leave empty for a team and give its name."),
    )

    class Meta:
        model = CompetitionEntry
        fields = ("competition", "id_number_text", "team_name", "team_size", "org")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A member's union is the one of the registry; only a team's is chosen.
        self.fields["org"].required = False
        self.fields["org"].help_text = _("For a team: the union it comes from.")


class ResultForm(NoModelCheck, forms.ModelForm):
    # The honours of the user's subtree that a result brings (县技术能手); the queryset is the
    # user's, set in ``get_form``.
    honor = forms.ModelChoiceField(
        label=gettext_lazy("Title earned"),
        queryset=Honor.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Conferred on the member as an honour (劳模与荣誉) on the day the competition ended."
        ),
    )

    class Meta:
        model = CompetitionEntry
        fields = ("reached_final", "rank", "field", "prize", "honor")

    RESULT = ("reached_final", "rank", "field", "prize")


@admin.register(CompetitionEntry)
class CompetitionEntryAdmin(ScopedAdmin):
    list_display = ("name", "competition", "org", "result", "title_earned", "sent_on_from")
    list_filter = (PlacedFilter, SentFilter, "competition__held_above", "competition__level")
    search_fields = ("name", "competition__name")
    selector = staticmethod(selectors.entries_visible_to)
    change_form_template = "skills/entry_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ResultForm if obj is not None else EntryForm
        kwargs["fields"] = None
        form = super().get_form(request, obj, change=change, **kwargs)
        if "honor" in form.base_fields:
            # Titles kept within the user's subtree: one above is conferred by its keeper.
            form.base_fields["honor"].queryset = scope(
                honors_visible_to(request.user), request.user
            ).filter(kind__in=services.TITLE_KINDS)
            # 青山县技术能手（2026年）: the title and its year, short enough for a phone.
            form.base_fields["honor"].label_from_instance = lambda h: f"{h.name}（{h.year}年）"
            if obj is not None and obj.award_id:
                form.base_fields["honor"].initial = obj.award.honor_id
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return EntryForm.Meta.fields
        if not self._organiser(request, obj) or obj.competition.status != CS.RUNNING:
            return ("competition", "name", "org", *ResultForm.RESULT, "title_earned")
        return ("competition", "name", "org", *ResultForm.Meta.fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self._organiser(request, obj) or obj.competition.status != CS.RUNNING:
            return self.get_fields(request, obj)
        return ("competition", "name", "org")

    @staticmethod
    def _organiser(request, obj) -> bool:
        """Results and removals are the competition's union's: a union beneath sees its own
        entrant in a competition above it, read-only."""
        return org_in_scope(request.user, obj.competition.org)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        chosen = record_id(request.GET.get("competition"))
        if chosen is not None:
            initial["competition"] = chosen
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "competition":
            kwargs["queryset"] = selectors.competitions_visible_to(request.user).filter(
                status__in=(CS.PLANNED, CS.RUNNING)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None
            or (
                obj.competition.status in (CS.PLANNED, CS.RUNNING) and self._organiser(request, obj)
            )
        )

    @admin.display(description=gettext_lazy("Result"))
    def result(self, obj):
        return selectors.result_text(obj)

    @admin.display(description=gettext_lazy("Title earned"))
    def title_earned(self, obj):
        return obj.award.honor.name if obj.award_id else ""

    @admin.display(description=gettext_lazy("Sent on from"))
    def sent_on_from(self, obj):
        return obj.advanced_from.competition.name if obj.advanced_from_id else ""

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_continue" in request.POST or "_addanother" in request.POST:
            return response
        # Saved: back to the competition, where its entrants are listed with their results.
        return HttpResponseRedirect(
            reverse("admin:skills_competition_change", args=[obj.competition_id])
        )

    def service_create(self, actor, data):
        text = (data.pop("id_number_text", "") or "").strip()
        person = member_for_form(actor, text, "id_number_text") if text else None
        return services.entry_create(
            actor=actor,
            competition=data["competition"],
            person=person,
            team_name=data.get("team_name") or "",
            team_size=1 if person is not None else data.get("team_size"),
            org=data.get("org"),
        )

    def service_update(self, actor, obj, changes):
        values = {f: changes.get(f, getattr(obj, f)) for f in ResultForm.RESULT}
        return services.entry_result(actor=actor, entry=obj, honor=changes.get("honor"), **values)

    def service_delete(self, actor, obj):
        services.entry_delete(actor=actor, entry=obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/send_on/",
                view(self.send_on_view),
                name="skills_competitionentry_send_on",
            ),
            *super().get_urls(),
        ]

    def send_on_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        back = reverse("admin:skills_competitionentry_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        target = (
            selectors.competitions_to_send_to(request.user, found)
            .filter(pk=record_id(request.POST.get("competition")))
            .first()
        )
        if target is None:
            messages.error(request, _("Choose the competition to send the entrant on to."))
            return HttpResponseRedirect(back)
        try:
            sent = services.entry_send_on(actor=request.user, entry=found, competition=target)
        except (ValidationError, PermissionDenied, NotFound) as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(back)
        messages.success(request, _("Sent on to %(competition)s.") % {"competition": target.name})
        return HttpResponseRedirect(reverse("admin:skills_competitionentry_change", args=[sent.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            way = [
                (e, selectors.result_text(e)) for e in selectors.entrant_way(request.user, found)
            ]
            extra.update(
                entry=found,
                way=way,
                send_to=list(selectors.competitions_to_send_to(request.user, found))
                if not CompetitionEntry.objects.filter(advanced_from=found).exists()
                and request.user.has_perm("skills.add_competitionentry")
                else [],
            )
        return super().change_view(request, object_id, form_url, extra)


@admin.register(TrainingCourse)
class TrainingCourseAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = ServiceChecked
    list_display = ("name", "target_group", "trade", "provider", "org", "funded_by")
    list_filter = ("target_group", "funded_by")
    search_fields = ("name", "trade", "provider")
    fields = ("org", "name", "target_group", "trade", "provider", "funded_by")
    selector = staticmethod(selectors.courses_visible_to)

    def get_readonly_fields(self, request, obj=None):
        return ("org",) if obj is not None else ()

    def service_create(self, actor, data):
        return services.course_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.course_update(actor=actor, course=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.course_delete(actor=actor, course=obj)


SESSION_FIELDS = (
    "course",
    "number",
    "starts_on",
    "ends_on",
    "hours",
    "site",
    "unnamed_trainees",
    "trainees_approx",
    "unnamed_certificates",
    "unnamed_jobs",
    "cost",
)


class SessionForm(NoModelCheck, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = SESSION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new session takes the course's next number when none is given.
        self.fields["number"].required = False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdmin):
    form = SessionForm
    list_display = (
        "__str__",
        "starts_on",
        "ends_on",
        "hours",
        "trainees",
        "certificates",
        "jobs",
        "cost",
    )
    list_filter = ("course__target_group", "starts_on")
    search_fields = ("course__name", "site")
    fields = (*SESSION_FIELDS, "trainees", "certificates", "jobs")
    readonly_fields = ("trainees", "certificates", "jobs")
    selector = staticmethod(selectors.sessions_visible_to)
    change_form_template = "skills/session_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("course", *self.readonly_fields)
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = selectors.courses_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        data = {k: v for k, v in data.items() if k in SESSION_FIELDS}
        course = data.pop("course")
        return services.session_create(actor=actor, course=course, **data)

    def service_update(self, actor, obj, changes):
        changes = {k: v for k, v in changes.items() if k in SESSION_FIELDS and k != "course"}
        return services.session_update(actor=actor, session=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.session_delete(actor=actor, session=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        pk = record_id(object_id)
        found = self.get_queryset(request).filter(pk=pk).first() if pk is not None else None
        if found is not None:
            extra.update(
                session=found,
                roster_count=found.roster.count(),
                roster_completed=found.roster.filter(completed=True).count(),
                roster_url=reverse("admin:skills_trainee_changelist")
                + f"?session__id__exact={found.pk}",
                import_url=reverse("admin:core_importjob_upload", args=["trainees"])
                + f"?session={found.pk}"
                if request.user.has_perm("skills.add_trainee")
                else "",
            )
        return super().change_view(request, object_id, form_url, extra)


class TraineeForm(NoModelCheck, forms.ModelForm):
    id_number_text = forms.CharField(
        label=gettext_lazy("Member's ID number"), max_length=25, required=True
    )

    class Meta:
        model = Trainee
        fields = (
            "session",
            "id_number_text",
            "completed",
            "certificate",
            "certificate_no",
            "found_job",
        )


@admin.register(Trainee)
class TraineeAdmin(ScopedAdmin):
    form = ServiceChecked
    list_display = ("name", "session", "completed", "certificate", "certificate_no", "found_job")
    list_filter = ("completed", "certificate", "found_job", "session__course__target_group")
    search_fields = ("name", "certificate_no", "session__course__name")
    selector = staticmethod(selectors.trainees_visible_to)
    actions = ("export_roster",)

    @admin.action(description=gettext_lazy("Export the selected trainees (Excel roster)"))
    def export_roster(self, request, queryset):
        trainees = queryset.select_related(
            "session__course", "person__latest_membership__org"
        ).order_by("session__starts_on", "session_id", "id")
        today = timezone.localdate()
        return download(
            roster_xlsx(trainees, f"培训学员名册（{today:%Y-%m-%d}）"),
            f"培训学员名册-{today:%Y%m%d}.xlsx",
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TraineeForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return TraineeForm.Meta.fields
        return ("session", "name", "completed", "certificate", "certificate_no", "found_job")

    def get_readonly_fields(self, request, obj=None):
        return ("session", "name") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        chosen = record_id(request.GET.get("session"))
        if chosen is not None:
            initial["session"] = chosen
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = selectors.sessions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, actor, data):
        person = member_for_form(actor, data.pop("id_number_text", ""), "id_number_text")
        return services.trainee_add(actor=actor, person=person, **data)

    def service_update(self, actor, obj, changes):
        return services.trainee_update(actor=actor, trainee=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.trainee_remove(actor=actor, trainee=obj)


class InnovationForm(NoModelCheck, forms.ModelForm):
    lead_id_number = forms.CharField(
        label=gettext_lazy("Lead member's ID number"),
        max_length=25,
        required=False,
        help_text=gettext_lazy("Optional: the member who led it, found by the ID number."),
    )

    class Meta:
        model = Innovation
        fields = (
            "org",
            "title",
            "kind",
            "achieved_on",
            "lead_id_number",
            "team",
            "studio",
            "benefit",
            "patent_no",
            "award",
            "award_prize",
        )


@admin.register(Innovation)
class InnovationAdmin(StartsFromOwnOrg, ScopedAdmin):
    form = InnovationForm
    list_display = (
        "title",
        "kind",
        "org",
        "achieved_on",
        "lead_name",
        "studio",
        "benefit",
        "award",
    )
    list_filter = ("kind", "achieved_on", "award_prize")
    search_fields = ("title", "team", "award")
    selector = staticmethod(selectors.innovations_visible_to)

    def get_fields(self, request, obj=None):
        return InnovationForm.Meta.fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "studio":
            kwargs["queryset"] = selectors.studios_choosable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.lead_id:
            form.base_fields["lead_id_number"].help_text = _(
                "Led by %(name)s; give another ID number to change it."
            ) % {"name": obj.lead.name}
        return form

    @admin.display(description=gettext_lazy("Lead member"))
    def lead_name(self, obj):
        return obj.lead.name if obj.lead_id else ""

    def _lead(self, actor, data):
        text = (data.pop("lead_id_number", "") or "").strip()
        if text:
            data["lead"] = member_for_form(actor, text, "lead_id_number")
        return data

    def service_create(self, actor, data):
        data = self._lead(actor, dict(data))
        return services.innovation_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        changes = self._lead(actor, dict(changes))
        return services.innovation_update(actor=actor, innovation=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.innovation_delete(actor=actor, innovation=obj)
