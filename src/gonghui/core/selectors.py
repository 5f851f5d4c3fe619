from django.db.models import QuerySet

from gonghui.core.models import Event
from gonghui.core.scoping import scope


def events_visible_to(actor) -> QuerySet[Event]:
    return scope(Event.objects.select_related("org", "target_type"), actor)


def stored_file_content(stored) -> bytes:
    """The plain bytes of a kept file. Callers reach ``stored`` through the scoped selector of
    the record it belongs to (an attachment, a relief): a file has no scope of its own."""
    from gonghui.core.crypto import cipher
    from gonghui.core.services import FILE_PURPOSE

    return cipher().decrypt_bytes(bytes(stored.content), f"{FILE_PURPOSE}.{stored.id}")


def waiting_for(actor, key: str, today=None) -> QuerySet:
    """The records behind the to-do ``key`` for ``actor``: what its list's 待办 filter shows and
    what the home page counts. A key nobody declared is an empty answer, not an error (a
    bookmarked link after an upgrade)."""
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from gonghui.core.workareas import todos

    today = today or timezone.localdate()
    for _config, todo in todos():
        if todo.key == key:
            return import_string(todo.waiting)(actor, key, today)
    return Event.objects.none()


def home_todos(actor, today=None) -> list[dict]:
    """The home page's 待办: each declared to-do the actor may act on, with its count and the
    filtered list it opens; routine ones (``always``) at zero too, the others only when
    something waits."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from gonghui.core.workareas import MENU_TITLES, todos

    if actor is None or getattr(actor, "org", None) is None:
        return []
    today = today or timezone.localdate()
    found = []
    for config, todo in todos():
        if todo.permission and not actor.has_perm(todo.permission):
            continue
        count = import_string(todo.waiting)(actor, todo.key, today).count()
        if count or todo.always:
            found.append(
                {
                    "key": todo.key,
                    "title": todo.title,
                    "count": count,
                    "area": MENU_TITLES.get(config.work_area, ""),
                    "link": f"{reverse(todo.url)}?todo={todo.key}",
                    "routine": todo.always,
                }
            )
    return found


def imports_waiting(actor, key: str, today) -> QuerySet:
    """To-do ``imports.unfinished``: the actor's own uploads of the last 14 days that were
    refused or failed and that no later successful upload of the same kind for the same org
    has made up for: a file the clerk still has to fix and send again."""
    import datetime

    from django.db.models import Exists, OuterRef

    from gonghui.core.models import ImportJob

    since = today - datetime.timedelta(days=14)
    redone = ImportJob.objects.filter(
        kind=OuterRef("kind"),
        org=OuterRef("org"),
        status=ImportJob.Status.SUCCEEDED,
        created_at__gt=OuterRef("created_at"),
    )
    return (
        scope(ImportJob.objects.all(), actor)
        .filter(
            created_by=actor,
            status__in=(ImportJob.Status.REFUSED, ImportJob.Status.FAILED),
            created_at__date__gte=since,
        )
        .exclude(Exists(redone))
    )


def record_history(actor, obj) -> QuerySet[Event]:
    """The events of one record, oldest first, as far as the actor may read them: the history
    under a record's step bar."""
    from django.contrib.contenttypes.models import ContentType

    return (
        events_visible_to(actor)
        .filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
        .order_by("occurred_at", "id")
    )


def queue_board(actor, workflow, key: str = "", narrow=None, today=None, page=1, per_page=50):
    """A workflow's 审批 page for ``actor``: its tabs (``workflow.queues`` whose permission the
    actor holds) with their counts, the chosen tab (``key``, else the first with something
    waiting), and that tab's records a page at a time, each with the sentence that says why
    the tab's step must wait for it ("公示期满（12月6日）后可批准"), if it must.

    ``narrow(queryset)`` restricts every tab alike (one campaign)."""
    from django.core.paginator import Paginator
    from django.utils import timezone
    from django.utils.module_loading import import_string

    today = today or timezone.localdate()
    tabs = []
    for queue in workflow.queues:
        if queue.permission and not actor.has_perm(queue.permission):
            continue
        records = import_string(queue.waiting)(actor, queue.key, today)
        if narrow is not None:
            records = narrow(records)
        tabs.append({"queue": queue, "records": records, "count": records.count()})
    chosen = next((t for t in tabs if t["queue"].key == key), None)
    chosen = chosen or next((t for t in tabs if t["count"]), None) or (tabs[0] if tabs else None)
    board = {"tabs": tabs, "tab": chosen, "rows": [], "page": None, "wait": "", "steps": []}
    if chosen is None:
        return board
    queue = chosen["queue"]
    pages = Paginator(chosen["records"].order_by("pk"), per_page)
    board["page"] = pages.get_page(page)
    step = None
    if queue.step:
        step = next(s for s in workflow.steps if s.name == queue.step)
    waits = []
    for obj in board["page"].object_list:
        said = workflow.wait(obj, step, today) if step is not None else ""
        board["rows"].append({"obj": obj, "wait": said})
        if said:
            waits.append((step.not_before(obj), said))
    if waits and len(waits) == len(board["rows"]):
        board["wait"] = min(waits)[1]  # every row waits: the button says until when
    board["steps"] = [s for s in workflow.steps if s.name in (queue.step, *queue.also)]
    return board


def export_jobs_visible_to(actor):
    """A background export is its asker's alone: it holds what they were allowed to see."""
    from gonghui.core.models import ExportJob

    if getattr(actor, "pk", None) is None:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(created_by=actor).select_related("org")


def workflow_progress(actor, record, workflow, today=None):
    """The step bar (a record sent back or closed off the line shows the statuses it passed),
    who acts next, the steps the actor may take now, those waiting for a day, the history."""
    history = record_history(actor, record)
    passed = {(e.details or {}).get("from") for e in history if (e.details or {}).get("from")}
    return {
        "bar": workflow.progress(record, passed),
        "next": workflow.next_hint(record),
        "steps": workflow.available_steps(actor, record, today),
        "waiting": [said for _step, said in workflow.waiting_steps(actor, record, today)],
        "history": history,
    }
