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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
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
    ):
        self.model, self.steps, self.event = model, list(steps), event
        self.status_field, self.org, self.related = status_field, org, related
        self.who, self.who_names = who, who_names or {}
        self.event_target = event_target or (lambda obj: obj)
        self.lock_first = lock_first
        self.refused_step = refused_step
        self.refused_target = refused_target
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"{event}: two steps share a name")

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

    # -- who may ------------------------------------------------------------------------

    def refusal(self, actor, obj, step: Step) -> str:
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
        return ""

    def available_steps(self, actor, obj) -> list[Step]:
        """The steps this actor may take on this record now, in the table's order."""
        return [s for s in self.steps if s.manual and not self.refusal(actor, obj, s)]

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
            refused = self.refusal(actor, locked, chosen)
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
