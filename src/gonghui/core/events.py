"""Writing the event log. Services call ``record_event`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from gonghui.core.models import Event


def record_event(*, actor, action: str, org, target=None, details: dict[str, Any] | None = None):
    """Write one event row. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(
            getattr(actor, "display_name", "")
            or getattr(actor, "username", "")
            or gettext("System")
        ),
        action=action,
        org=org,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        details=_jsonable(details or {}),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# What the event log says instead of an action's code ("grant.approve" → 帮扶发放：批准). The
# verb after the dot, by name; the thing before it is a model's own name (its verbose name),
# so a new area's events read in Chinese without a list of its own.
VERBS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "import": gettext_lazy("imported"),
    "queue": gettext_lazy("file uploaded for import"),
    "set": gettext_lazy("set"),
    "withdraw": gettext_lazy("withdrawn"),
    "draft": gettext_lazy("drafted"),
    "edit": gettext_lazy("edited"),
    "move": gettext_lazy("moved in the tree"),
    "deactivate": gettext_lazy("deactivated"),
    "reactivate": gettext_lazy("reactivated"),
    "review": gettext_lazy("reviewed"),
    "standard": gettext_lazy("amount standard set"),
    "standard_delete": gettext_lazy("amount standard removed"),
    "member_add": gettext_lazy("household member added"),
    "set_password": gettext_lazy("password set"),
    "transfer_start": gettext_lazy("transfer started"),
    "transfer_accept": gettext_lazy("transfer accepted"),
    "transfer_refused": gettext_lazy("transfer refused"),
    "transfer_cancelled": gettext_lazy("transfer withdrawn"),
    "confirm": gettext_lazy("confirmed"),
    "register": gettext_lazy("registered"),
    "leave": gettext_lazy("left the union"),
    "retain": gettext_lazy("membership kept after retirement"),
    "expel": gettext_lazy("expelled"),
    "submit": gettext_lazy("submitted"),
    "notice": gettext_lazy("put on public notice"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "pay": gettext_lazy("paid"),
    "paid": gettext_lazy("marked paid"),
    "relieve": gettext_lazy("relieved"),
    "lift": gettext_lazy("lifted out of hardship"),
    "close": gettext_lazy("closed"),
    "relapse": gettext_lazy("back in hardship"),
    "verify": gettext_lazy("verified for the year"),
    "objection": gettext_lazy("objection to the public notice recorded"),
    "result": gettext_lazy("result recorded"),
    "assess": gettext_lazy("month assessed"),
    "collect": gettext_lazy("payment recorded"),
    "quota": gettext_lazy("places given"),
    "repay": gettext_lazy("repayment recorded"),
}
# Codes before the dot that are not a model's name.
SUBJECTS = {"member": "members.person", "import": "core.importjob"}


def action_label(action: str) -> str:
    """``"grant.approve"`` → ``"帮扶发放：批准"``; a code nobody named stays as it is."""
    from django.apps import apps

    subject, _dot, verb = action.partition(".")
    model = None
    if subject in SUBJECTS:
        model = apps.get_model(SUBJECTS[subject])
    else:
        model = next((m for m in apps.get_models() if m._meta.model_name == subject), None)
    said = VERBS.get(verb)
    if said is None:
        from gonghui.core.workflow import step_said

        said = step_said(subject, verb) or None
    if model is None or said is None:
        return action
    return f"{model._meta.verbose_name}：{said}"


# Keys of an event's details that are not a field of its target.
DETAIL_KEYS = {
    "period": gettext_lazy("Month"),
    "bank": gettext_lazy("Bank"),
    "account": gettext_lazy("Account (last four)"),
    "changes": gettext_lazy("Changes"),
    "reason": gettext_lazy("Reason"),
    "name": gettext_lazy("Name"),
    "id": gettext_lazy("Number"),
    "rows": gettext_lazy("Rows"),
    "imported": gettext_lazy("Imported"),
    "updated": gettext_lazy("Updated"),
    "rejected": gettext_lazy("Refused"),
    "file": gettext_lazy("File"),
    "kind": gettext_lazy("Kind"),
    "count": gettext_lazy("Count"),
    "total": gettext_lazy("Total"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "code": gettext_lazy("Code"),
    "level": gettext_lazy("Level"),
    "region": gettext_lazy("Region"),
    "days": gettext_lazy("Days"),
    "size": gettext_lazy("Size (bytes)"),
    "campaign": gettext_lazy("Campaign"),
    "amount": gettext_lazy("Amount (yuan)"),
    "category": gettext_lazy("Category"),
    "school_level": gettext_lazy("School level"),
    "max": gettext_lazy("Highest amount (yuan)"),
    "per_capita": gettext_lazy("Income per head per month (yuan)"),
    "qualifies": gettext_lazy("Qualifies"),
    "relation": gettext_lazy("Relation"),
    "note": gettext_lazy("Notes"),
    "batch": gettext_lazy("Payment batch"),
    "paid_on": gettext_lazy("Paid on"),
    "filter": gettext_lazy("Filter"),
    "at": gettext_lazy("Time"),
    "id_number": gettext_lazy("ID number"),
    "status": gettext_lazy("Status"),
    "answer": gettext_lazy("Answer"),
    "on": gettext_lazy("Date"),
    "job": gettext_lazy("Import number"),
    "import_job": gettext_lazy("Import number"),
    "people": gettext_lazy("People"),
    "indicator": gettext_lazy("Indicator"),
    "year": gettext_lazy("Year"),
    "value": gettext_lazy("Value"),
    "created": gettext_lazy("Newly set"),
    "figures": gettext_lazy("Figures"),
    "characters": gettext_lazy("Characters"),
    "role": gettext_lazy("Role"),
    "mode": gettext_lazy("Mode"),
    "sent_on_from": gettext_lazy("Sent on from"),
    "union": gettext_lazy("Union"),
}


def details_lines(event) -> list[str]:
    """An event's details as a clerk reads them: "名称：…", "状态：在档 → 已脱困", each key
    by the target's field name where it is one."""
    import json

    from gonghui.reports.registry import all_indicators

    indicators = all_indicators()
    model = event.target_type.model_class() if event.target_type_id else None

    def label(key: str) -> str:
        names = {f.name: f for f in model._meta.get_fields()} if model is not None else {}
        field = names.get(key)
        if field is not None and hasattr(field, "verbose_name"):
            return str(field.verbose_name)
        return str(DETAIL_KEYS.get(key, key))

    def text(value) -> str:
        if isinstance(value, bool):
            return str(gettext_lazy("Yes") if value else gettext_lazy("No"))
        if isinstance(value, str) and value in indicators:
            return str(indicators[value].name)  # members.current → 会员人数
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return "" if value is None else str(value)

    lines = []
    for key, value in (event.details or {}).items():
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                old, new = [*change, None, None][:2] if isinstance(change, list) else ("", change)
                lines.append(f"{label(field)}：{text(old)} → {text(new)}")
        else:
            lines.append(f"{label(key)}：{text(value)}")
    return lines
