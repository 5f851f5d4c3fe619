"""The platform's one workflow mechanism: a table of steps, and one way to take a step.

A workflow (a membership's status, a hardship file's, a grant's, and every later area's
nominations, claims, filings and cases) is a ``Workflow`` of ``Step`` rows: the step's name,
the statuses it leaves, the status it enters, the permission it needs and who may take it
relative to the record. ``transition()`` takes a step the same way everywhere: it locks the
record (after whatever the workflow locks first, in a fixed order), checks the permission, the
scope, the status and who is acting, runs the step's own checks and stamps, saves, and writes
the event in the same transaction; anything else is refused with a domain error and nothing
changes. ``available_steps()`` answers "what may this actor do next with this record", for
the back office's buttons and, later, the member portal and the API.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.scoping import org_in_scope


@dataclass(frozen=True)
class Step:
    name: str  # the event is "<workflow>.<name>"
    sources: tuple[str, ...]
    target: str
    permission: str
    # Who may take it, relative to the record: a rule the workflow's ``who`` answers; "" is
    # anyone whose subtree holds the record.
    who: str = ""
    label: object = ""  # the button
    done: object = ""  # "submitted", for "a grant that is … cannot be submitted"
    needs_reason: bool = False
    # False for steps only a service takes inside a larger write (a batch's payment, a
    # transfer): not offered as a button, not taken by ``transition``.
    manual: bool = True
    # The first day the step may be taken, read from the record (the day a public notice
    # ends); before it the step is refused with ``wait_text`` % {"date": "12月6日"}, the
    # sentence the 审批 page shows on its greyed button.
    not_before: Callable[[models.Model], datetime.date | None] | None = None
    wait_text: object = ""


@dataclass(frozen=True)
class Queue:
    """One tab of a workflow's 审批 page: the records waiting for one step, and its button.

    ``waiting`` names a selector ``waiting(actor, key, today) -> QuerySet`` (the to-do
    selectors of the home page, so a to-do's count and its tab's count are one answer).
    ``step`` is the step the tab's button takes for the ticked records ("" for a tab that
    only shows, as 被退回); ``also`` the further steps offered beside it (退回, with a reason).
    """

    key: str
    title: object
    waiting: str
    step: str = ""
    permission: str = ""
    also: tuple[str, ...] = ()


# Every workflow by its event name ("grant", "honornomination"): the event log says a step's
# event in the step's own words ("推荐对象：登记为已授予") without a list of its own.
WORKFLOWS: dict[str, Workflow] = {}


def step_said(event: str, name: str) -> str:
    """What the event ``<event>.<name>`` did, in the step's words ("" for no such step)."""
    workflow = WORKFLOWS.get(event)
    step = next((s for s in workflow.steps if s.name == name), None) if workflow else None
    return str(step.done or step.label) if step is not None else ""


def all_or_none(records: Iterable, take: Callable, name: Callable) -> int:
    """Take a step for several records at once (the 审批 page's ticked rows): all of them or
    none, in one transaction, in primary-key order (the order rows are locked in). A refusal
    names the record it stopped at, so the clerk knows which one to untick."""
    records = sorted(records, key=lambda r: r.pk)
    with transaction.atomic():
        for record in records:
            try:
                take(record)
            except DomainError as exc:
                said = "；".join(exc.messages)
                raise DomainError(f"{name(record)}：{said}") from None
    return len(records)


def day_text(day: datetime.date) -> str:
    """A date as a clerk says it in a sentence about this year's work: 12月6日."""
    return f"{day.month}月{day.day}日"


class Workflow:
    def __init__(
        self,
        model: type[models.Model],
        steps: Iterable[Step],
        *,
        event: str,
        status_field: str = "status",
        org: Callable[[models.Model], models.Model] = lambda obj: obj.org,
        related: tuple[str, ...] = (),
        who: Callable[[object, models.Model, str], bool] | None = None,
        who_names: dict[str, object] | None = None,
        event_target: Callable[[models.Model], models.Model] | None = None,
        lock_first: Callable[[models.Model], None] | None = None,
        refused_step: object = None,
        refused_target: object = None,
        queues: Iterable[Queue] = (),
        who_org: Callable[[models.Model, str], str] | None = None,
    ):
        self.model, self.steps, self.event = model, list(steps), event
        self.status_field, self.org, self.related = status_field, org, related
        self.who, self.who_names = who, who_names or {}
        self.event_target = event_target or (lambda obj: obj)
        self.lock_first = lock_first
        self.refused_step = refused_step
        self.refused_target = refused_target
        self.queues = list(queues)
        # The name of the union that takes a step of the given ``who`` on this record, for
        # "下一步：公示，由某某县总工会办理"; ``who_names`` when it answers "".
        self.who_org = who_org
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"{event}: two steps share a name")
        WORKFLOWS[event] = self

    # -- the table ----------------------------------------------------------------------

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise DomainError(_("Unknown step."))

    def step_to(self, source: str, target: str) -> Step | None:
        """The step that leads from ``source`` to ``target``, if the table has one."""
        for step in self.steps:
            if source in step.sources and step.target == target:
                return step
        return None

    def transitions(self, manual_only: bool = False) -> dict[tuple[str, str], str]:
        """(from, to) → step name: the table as pairs."""
        return {
            (source, step.target): step.name
            for step in self.steps
            if step.manual or not manual_only
            for source in step.sources
        }

    def targets_from(self, source: str) -> list[str]:
        return [s.target for s in self.steps if s.manual and source in s.sources]

    def line(self) -> list[str]:
        """The statuses of the way forward, from the first step's status to the last (草稿 →
        已提交 → … → 已发放): the step bar. Steps that need a reason (退回, 撤回) leave it."""
        forward = [s for s in self.steps if not s.needs_reason]
        if not forward:
            return []
        statuses = [forward[0].sources[0]]
        while True:
            step = next((s for s in forward if statuses[-1] in s.sources), None)
            if step is None or step.target in statuses:
                return statuses
            statuses.append(step.target)

    def next_step(self, obj) -> Step | None:
        """The step that moves ``obj`` forward from where it stands, if any."""
        status = getattr(obj, self.status_field)
        return next((s for s in self.steps if not s.needs_reason and status in s.sources), None)

    def progress(self, obj, passed: Iterable[str] = ()) -> list[dict]:
        """The step bar of ``obj``: each status of ``line()`` as done, current or to come. A
        record that left the line (退回) shows the statuses it passed (``passed``, from its
        history) as done, and where it stopped."""
        choices = dict(obj._meta.get_field(self.status_field).choices)
        status = getattr(obj, self.status_field)
        line = self.line()
        bar = []
        if status in line:
            at = line.index(status)
            for i, s in enumerate(line):
                state = "done" if i < at else "current" if i == at else "todo"
                bar.append({"status": s, "label": choices.get(s, s), "state": state})
            return bar
        passed = set(passed)
        for s in line:
            if s in passed:
                bar.append({"status": s, "label": choices.get(s, s), "state": "done"})
        bar.append({"status": status, "label": choices.get(status, status), "state": "stopped"})
        return bar

    def next_hint(self, obj) -> str:
        """Who acts next, in words: "下一步：公示，由某某县总工会办理" ("" at the end)."""
        step = self.next_step(obj)
        if step is None:
            return ""
        who = self.who_org(obj, step.who) if self.who_org is not None else ""
        who = who or str(self.who_names.get(step.who, ""))
        if who:
            return _("Next: %(step)s, by %(who)s.") % {"step": step.label, "who": who}
        return _("Next: %(step)s.") % {"step": step.label}

    def queue(self, key: str) -> Queue | None:
        return next((q for q in self.queues if q.key == key), None)

    # -- who may ------------------------------------------------------------------------

    def refusal(self, actor, obj, step: Step, today: datetime.date | None = None) -> str:
        """Why ``actor`` may not take ``step`` on ``obj`` now ("" when they may), from what the
        record says (no locks: the answer ``transition`` gives is the one that counts)."""
        if actor is not None and not actor.has_perm(step.permission):
            return _("Your role does not allow this action.")
        if actor is not None and not org_in_scope(actor, self.org(obj)):
            return _("The record does not exist.")
        if getattr(obj, self.status_field) not in step.sources:
            return self._refused(obj, step)
        if step.who and self.who is not None and not self.who(actor, obj, step.who):
            return _("This step is taken at another level: %(who)s.") % {
                "who": self.who_names.get(step.who, step.who)
            }
        return self.wait(obj, step, today)

    def wait(self, obj, step: Step, today: datetime.date | None = None) -> str:
        """ "公示期满（12月6日）后可批准" while ``step`` must wait for a day, else ""."""
        day = step.not_before(obj) if step.not_before is not None else None
        if day is not None and (today or timezone.localdate()) < day:
            return str(step.wait_text) % {"date": day_text(day)}
        return ""

    def available_steps(self, actor, obj, today: datetime.date | None = None) -> list[Step]:
        """The steps this actor may take on this record now, in the table's order."""
        return [s for s in self.steps if s.manual and not self.refusal(actor, obj, s, today)]

    def waiting_steps(self, actor, obj, today: datetime.date | None = None) -> list:
        """The steps this actor could take but for a day yet to come: (step, "…后可批准"),
        the greyed buttons."""
        found = []
        for s in self.steps:
            if not s.manual or self.refusal(actor, obj, s, datetime.date.max):
                continue
            said = self.wait(obj, s, today)
            if said:
                found.append((s, said))
        return found

    def _refused(self, obj, step: Step) -> str:
        current = obj._meta.get_field(self.status_field)
        label = dict(current.choices).get(getattr(obj, self.status_field), "")
        if self.refused_step is not None:
            return str(self.refused_step) % {"from": label, "step": step.done or step.name}
        target = dict(current.choices).get(step.target, step.target)
        return str(self.refused_target) % {"from": label, "to": target}

    # -- taking a step ------------------------------------------------------------------

    def transition(
        self,
        *,
        actor,
        obj: models.Model,
        step: str | None = None,
        to: str | None = None,
        reason: str = "",
        details: dict | None = None,
        apply: Callable[[models.Model, Step], None] | None = None,
        internal: bool = False,
        today: datetime.date | None = None,
    ) -> models.Model:
        """Take ``step`` (or the step that leads to status ``to``) on ``obj``.

        ``apply(locked, step)`` runs after the checks, under the lock, before the status
        changes: the step's own checks (raise ``DomainError``) and stamps (set fields).
        ``internal``: a service takes a step no button offers (a batch paying its grants).
        """
        chosen = self.step(step) if step is not None else None
        if chosen is not None and not chosen.manual and not internal:
            raise DomainError(_("Unknown step."))
        if chosen is not None:
            require_perm(actor, chosen.permission)
        with transaction.atomic():
            if self.lock_first is not None:
                self.lock_first(obj)
            locked = (
                self.model.objects.select_for_update(of=("self",))
                .select_related(*self.related)
                .get(pk=obj.pk)
            )
            require_in_scope(actor, self.org(locked))
            old = getattr(locked, self.status_field)
            if chosen is None:
                chosen = self.step_to(old, to)
                if chosen is None or not chosen.manual:
                    raise DomainError(str(self.refused_target) % self._labels(locked, to))
                require_perm(actor, chosen.permission)
            refused = self.refusal(actor, locked, chosen, today)
            if refused:
                raise DomainError(refused)
            if chosen.needs_reason and not reason.strip():
                raise DomainError({"reason": _("Give the reason.")})
            if apply is not None:
                apply(locked, chosen)
            setattr(locked, self.status_field, chosen.target)
            locked.save()
            record_event(
                actor=actor,
                action=f"{self.event}.{chosen.name}",
                org=self.org(locked),
                target=self.event_target(locked),
                details={"from": old, "to": chosen.target, **(details or {})},
            )
        return locked

    def _labels(self, obj, to: str) -> dict:
        choices = dict(obj._meta.get_field(self.status_field).choices)
        return {
            "from": choices.get(getattr(obj, self.status_field), ""),
            "to": choices.get(to, to),
        }
