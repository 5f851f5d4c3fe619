"""The back-office base class every model admin uses, and the event log page.

``ScopedAdmin`` keeps views thin: the queryset comes from the app's selector (so lists, detail,
edit and delete never reach outside the actor's subtree), foreign-key choices to orgs are limited
to the same subtree, and every save or delete goes through the app's service. A form is checked
by running its service inside a savepoint that is rolled back, so a rule the service enforces
shows on the form as a message instead of an error page.
"""

from __future__ import annotations

import copy

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin

from gonghui.core.cleaning import record_id
from gonghui.core.errors import DomainError, NotFound, keep_records
from gonghui.core.events import action_label, details_lines
from gonghui.core.files import SPREADSHEETS, CheckedFileField
from gonghui.core.models import AccessLog, Event, ExportJob, ImportJob
from gonghui.core.scoping import scope, subtree_q
from gonghui.core.selectors import events_visible_to, export_jobs_visible_to, waiting_for
from gonghui.core.workareas import todos
from gonghui.orgs.widgets import OrgTreeSelect


class _DryRun(Exception):
    pass


def add_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


DOWNLOAD_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download(content: bytes, filename: str, *, personal: bool = False) -> HttpResponse:
    """A generated Excel or Word file as a download under its Chinese name. ``personal``
    files (full ID or bank numbers) are kept out of every cache."""
    response = HttpResponse(content, content_type=DOWNLOAD_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    if personal:
        response["Cache-Control"] = "no-store"
    return response


def error_text(exc) -> str:
    """What a refused service call says to the user, as one line for a message."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("The record does not exist.")


class TodoFilter(admin.SimpleListFilter):
    """待办: the records of one of the home page's to-dos, from the same selector the count
    came from. Offered on every list some to-do opens (``?todo=<key>``)."""

    title = gettext_lazy("To do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [
            (todo.key, todo.title)
            for _config, todo in todos()
            if _opens(todo, model_admin)
            and (not todo.permission or request.user.has_perm(todo.permission))
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(pk__in=waiting_for(request.user, self.value()).values("pk"))


def _opens(todo, model_admin) -> bool:
    # A to-do belongs to a model's list when it opens one of that model's pages (its list, or
    # its 审批 page, which shows the same records in tabs).
    return todo.url.startswith(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_")


def with_todo_filter(model_admin, request, list_filter) -> tuple:
    """The list's filters, the 待办 filter first when some to-do opens this list."""
    if any(_opens(todo, model_admin) for _config, todo in todos()):
        return (TodoFilter, *list_filter)
    return tuple(list_filter)


class PaidForm(forms.Form):
    """A payment batch recorded as paid (``core.payments``): the day and the bank's reference."""

    paid_on = forms.DateField(label=gettext_lazy("Paid on"))
    reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=60)


class NoModelCheck:
    """A ModelForm mixin: the service checks everything and says it in Chinese; the model's
    own validation (English constraint names) is not run on the form."""

    def _get_validation_exclusions(self):
        return {f.name for f in self._meta.model._meta.fields}


class ServiceChecked(NoModelCheck, forms.ModelForm):
    """A model form whose rules the services check and say in Chinese."""


class StepPages:
    """A record's page with its workflow's steps, each a small form of what it records; the
    step's address takes the POST and leads back to the page with what happened."""

    step_form = None  # the form class of every step's fields
    step_fields: dict = {}
    workflow = None

    def take_step(self, request, found, step, values, reason):
        raise NotImplementedError

    def step_form_for(self, request, found, data=None):
        return self.step_form(data)

    def _record_page(self, pk):
        info = (self.opts.app_label, self.opts.model_name)
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[pk]))

    def step_view(self, request, pk):
        found = self.get_queryset(request).filter(pk=pk).first()
        if found is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if request.method != "POST":  # an address opened by hand: the record's page
            return self._record_page(pk)
        form = self.step_form_for(request, found, request.POST)
        step = request.POST.get("step", "")
        wanted = self.step_fields.get(step, ())
        # Only the step's own fields are read: another step's empty field is no error.
        errors = (
            {k: v for k, v in form.errors.items() if k in wanted} if not form.is_valid() else {}
        )
        if errors:
            said = "；".join(f"{form[k].label}：{' '.join(v)}" for k, v in errors.items())
            messages.error(request, said)
        else:
            values = {k: form.cleaned_data.get(k) for k in wanted}
            try:
                done = self.take_step(
                    request, found, step, values, form.cleaned_data.get("reason") or ""
                )
            except (ValidationError, PermissionDenied, NotFound) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Done.") + " " + self.workflow.next_hint(done))
        return self._record_page(pk)


class StartsFromOwnOrg:
    """A ScopedAdmin mixin: a clerk records their own union's work, so a new record's union
    starts as theirs."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if getattr(request.user, "org", None) is not None:
            initial.setdefault("org", request.user.org.pk)
        return initial


class ScopedAdmin(ModelAdmin):
    list_per_page = 50
    list_filter_submit = True
    list_fullwidth = False
    # The selector that says which records an actor may see (``<app>.selectors``): lists,
    # detail, edit and delete all start from it. The conformance test checks every admin has
    # one, and the cross-org test walks every admin through it.
    selector = None
    # Records every member of staff reads by design (a region's public rules): the cross-org
    # test then checks that nobody is kept from any of them, instead of the reverse.
    public = False

    def scoped_queryset(self, actor):
        return self.selector(actor)

    def get_list_filter(self, request):
        return with_todo_filter(self, request, super().get_list_filter(request))

    # Subclasses provide these three, each calling one service.

    def service_create(self, actor, data):
        raise NotImplementedError

    def service_update(self, actor, obj, changes):
        raise NotImplementedError

    def service_delete(self, actor, obj):
        raise NotImplementedError

    def get_queryset(self, request):
        qs = self.scoped_queryset(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is apps.get_model("orgs", "Org"):
            from gonghui.orgs.selectors import org_choices

            kwargs["queryset"] = org_choices(request.user, groups=True)
            kwargs["widget"] = OrgTreeSelect
        elif db_field.related_model is apps.get_model("orgs", "ServicePoint"):
            # A service point chosen on any form (a grant's studio, an allocation's point, a
            # batch's base) is one of the user's subtree, unless the admin narrowed it further.
            from gonghui.orgs.selectors import service_points_visible_to

            kwargs.setdefault("queryset", service_points_visible_to(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- writes -------------------------------------------------------------------------

    def _call_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            changes = {name: data[name] for name in form.changed_data if name in data}
            return self.service_update(request.user, obj, changes)
        return self.service_create(request.user, data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        model_admin._call_service(request, self.instance, self, change)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    keep_records(exc)  # the check's savepoint rolled back what must stand
                    add_validation_error(self, exc)
                except (PermissionDenied, NotFound) as exc:
                    self.add_error(None, str(exc) or _("The record does not exist."))

        # The class is new each request, but the fields declared on the admin's form (not the
        # model's) would be the same objects in every one: an admin that narrows a field's
        # choices or makes it required for this request would change it for every later one.
        ServiceCheckedForm.base_fields = copy.deepcopy(ServiceCheckedForm.base_fields)
        return ServiceCheckedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The form's check ran the service in a savepoint; between it and the real write
        another clerk may have saved something that conflicts (the same person, the same card
        number). The refused write rolled back whole; the clerk is told and sent back."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            keep_records(exc)
            messages.error(request, error_text(exc))
        except IntegrityError:
            messages.error(
                request,
                _(
                    "Someone saved a record that conflicts with this one a moment ago; "
                    "nothing was saved. Check the record and save again."
                ),
            )
        return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = self._call_service(request, obj, form, change)
        # The admin goes on with ``obj`` (redirects, messages); give it the saved state.
        obj.pk = saved.pk
        for f in saved._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))

    def save_related(self, request, form, formsets, change):
        # No many-to-many or inlines are written behind the services' back.
        return None

    def delete_model(self, request, obj):
        self.service_delete(request.user, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except NotFound as exc:
            # The service found a union of the record outside the user's subtree (their entrant
            # in another union's competition): said on the record's page, not an error page.
            messages.error(request, str(exc) or _("The record does not exist."))
        info = (self.opts.app_label, self.opts.model_name)
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[object_id]))

    def delete_queryset(self, request, queryset):
        refused = []
        for obj in queryset:
            try:
                self.service_delete(request.user, obj)
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
            except (PermissionDenied, NotFound) as exc:
                refused.append(f"{obj}：{exc}")
        for message in refused:
            messages.error(request, message)


class ActionFilter(admin.SimpleListFilter):
    """The event log's filter by what was done, in words (action_label), not codes."""

    title = gettext_lazy("Action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = (
            model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        )
        return sorted(((a, action_label(a)) for a in actions), key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ModelAdmin):
    list_display = ("occurred_at", "actor_name", "action_display", "target_repr", "org")
    list_filter = (ActionFilter, ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("actor_name", "target_repr", "action")
    list_per_page = 50
    date_hierarchy = None
    readonly_fields = (
        "occurred_at",
        "actor_name",
        "action_display",
        "target_type",
        "target_id",
        "target_repr",
        "org",
        "details_display",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return events_visible_to(request.user)

    @admin.display(description=gettext_lazy("Action"), ordering="action")
    def action_display(self, obj):
        return action_label(obj.action)

    @admin.display(description=gettext_lazy("Details"))
    def details_display(self, obj):
        from django.utils.html import format_html_join

        return format_html_join("", "<div>{}</div>", ((line,) for line in details_lines(obj)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


EventAdmin.list_display_links = ("occurred_at",)
admin.site.site_title = gettext_lazy("Union work platform")
admin.site.site_header = gettext_lazy("Union work platform")
admin.site.index_title = gettext_lazy("Dashboard")


# -- imports ------------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    org = forms.ModelChoiceField(
        label=gettext_lazy("Import into"), queryset=None, widget=OrgTreeSelect
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, orgs=None, extra=None, **kwargs):
        from gonghui.core.imports.reading import max_bytes

        super().__init__(*args, **kwargs)
        self.fields["file"] = CheckedFileField(
            label=gettext_lazy("File"),
            kinds=SPREADSHEETS,
            max_bytes=max_bytes(),
            help_text=gettext_lazy(
                "The filled-in template as .xlsx, .xls or .csv, at most %(mb)d MB."
            )
            % {"mb": max_bytes() // (1024 * 1024)},
        )
        self.fields["org"].queryset = orgs
        for name, field in (extra or {}).items():
            self.fields[name] = field
        self.option_names = list(extra or {})


@admin.register(ImportJob)
class ImportJobAdmin(ModelAdmin):
    list_display = (
        "created_at",
        "file_name",
        "kind_label",
        "org",
        "status",
        "summary",
        "created_by",
    )
    list_display_links = ("created_at", "file_name")
    list_filter = ("status", "kind")
    list_per_page = 50

    def get_list_filter(self, request):
        return with_todo_filter(self, request, super().get_list_filter(request))

    change_form_template = "core/importjob_detail.html"

    def get_queryset(self, request):
        return scope(ImportJob.objects.select_related("org", "created_by"), request.user)

    def has_add_permission(self, request):
        return False  # uploads go through upload_view, per kind of import

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Kind of import"))
    def kind_label(self, obj):
        return _import_kinds().get(obj.kind, obj.kind)

    @admin.display(description=gettext_lazy("Result"))
    def summary(self, obj):
        c = obj.counts or {}
        if not c:
            return ""
        return _("%(rows)s rows · %(imported)s imported · %(rejected)s refused") % {
            "rows": c.get("rows", 0),
            "imported": c.get("imported", 0),
            "rejected": c.get("rejected", 0),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/<str:kind>/", view(self.upload_view), name="core_importjob_upload"),
            path("template/<str:kind>/", view(self.template_view), name="core_importjob_template"),
            path("<int:pk>/status/", view(self.status_view), name="core_importjob_status"),
            path("<int:pk>/problems/", view(self.problems_view), name="core_importjob_problems"),
            *super().get_urls(),
        ]

    def _spec(self, request, kind):
        from gonghui.core.imports.jobs import spec_for

        if kind not in _import_kinds():
            raise Http404
        spec = spec_for(kind)
        if not request.user.has_perm("core.add_importjob") or not request.user.has_perm(
            spec.permission
        ):
            raise PermissionDenied
        return spec

    def upload_view(self, request, kind):
        from gonghui.core.imports.jobs import import_job_create

        spec = self._spec(request, kind)
        from gonghui.orgs.selectors import org_choices

        orgs = org_choices(request.user)
        extra = spec.upload_fields(request.user)
        # A record's page links here with its option chosen (a training session's roster).
        chosen = {name: request.GET[name] for name in extra if name in request.GET}
        form = ImportUploadForm(
            request.POST or None,
            request.FILES or None,
            orgs=orgs,
            extra=extra,
            initial={"org": getattr(request.user.org, "pk", None), **chosen},
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    actor=request.user,
                    org=form.cleaned_data["org"],
                    kind=kind,
                    file_name=upload.name,
                    content=upload.read(),
                    mode=form.cleaned_data["mode"],
                    options={name: form.cleaned_data[name] for name in form.option_names},
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return HttpResponseRedirect(reverse("admin:core_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import: %(title)s") % {"title": spec.title},
            "form": form,
            "spec": spec,
            "kind": kind,
            "opts": self.opts,
            "recent": self.get_queryset(request).filter(kind=kind)[:10],
        }
        return TemplateResponse(request, "core/import_upload.html", context)

    def template_view(self, request, kind):
        from gonghui.core.imports.workbook import template_bytes

        spec = self._spec(request, kind)
        return download(template_bytes(spec), f"{spec.title}（模板）.xlsx")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from gonghui.core.imports.jobs import is_stalled

        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "job": job,
            "kind_label": _import_kinds().get(job.kind, job.kind),
            "conflicts_label": _conflicts_label(job.kind),
            "stalled": is_stalled(job),
            "problems": job.problems,
            "more_problems": max(
                0,
                (job.counts or {}).get("rejected", 0)
                + (job.counts or {}).get("conflicts", 0)
                - len(job.problems),
            ),
            "opts": self.opts,
            "has_workbook": job.error_workbook is not None,
        }
        return TemplateResponse(request, "core/importjob_detail.html", context)

    def status_view(self, request, pk):
        from gonghui.core.imports.jobs import is_stalled

        job = get_object_or_404(self.get_queryset(request), pk=pk)
        return JsonResponse(job.status_answer(is_stalled(job)))

    def problems_view(self, request, pk):
        from gonghui.core.imports.jobs import import_job_error_workbook

        job = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            content = import_job_error_workbook(actor=request.user, job=job)
        except ValidationError:
            raise Http404 from None
        stem = job.file_name.rsplit(".", 1)[0]
        return download(content, f"{stem}-需修改的行.xlsx", personal=True)


def _import_kinds() -> dict[str, str]:
    """The imports the installed apps declare, by their title."""
    from gonghui.core.imports.jobs import spec_for
    from gonghui.core.workareas import import_kinds

    return {kind: spec_for(kind).title for kind in import_kinds()}


@admin.register(ExportJob)
class ExportJobAdmin(ModelAdmin):
    """The user's own background exports: progress while the worker writes, then the file."""

    list_display = ("created_at", "title", "status", "rows_total", "expires_at")
    list_display_links = ("created_at", "title")
    list_filter = ("status",)
    list_per_page = 50
    change_form_template = "core/exportjob_detail.html"

    def get_queryset(self, request):
        return export_jobs_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # an export starts from its list's export button

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/status/", view(self.status_view), name="core_exportjob_status"),
            path("<int:pk>/file/", view(self.file_view), name="core_exportjob_file"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from gonghui.core.exportjobs import is_stalled

        if record_id(object_id) is None:
            raise Http404
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "job": job,
            "stalled": is_stalled(job),
            "opts": self.opts,
        }
        return TemplateResponse(request, "core/exportjob_detail.html", context)

    def status_view(self, request, pk):
        from gonghui.core.exportjobs import is_stalled

        job = get_object_or_404(self.get_queryset(request), pk=pk)
        return JsonResponse(job.status_answer(is_stalled(job)))

    def file_view(self, request, pk):
        from gonghui.core.exportjobs import export_job_content

        job = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            content = export_job_content(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("admin:core_exportjob_change", args=[pk]))
        return download(content, job.file_name, personal=True)


@admin.register(AccessLog)
class AccessLogAdmin(ModelAdmin):
    list_display = ("occurred_at", "actor_name", "action", "target_repr", "org")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr")
    list_per_page = 50
    readonly_fields = (
        "occurred_at",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "org",
        "details",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return AccessLog.objects.filter(
            subtree_q(request.user) | Q(actor=request.user)
        ).select_related("org")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.view_accesslog")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _conflicts_label(kind: str) -> str:
    """What the kind of list calls a row that was already there (他会会员, 已有记录)."""
    from gonghui.core.imports.jobs import spec_for

    try:
        return str(spec_for(kind).conflicts_label)
    except DomainError:  # a kind no installed app declares any more
        return str(gettext_lazy("already there"))
