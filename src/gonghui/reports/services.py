"""Writes of the reports app: yearly targets, set from above, and work reports, drafted from
the indicators and edited by the office."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.orgs.models import Org
from gonghui.reports.models import PlanItem, Target, WorkReport
from gonghui.reports.registry import all_indicators


def target_set(*, actor, org: Org, indicator: str, year: int, value) -> Target:
    """Set (or change) an org's target for a year. Only an org above it sets it: a township
    does not set its own target, the county does."""
    require_perm(actor, "reports.add_target")
    if indicator not in all_indicators():
        raise DomainError({"indicator": _("No such indicator.")})
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError({"value": _("Not a number.")}) from None
    if amount <= 0:
        raise DomainError({"value": _("A target is more than zero.")})
    with transaction.atomic():
        require_in_scope(actor, org)
        _refuse_own(actor, org)
        target, created = Target.objects.update_or_create(
            org=org,
            indicator=indicator,
            year=year,
            defaults={"value": amount, "set_by": actor if getattr(actor, "pk", None) else None},
        )
        record_event(
            actor=actor,
            action="target.set",
            org=org,
            target=target,
            details={"indicator": indicator, "year": year, "value": amount, "created": created},
        )
    return target


def target_delete(*, actor, target: Target) -> None:
    """Withdraw a target. Like setting it, only an org above the target's org may: a township
    cannot drop the task the county gave it."""
    require_perm(actor, "reports.delete_target")
    with transaction.atomic():
        locked = Target.objects.select_for_update().select_related("org").get(pk=target.pk)
        require_in_scope(actor, locked.org)
        _refuse_own(actor, locked.org)
        locked.delete()
        record_event(
            actor=actor,
            action="target.withdraw",
            org=locked.org,
            details={"indicator": locked.indicator, "year": locked.year},
        )


def _refuse_own(actor, org: Org) -> None:
    own = getattr(actor, "org", None)
    if own is not None and own.pk == org.pk:
        raise DomainError(_("An organisation's targets are set by the organisation above."))


def work_report_draft(*, actor, org: Org, start, end) -> WorkReport:
    """Draft the period's work report from the indicators, as ``summary.work_report`` writes
    it, and keep the figures it used for tracing them later."""
    from django.utils import timezone

    from gonghui.reports.summary import work_report

    require_perm(actor, "reports.add_workreport")
    if end < start:
        raise DomainError({"date_to": _("The period ends before it starts.")})
    generated = work_report(actor, org, start, end)  # checks the scope
    with transaction.atomic():
        now = timezone.now()
        report = WorkReport.objects.create(
            org=org,
            date_from=start,
            date_to=end,
            title=generated.title,
            text=generated.body(),
            figures=[
                [key, str(value), text, phrase] for key, value, text, phrase in generated.phrases()
            ],
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            updated_at=now,
        )
        record_event(
            actor=actor,
            action="workreport.draft",
            org=org,
            target=report,
            details={"from": start, "to": end, "figures": len(report.figures)},
        )
    return report


def work_report_edit(*, actor, report: WorkReport, title: str, text: str) -> WorkReport:
    """Save the office's edits. The event keeps the size of the change, not the prose."""
    from django.utils import timezone

    require_perm(actor, "reports.change_workreport")
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("The title is empty.")
    if not text:
        errors["text"] = _("The report has no text.")
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        locked = WorkReport.objects.select_for_update().get(pk=report.pk)
        require_in_scope(actor, locked.org)
        if (locked.title, locked.text) == (title, text):
            return locked
        before = len(locked.text)
        locked.title, locked.text, locked.updated_at = title, text, timezone.now()
        locked.save(update_fields=["title", "text", "updated_at"])
        record_event(
            actor=actor,
            action="workreport.edit",
            org=locked.org,
            target=locked,
            details={"characters": [before, len(text)]},
        )
    return locked


def work_report_delete(*, actor, report: WorkReport) -> None:
    from gonghui.core.services import record_delete

    record_delete(actor=actor, instance=report)


def targets_split(*, actor, org: Org, indicator: str, year: int, values: dict) -> int:
    """Hand out a year's target of one indicator to the orgs directly beneath ``org`` (年度任务
    分解): ``values`` maps each child's id to its target, blank for none (an existing one is
    withdrawn). All or nothing: one wrong figure refuses the whole split, naming the org."""
    require_perm(actor, "reports.add_target")
    require_perm(actor, "reports.delete_target")
    if indicator not in all_indicators():
        raise DomainError({"indicator": _("No such indicator.")})
    children = {c.pk: c for c in Org.objects.filter(parent=org, is_active=True)}
    amounts, errors = {}, []
    for org_id, raw in values.items():
        child = children.get(int(org_id))
        if child is None:
            raise DomainError(_("Targets are handed out to the organisations directly beneath."))
        text = str(raw or "").strip().replace(",", "")
        if not text:
            amounts[child.pk] = None
            continue
        try:
            amount = Decimal(text).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors.append(
                _("%(org)s: “%(value)s” is not a number.") % {"org": child.name, "value": raw}
            )
            continue
        if amount <= 0:
            errors.append(_("%(org)s: a target is more than zero.") % {"org": child.name})
            continue
        amounts[child.pk] = amount
    if errors:
        raise DomainError(errors)
    written = 0
    with transaction.atomic():
        require_in_scope(actor, org)
        for org_id, amount in amounts.items():
            child = children[org_id]
            if amount is None:
                removed, _detail = Target.objects.filter(
                    org=child, indicator=indicator, year=year
                ).delete()
                if removed:
                    record_event(
                        actor=actor,
                        action="target.withdraw",
                        org=child,
                        details={"indicator": indicator, "year": year},
                    )
                continue
            target_set(actor=actor, org=child, indicator=indicator, year=year, value=amount)
            written += 1
    return written


def plan_item_create(*, actor, org: Org, year: int, text: str, order: int = 0) -> PlanItem:
    """A line of the org's own plan for a year."""
    from gonghui.core.services import record_create

    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("The plan item is empty.")})
    return record_create(actor=actor, instance=PlanItem(org=org, year=year, text=text, order=order))


def plan_item_update(*, actor, item: PlanItem, changes: dict) -> PlanItem:
    from gonghui.core.services import record_update

    return record_update(actor=actor, instance=item, changes=changes)


def plan_item_delete(*, actor, item: PlanItem) -> None:
    from gonghui.core.services import record_delete

    record_delete(actor=actor, instance=item)
