"""Every write of the rights area.

Collective contracts: recording a contract under negotiation, and its steps on the platform's
one workflow (approved by the workers, signed, filed, in force; or sent back by the labour
administration's objection), each checked by the rules of 集体合同规定.

Workers' congresses: an employer's congress system and its sessions (two thirds present),
with what open management disclosed.

Labour-dispute mediation: a mediation room's mediators, and its cases from intake through
mediation to an agreement (and its judicial confirmation), a withdrawal or a referral to
arbitration or the court, on the same workflow mechanism. Legal aid: an application granted
with a lawyer and closed with its outcome, or refused. Both keep the worker's claim and phone
encrypted (``WorkerMatter``)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.dates import term_end
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.idnumbers import masked_name
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.core.validators import checked_amount
from gonghui.core.workflow import Step, Workflow
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.rights.models import (
    CollectiveContract,
    CongressMeeting,
    ContractReach,
    ContractSubject,
    DisputeCase,
    HotlineCall,
    LegalAidCase,
    Mediator,
    WorkersCongress,
)

S = CollectiveContract.Status
# Unions that may sign for many employers: a township's or a county's, and the grassroots
# unions made for several small firms (joint, regional, park, village, industry).
MANY_EMPLOYER_KINDS = {
    Org.Kind.JOINT,
    Org.Kind.REGIONAL,
    Org.Kind.PARK,
    Org.Kind.VILLAGE,
    Org.Kind.INDUSTRY_UNION,
}
# What the negotiation settles and a clerk may change until the workers approve it.
TERMS = (
    "title",
    "reach",
    "subject",
    "workers_covered",
    "women_covered",
    "union_negotiator",
    "employer_negotiator",
    "rounds",
    "term_years",
)


def _in_subtree(org: Org, employer: Employer) -> bool:
    """Registered in the union's subtree, or unionised by a union in it."""
    return employer.org.is_within(org) or bool(employer.union and employer.union.is_within(org))


def _locked(contract: CollectiveContract) -> CollectiveContract:
    return (
        CollectiveContract.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=contract.pk)
    )


def _lock_negotiating(actor, contract: CollectiveContract, action: str, refused: str):
    """The contract, locked and in the actor's scope, still under negotiation: its terms change
    and it goes only before the workers approve it (an approval at the same moment waits)."""
    require_perm(actor, f"rights.{action}_collectivecontract")
    locked = _locked(contract)
    require_in_scope(actor, locked.org)
    if locked.status != S.NEGOTIATING:
        raise DomainError(refused)
    return locked


def check_contract(contract: CollectiveContract, employers: list[Employer]) -> None:
    """Who may sign for which employers, the term and the coverage: refused with the rule."""
    org = contract.org
    if contract.reach == ContractReach.SINGLE:
        if org.level != Org.Level.GRASSROOTS:
            raise DomainError(
                {"org": _("A contract of one employer is signed by that employer's own union.")}
            )
        if len(employers) != 1:
            raise DomainError({"employers": _("A contract of one employer covers one employer.")})
        if employers[0].union_id != org.pk:
            raise DomainError(
                {
                    "employers": _("%(name)s is not the employer of %(union)s.")
                    % {"name": employers[0].name, "union": org.name}
                }
            )
    else:
        if org.level > Org.Level.TOWNSHIP and org.kind not in MANY_EMPLOYER_KINDS:
            raise DomainError(
                {
                    "org": _(
                        "A regional or industry contract is signed by a township, regional, "
                        "joint or industry union, or by the federation."
                    )
                }
            )
        if len(employers) < 2:
            raise DomainError(
                {"employers": _("A regional or industry contract covers two employers or more.")}
            )
    outside = [e.name for e in employers if not _in_subtree(org, e)]
    if outside:
        raise DomainError(
            {
                "employers": _("Not under %(union)s: %(names)s.")
                % {"union": org.name, "names": "、".join(outside)}
            }
        )
    if contract.subject == ContractSubject.WAGE and contract.term_years != 1:
        raise DomainError({"term_years": _("A wage agreement runs one year.")})
    if not 1 <= (contract.term_years or 0) <= 3:
        raise DomainError({"term_years": _("A collective contract runs one to three years.")})
    if not contract.workers_covered:
        raise DomainError({"workers_covered": _("Give the number of workers covered.")})
    if contract.women_covered > contract.workers_covered:
        raise DomainError({"women_covered": _("More women workers than workers covered.")})


def contract_create(*, actor, employers: Iterable[Employer], **values) -> CollectiveContract:
    """A contract under negotiation: its parties, type, coverage and negotiators."""
    employers = list(employers)
    contract = CollectiveContract(**values)
    if contract.org_id is None:
        raise DomainError({"org": _("Choose the union that signs the contract.")})
    check_contract(contract, employers)
    with transaction.atomic():
        record_create(actor=actor, instance=contract)
        contract.employers.set(employers)
    return contract


def contract_update(
    *, actor, contract: CollectiveContract, changes: dict, employers=None
) -> CollectiveContract:
    """Change a contract while it is negotiated; past that its terms are what was approved."""
    unknown = set(changes) - set(TERMS)
    with transaction.atomic():
        locked = _lock_negotiating(
            actor, contract, "change", _("Only a contract under negotiation can be changed.")
        )
        if unknown:
            raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
        for key, value in changes.items():
            setattr(locked, key, value)
        chosen = list(employers) if employers is not None else list(locked.employers.all())
        check_contract(locked, chosen)
        updated = record_update(actor=actor, instance=contract, changes=changes)
        if employers is not None:
            before = set(locked.employers.values_list("pk", flat=True))
            if before != {e.pk for e in chosen}:
                updated.employers.set(chosen)
                record_event(
                    actor=actor,
                    action="collectivecontract.update",
                    org=updated.org,
                    target=updated,
                    details={"employers": [len(before), len(chosen)]},
                )
    return updated


def contract_delete(*, actor, contract: CollectiveContract) -> None:
    with transaction.atomic():
        _lock_negotiating(
            actor, contract, "delete", _("Only a contract under negotiation can be deleted.")
        )
        record_delete(actor=actor, instance=contract)


# "（2023年）" or "（2026年续签）" at the end of a title: the renewal says its own year instead.
_YEAR_SUFFIX = re.compile(r"（\d{4}年(续签)?）$")


def contract_renew(
    *, actor, contract: CollectiveContract, today: datetime.date | None = None
) -> CollectiveContract:
    """Open the negotiation of the next contract: the same parties, type and coverage."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # Locked first: two clerks renewing at once open one renewal, not two.
        contract = _locked(contract)
        if contract.status != S.IN_FORCE:
            raise DomainError(_("Only a contract in force is renewed."))
        if contract.renewals.exists():
            raise DomainError(_("Its renewal is already under way."))
        year = (contract.expires_on or today).year + 1
        return contract_create(
            actor=actor,
            employers=contract.employers.all(),
            org=contract.org,
            title=f"{_YEAR_SUFFIX.sub('', contract.title)}（{year}年续签）",
            reach=contract.reach,
            subject=contract.subject,
            workers_covered=contract.workers_covered,
            women_covered=contract.women_covered,
            union_negotiator=contract.union_negotiator,
            employer_negotiator=contract.employer_negotiator,
            rounds=1,
            term_years=contract.term_years,
            renewal_of=contract,
        )


def _not_after_today(day, field, today):
    if day is None:
        raise DomainError({field: _("Give the date.")})
    if day > today:
        raise DomainError({field: _("The date is in the future.")})


def _approve(c: CollectiveContract, v: dict, today) -> None:
    for name in ("assembly", "eligible", "present", "in_favour"):
        if v.get(name) in (None, ""):
            raise DomainError(
                {name: _("Give the vote: who voted, how many in all, present, in favour.")}
            )
    eligible, present, in_favour = v["eligible"], v["present"], v["in_favour"]
    if eligible < 1 or present > eligible or in_favour > present:
        raise DomainError(
            {
                "present": _("In favour ≤ present ≤ all: %(a)s, %(p)s, %(f)s.")
                % {"a": eligible, "p": present, "f": in_favour}
            }
        )
    if present * 3 < eligible * 2:
        raise DomainError(
            {
                "present": _(
                    "Fewer than two thirds present (%(p)s of %(a)s): the draft cannot be voted on."
                )
                % {"p": present, "a": eligible}
            }
        )
    if in_favour * 2 <= eligible:
        raise DomainError(
            {
                "in_favour": _(
                    "Not more than half of all in favour (%(f)s of %(a)s): the draft is not "
                    "approved."
                )
                % {"f": in_favour, "a": eligible}
            }
        )
    _not_after_today(v.get("approved_on"), "approved_on", today)
    c.assembly, c.eligible, c.present, c.in_favour = v["assembly"], eligible, present, in_favour
    c.approved_on = v["approved_on"]
    c.objection = ""


def _sign(c: CollectiveContract, v: dict, today) -> None:
    day = v.get("signed_on")
    _not_after_today(day, "signed_on", today)
    if day < c.approved_on:
        raise DomainError({"signed_on": _("Signed before the workers approved it.")})
    c.signed_on = day


def _file(c: CollectiveContract, v: dict, today) -> None:
    day = v.get("filed_on")
    _not_after_today(day, "filed_on", today)
    if day < c.signed_on:
        raise DomainError({"filed_on": _("Filed before it was signed.")})
    c.filed_on = day


def _effect(c: CollectiveContract, v: dict, today) -> None:
    day = v.get("effective_from") or c.objection_window_ends
    if day < c.objection_window_ends:
        raise DomainError(
            {
                "effective_from": _(
                    "It takes effect when the 15-day objection window has passed (%(date)s)."
                )
                % {"date": c.objection_window_ends.isoformat()}
            }
        )
    c.effective_from = day
    c.expires_on = term_end(day, c.term_years)


def _object(c: CollectiveContract, v: dict, today) -> None:
    # Sent back: negotiated again, approved again, signed and filed again.
    c.assembly, c.eligible, c.present, c.in_favour = "", None, None, None
    c.approved_on = c.signed_on = c.filed_on = None


CHANGE = "rights.change_collectivecontract"
CONTRACT = Workflow(
    CollectiveContract,
    [
        Step(
            "approve",
            (S.NEGOTIATING,),
            S.APPROVED,
            CHANGE,
            label=gettext_lazy("Record the workers' approval"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "sign",
            (S.APPROVED,),
            S.SIGNED,
            CHANGE,
            label=gettext_lazy("Record the signing"),
            done=gettext_lazy("signed"),
        ),
        Step(
            "file",
            (S.SIGNED,),
            S.FILED,
            CHANGE,
            label=gettext_lazy("Record the filing"),
            done=gettext_lazy("filed"),
        ),
        Step(
            "effect",
            (S.FILED,),
            S.IN_FORCE,
            CHANGE,
            label=gettext_lazy("Record it in force"),
            done=gettext_lazy("put in force"),
            not_before=lambda c: c.objection_window_ends,
            wait_text=gettext_lazy("In force once the objection window ends (%(date)s)."),
        ),
        Step(
            "object",
            (S.FILED,),
            S.NEGOTIATING,
            CHANGE,
            label=gettext_lazy("Objection: negotiate again"),
            done=gettext_lazy("sent back"),
            needs_reason=True,
        ),
    ],
    event="collectivecontract",
    related=("org",),
    refused_step=gettext_lazy("A contract that is “%(from)s” cannot be %(step)s."),
)
STEP_RULES = {
    "approve": _approve,
    "sign": _sign,
    "file": _file,
    "effect": _effect,
    "object": _object,
}
# The fields each step records, for its form.
STEP_FIELDS = {
    "approve": ("assembly", "eligible", "present", "in_favour", "approved_on"),
    "sign": ("signed_on",),
    "file": ("filed_on",),
    "effect": ("effective_from",),
}


def contract_import_steps(contract: CollectiveContract, values: dict, today) -> list:
    """The steps a contract of a register takes to stand where its dates say (approved and
    signed; filed; in force from the day given, or once the objection window has passed),
    each checked on ``contract`` by the rule the step applies. Returns (step, values) pairs."""
    vote = {k: values.get(k) for k in STEP_FIELDS["approve"]}
    steps = [("approve", vote), ("sign", {"signed_on": values.get("signed_on")})]
    if values.get("filed_on"):
        steps.append(("file", {"filed_on": values["filed_on"]}))
    elif values.get("effective_from"):
        raise DomainError({"filed_on": _("In force only after it was filed: give the day.")})
    for step, step_values in steps:
        STEP_RULES[step](contract, step_values, today)
    if contract.filed_on:
        window = contract.objection_window_ends
        day = values.get("effective_from")
        if day is not None and day > today:
            raise DomainError({"effective_from": _("The date is in the future.")})
        if day is not None or window <= today:
            effect = {"effective_from": day or window}
            _effect(contract, effect, today)
            steps.append(("effect", effect))
    return steps


def _take_step(workflow, rules, record, *, actor, step, values, reason, today, note_field):
    """Take ``step`` on ``record``: the step's rule checks and stamps what it records
    (``values``); a step that needs a reason keeps it in ``note_field``. The event carries the
    values given and the reason."""
    today = today or timezone.localdate()
    values = dict(values or {})
    rule = rules.get(step)

    def apply(locked, chosen):
        if rule is not None:
            rule(locked, values, today)
        if chosen.needs_reason:
            setattr(locked, note_field, reason.strip())

    return workflow.transition(
        actor=actor,
        obj=record,
        step=step,
        reason=reason,
        apply=apply,
        today=today,
        details={k: str(v) for k, v in values.items() if v not in (None, "")}
        | ({"reason": reason.strip()} if reason.strip() else {}),
    )


def contract_transition(
    *,
    actor,
    contract: CollectiveContract,
    step: str,
    values: dict | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> CollectiveContract:
    """Take a step with what it records (the vote, a date); refused with the rule it breaks."""
    return _take_step(
        CONTRACT,
        STEP_RULES,
        contract,
        actor=actor,
        step=step,
        values=values,
        reason=reason,
        today=today,
        note_field="objection",
    )


# -- Labour-dispute mediation ---------------------------------------------------------------

CASE_PURPOSE = "rights.dispute_claim"
CASE_PHONE_PURPOSE = "rights.dispute_phone"
C = DisputeCase.Status
ROOM = ServicePoint.Kind.MEDIATION_ROOM
# What the intake records and a mediator may correct until the case is closed.
CASE_FIELDS = (
    "channel",
    "dispute_type",
    "worker_name",
    "worker_is_member",
    "workers_involved",
    "employer",
    "employer_name",
    "amount_claimed",
    "received_on",
)
MEDIATOR_FIELDS = ("room", "name", "kind", "is_active")


def _room_check(room: ServicePoint | None) -> ServicePoint:
    if room is None:
        raise DomainError({"room": _("Choose the mediation room.")})
    if room.kind != ROOM or not room.is_active:
        raise DomainError({"room": _("%(name)s is not a mediation room in use.") % {"name": room}})
    return room


def mediator_create(*, actor, room: ServicePoint, name: str, kind: str, is_active=True) -> Mediator:
    """A mediator of a room; the room's union keeps the record."""
    if room is not None:  # in scope before anything is said about it
        require_perm(actor, "rights.add_mediator")
        require_in_scope(actor, room.org)
    _room_check(room)
    return record_create(
        actor=actor,
        instance=Mediator(
            org=room.org, room=room, name=name.strip(), kind=kind, is_active=is_active
        ),
    )


def mediator_update(*, actor, mediator: Mediator, changes: dict) -> Mediator:
    unknown = set(changes) - set(MEDIATOR_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
    changes = dict(changes)
    require_perm(actor, "rights.change_mediator")
    require_in_scope(actor, mediator.org)
    if changes.get("room") is not None:
        require_in_scope(actor, changes["room"].org)  # before it is named
    if "room" in changes:
        changes["org"] = _room_check(changes["room"]).org
    return record_update(actor=actor, instance=mediator, changes=changes)


def mediator_delete(*, actor, mediator: Mediator) -> None:
    """A mediator who has taken no case; one who has is marked no longer active instead."""
    require_perm(actor, "rights.delete_mediator")
    require_in_scope(actor, mediator.org)
    if mediator.cases.exists():
        raise DomainError(
            _("%(name)s has mediated cases: mark the mediator as no longer active instead.")
            % {"name": mediator.name}
        )
    record_delete(actor=actor, instance=mediator)


def _phone(
    raw: str, field: str = "worker_phone", purpose: str = CASE_PHONE_PURPOSE
) -> tuple[bytes | None, str]:
    from gonghui.core.crypto import cipher
    from gonghui.core.imports.spec import CellError
    from gonghui.members.crypto import normalize_phone

    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        number, _repaired = normalize_phone(raw)
    except CellError as exc:
        raise DomainError({field: str(exc)}) from None
    return cipher().encrypt(number, purpose), number[-4:]


def _matter_check(actor, matter, today: datetime.date, day_field: str, employer=True) -> None:
    """The worker, the employer (one registered in the matter's union's subtree, or written by
    name; checked when it is chosen), the day taken on."""
    if not matter.worker_name.strip():
        raise DomainError({"worker_name": _("Give the worker's name.")})
    if matter.employer is None and not matter.employer_name.strip():
        raise DomainError(
            {"employer": _("Choose the employer, or write its name if it is not registered.")}
        )
    if employer and matter.employer is not None and not _in_subtree(matter.org, matter.employer):
        raise DomainError(
            {
                "employer": _(
                    "The employer chosen is not registered in these unions: write its name."
                )
            }
        )
    _not_after_today(getattr(matter, day_field), day_field, today)
    if (matter.workers_involved or 0) < 1:
        raise DomainError({"workers_involved": _("At least one worker is involved.")})
    if matter.amount_claimed is not None and matter.amount_claimed < 0:
        raise DomainError({"amount_claimed": _("The amount cannot be negative.")})


def _worker_values(
    *,
    worker_name,
    claim,
    worker_phone="",
    worker_is_member=False,
    workers_involved=1,
    employer=None,
    employer_name="",
    amount_claimed=None,
    dispute_type,
) -> dict:
    """The worker's side of a matter as stored: the claim and the phone encrypted."""
    from gonghui.core.crypto import cipher

    if not (claim or "").strip():
        raise DomainError({"claim": _("Write what the worker claims.")})
    phone, last4 = _phone(worker_phone)
    return {
        "dispute_type": dispute_type,
        "worker_name": worker_name.strip(),
        "worker_is_member": worker_is_member,
        "worker_phone": phone,
        "worker_phone_last4": last4,
        "workers_involved": workers_involved,
        "employer": employer,
        "employer_name": "" if employer is not None else employer_name.strip(),
        "claim": cipher().encrypt(claim.strip(), CASE_PURPOSE),
        "amount_claimed": amount_claimed,
    }


def _next_number(lock, records, prefix: str) -> str:
    """ "（2026）诉调字第7号": the next number after ``prefix`` among ``records``; ``lock`` (the
    room's or the union's row) is locked first, so two intakes at once do not take one number."""
    lock.__class__.objects.select_for_update().get(pk=lock.pk)
    numbers = records.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n.removeprefix(prefix).removesuffix("号")) for n in numbers]
    return f"{prefix}{max(used, default=0) + 1}号"


def case_create(
    *,
    actor,
    room: ServicePoint,
    channel: str,
    received_on: datetime.date,
    today: datetime.date | None = None,
    **worker,
) -> DisputeCase:
    """A dispute taken on by a mediation room: the worker (``worker_name``, ``claim``,
    ``worker_phone``, ``worker_is_member``, ``workers_involved``), the employer (``employer``
    or ``employer_name``), the ``dispute_type`` and the ``amount_claimed``."""
    today = today or timezone.localdate()
    if room is not None:  # in scope before anything is said about it
        require_perm(actor, "rights.add_disputecase")
        require_in_scope(actor, room.org)
    _room_check(room)
    case = DisputeCase(
        org=room.org,
        room=room,
        channel=channel,
        received_on=received_on,
        **_worker_values(**worker),
    )
    _matter_check(actor, case, today, "received_on")
    with transaction.atomic():
        case.number = _next_number(
            room, DisputeCase.objects.filter(room=room), f"（{received_on.year}）诉调字第"
        )
        return record_create(actor=actor, instance=case)


def _matter_update(actor, matter, changes: dict, *, fields, open_statuses, refused, check):
    """Correct a matter's intake while it is open; ``claim`` and ``worker_phone`` in clear are
    encrypted here (an empty one leaves the stored one). The event says what changed, not the
    worker's data: the claim and the phone as changed, the name masked."""
    from gonghui.core.crypto import cipher

    model = type(matter)
    changes = dict(changes)
    claim = changes.pop("claim", None)
    phone = changes.pop("worker_phone", None)
    unknown = set(changes) - set(fields)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
    if (claim or "").strip():
        changes["claim"] = cipher().encrypt(claim.strip(), CASE_PURPOSE)
    if (phone or "").strip():
        changes["worker_phone"], changes["worker_phone_last4"] = _phone(phone)
    if changes.get("employer") is not None:
        changes["employer_name"] = ""
    with transaction.atomic():
        require_perm(actor, f"rights.change_{model._meta.model_name}")
        locked = model.objects.select_for_update(of=("self",)).get(pk=matter.pk)
        require_in_scope(actor, locked.org)
        if locked.status not in open_statuses:
            raise DomainError(refused)
        for key, value in changes.items():
            setattr(locked, key, value)
        check(locked)
        if not changes:
            return locked
        full_clean(locked)
        locked.save()
        said = {
            key: "已更改"
            if key in ("claim", "worker_phone")
            else masked_name(value)
            if key == "worker_name"
            else str(value)
            for key, value in changes.items()
            if key != "worker_phone_last4"
        }
        record_event(
            actor=actor,
            action=f"{model._meta.model_name}.update",
            org=locked.org,
            target=locked,
            details={"changes": said},
        )
        return locked


def case_update(
    *, actor, case: DisputeCase, changes: dict, today: datetime.date | None = None
) -> DisputeCase:
    """Correct the intake while the case is open."""
    today = today or timezone.localdate()

    def check(locked):
        _matter_check(actor, locked, today, "received_on", "employer" in changes)
        started = locked.mediation_started_on
        if "received_on" in changes and started and locked.received_on > started:
            raise DomainError({"received_on": _("Received after the mediation started.")})

    return _matter_update(
        actor,
        case,
        changes,
        fields=CASE_FIELDS,
        open_statuses=(C.RECEIVED, C.MEDIATING),
        refused=_("A closed case is not changed."),
        check=check,
    )


def _matter_delete(actor, matter, first_status: str, refused: str) -> None:
    model = type(matter)
    with transaction.atomic():
        require_perm(actor, f"rights.delete_{model._meta.model_name}")
        locked = model.objects.select_for_update(of=("self",)).get(pk=matter.pk)
        require_in_scope(actor, locked.org)
        if locked.status != first_status:
            raise DomainError(refused)
        if locked.calls.exists():
            raise DomainError(_("A hotline call is linked to it: unlink the call first."))
        record_delete(actor=actor, instance=locked)


def case_delete(*, actor, case: DisputeCase) -> None:
    """A case recorded by mistake, before any mediation; later ones are withdrawn instead."""
    _matter_delete(
        actor,
        case,
        C.RECEIVED,
        _("Only a case not yet mediated can be deleted; record a withdrawal."),
    )


def _matter_private(actor, matter) -> tuple[str, str]:
    """The claim and the phone in clear for those who handle the matter, written to the
    access log; ("", "") for anyone else."""
    from gonghui.core.access_log import log_access
    from gonghui.core.crypto import cipher
    from gonghui.core.models import AccessLog

    if actor is not None and not actor.has_perm(f"rights.change_{matter._meta.model_name}"):
        return "", ""
    require_in_scope(actor, matter.org)
    log_access(
        actor=actor, action=AccessLog.Action.VIEW_DISPUTE_DATA, target=matter, org=matter.org
    )
    c = cipher()
    claim = c.decrypt(bytes(matter.claim), CASE_PURPOSE)
    phone = c.decrypt(bytes(matter.worker_phone), CASE_PHONE_PURPOSE) if matter.worker_phone else ""
    return claim, phone


def case_private(*, actor, case: DisputeCase) -> tuple[str, str]:
    """The case's claim and phone for its mediators (logged)."""
    return _matter_private(actor, case)


def _start(case: DisputeCase, v: dict, today) -> None:
    mediator = v.get("mediator")
    if mediator is None:
        raise DomainError({"mediator": _("Choose the mediator.")})
    if mediator.room_id != case.room_id or not mediator.is_active:
        # Not named: a mediator of another room may be outside the actor's subtree.
        raise DomainError({"mediator": _("The mediator chosen does not mediate in this room.")})
    day = v.get("mediation_started_on")
    _not_after_today(day, "mediation_started_on", today)
    if day < case.received_on:
        raise DomainError({"mediation_started_on": _("Started before the case was received.")})
    case.mediator, case.mediation_started_on = mediator, day


def _close(case: DisputeCase, v: dict, today) -> None:
    day = v.get("closed_on")
    _not_after_today(day, "closed_on", today)
    start = case.mediation_started_on or case.received_on
    if day < start:
        raise DomainError({"closed_on": _("Closed before %(date)s.") % {"date": start}})
    case.closed_on = day


def _agree(case: DisputeCase, v: dict, today) -> None:
    _close(case, v, today)
    amount = v.get("amount_recovered")
    if amount is None:
        raise DomainError({"amount_recovered": _("Give the amount recovered (0 if none).")})
    case.amount_recovered = checked_amount(amount, "amount_recovered", 10)


def _confirm(case: DisputeCase, v: dict, today) -> None:
    day = v.get("confirmed_on")
    _not_after_today(day, "confirmed_on", today)
    if day < case.closed_on:
        raise DomainError({"confirmed_on": _("Confirmed before the agreement was reached.")})
    case.confirmed_on = day


def _refer(case: DisputeCase, v: dict, today) -> None:
    _close(case, v, today)
    if not v.get("referred_to"):
        raise DomainError({"referred_to": _("Say where the case goes: arbitration or the court.")})
    case.referred_to = v["referred_to"]


CASE_CHANGE = "rights.change_disputecase"
CASE = Workflow(
    DisputeCase,
    [
        Step(
            "start",
            (C.RECEIVED,),
            C.MEDIATING,
            CASE_CHANGE,
            label=gettext_lazy("Start the mediation"),
            done=gettext_lazy("taken into mediation"),
        ),
        Step(
            "agree",
            (C.MEDIATING,),
            C.AGREED,
            CASE_CHANGE,
            label=gettext_lazy("Record the agreement"),
            done=gettext_lazy("settled by agreement"),
        ),
        Step(
            "confirm",
            (C.AGREED,),
            C.CONFIRMED,
            CASE_CHANGE,
            label=gettext_lazy("Record the judicial confirmation"),
            done=gettext_lazy("judicially confirmed"),
        ),
        Step(
            "refer",
            (C.MEDIATING,),
            C.REFERRED,
            CASE_CHANGE,
            label=gettext_lazy("Not settled: refer on"),
            done=gettext_lazy("referred on"),
            needs_reason=True,
        ),
        Step(
            "withdraw",
            (C.RECEIVED, C.MEDIATING),
            C.WITHDRAWN,
            CASE_CHANGE,
            label=gettext_lazy("Record the withdrawal"),
            done=gettext_lazy("withdrawn"),
            needs_reason=True,
        ),
    ],
    event="disputecase",
    related=("org", "room"),
    refused_step=gettext_lazy("A case that is “%(from)s” cannot be %(step)s."),
)
CASE_RULES = {
    "start": _start,
    "agree": _agree,
    "confirm": _confirm,
    "refer": _refer,
    "withdraw": _close,
}
CASE_STEP_FIELDS = {
    "start": ("mediator", "mediation_started_on"),
    "agree": ("closed_on", "amount_recovered"),
    "confirm": ("confirmed_on",),
    "refer": ("closed_on", "referred_to"),
    "withdraw": ("closed_on",),
}


def case_transition(
    *,
    actor,
    case: DisputeCase,
    step: str,
    values: dict | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> DisputeCase:
    """Take a step of a case with what it records (the mediator, a date, the amount)."""
    return _take_step(
        CASE,
        CASE_RULES,
        case,
        actor=actor,
        step=step,
        values=values,
        reason=reason,
        today=today,
        note_field="close_note",
    )


# -- Workers' congresses and open management ------------------------------------------------

W = WorkersCongress.Form
CONGRESS_FIELDS = (
    "form",
    "established_on",
    "term_started_on",
    "term_years",
    "staff",
    "women_staff",
    "representatives",
    "women_representatives",
    "manager_representatives",
    "frontline_representatives",
)
MEETING_FIELDS = ("held_on", "kind", "attended", "matters", "disclosures")


def _congress_check(congress: WorkersCongress, today: datetime.date) -> None:
    employer = congress.employer
    if employer.union_id is None:
        raise DomainError(
            {"employer": _("%(name)s has no union yet: the union is the congress's working body.")
             % {"name": employer.name}}
        )  # fmt: skip
    if not 3 <= (congress.term_years or 0) <= 5:
        raise DomainError({"term_years": _("A congress's term is three to five years.")})
    _not_after_today(congress.established_on, "established_on", today)
    _not_after_today(congress.term_started_on, "term_started_on", today)
    if congress.term_started_on < congress.established_on:
        raise DomainError({"term_started_on": _("The term starts before the system was set up.")})
    if not congress.staff:
        raise DomainError({"staff": _("Give the number of employees.")})
    if congress.women_staff > congress.staff:
        raise DomainError({"women_staff": _("More women employees than employees.")})
    if congress.form == W.ALL_STAFF:
        congress.representatives = congress.staff  # every employee sits in it
    if not congress.representatives or congress.representatives > congress.staff:
        raise DomainError(
            {"representatives": _("Between 1 and the number of employees (%(n)s).")
             % {"n": congress.staff}}
        )  # fmt: skip
    for name in ("women_representatives", "manager_representatives", "frontline_representatives"):
        if getattr(congress, name) > congress.representatives:
            raise DomainError({name: _("More than the representatives in all.")})


def congress_create(
    *,
    actor,
    employer: Employer,
    form: str,
    established_on: datetime.date,
    term_started_on: datetime.date | None = None,
    term_years: int = 3,
    staff: int | None = None,
    women_staff: int = 0,
    representatives: int | None = None,
    women_representatives: int = 0,
    manager_representatives: int = 0,
    frontline_representatives: int = 0,
    today: datetime.date | None = None,
) -> WorkersCongress:
    """An employer's congress system, kept by its union; one per employer."""
    today = today or timezone.localdate()
    congress = WorkersCongress(
        org_id=employer.union_id,
        employer=employer,
        form=form,
        established_on=established_on,
        term_started_on=term_started_on or established_on,
        term_years=term_years,
        staff=staff if staff is not None else employer.headcount,
        women_staff=women_staff,
        representatives=representatives or 0,
        women_representatives=women_representatives,
        manager_representatives=manager_representatives,
        frontline_representatives=frontline_representatives,
    )
    require_perm(actor, "rights.add_workerscongress")
    require_in_scope(actor, employer.union or employer.org)
    _congress_check(congress, today)
    if WorkersCongress.objects.filter(employer=employer).exists():
        raise DomainError(
            {"employer": _("%(name)s already has its congress recorded: open it to change it.")
             % {"name": employer.name}}
        )  # fmt: skip
    return record_create(actor=actor, instance=congress)


def congress_update(
    *, actor, congress: WorkersCongress, changes: dict, today: datetime.date | None = None
) -> WorkersCongress:
    """Correct the record, or start a new term (换届) with its new make-up."""
    today = today or timezone.localdate()
    unknown = set(changes) - set(CONGRESS_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
    with transaction.atomic():
        require_perm(actor, "rights.change_workerscongress")
        locked = WorkersCongress.objects.select_for_update(of=("self",)).get(pk=congress.pk)
        require_in_scope(actor, locked.org)
        for key, value in changes.items():
            setattr(locked, key, value)
        _congress_check(locked, today)
        changes = dict(changes, representatives=locked.representatives)
        return record_update(actor=actor, instance=congress, changes=changes)


def congress_delete(*, actor, congress: WorkersCongress) -> None:
    """A record made by mistake; one with sessions on record stays."""
    require_perm(actor, "rights.delete_workerscongress")
    require_in_scope(actor, congress.org)
    if congress.meetings.exists():
        raise DomainError(_("Its sessions are on record: the congress cannot be deleted."))
    record_delete(actor=actor, instance=congress)


def _meeting_check(meeting: CongressMeeting, today: datetime.date) -> None:
    congress = meeting.congress
    _not_after_today(meeting.held_on, "held_on", today)
    if meeting.held_on < congress.established_on:
        raise DomainError({"held_on": _("Held before the congress was set up.")})
    if meeting.attended is None or meeting.attended > congress.representatives:
        raise DomainError(
            {"attended": _("Between 0 and the representatives (%(n)s).")
             % {"n": congress.representatives}}
        )  # fmt: skip
    if meeting.attended * 3 < congress.representatives * 2:
        raise DomainError(
            {
                "attended": _(
                    "Fewer than two thirds present (%(p)s of %(a)s): the session cannot be held."
                )
                % {"p": meeting.attended, "a": congress.representatives}
            }
        )
    if not meeting.matters.strip():
        raise DomainError({"matters": _("Say what the session approved or heard.")})
    clash = CongressMeeting.objects.filter(congress=congress, held_on=meeting.held_on)
    if clash.exclude(pk=meeting.pk).exists():
        raise DomainError({"held_on": _("A session on this day is already recorded.")})


def meeting_create(
    *,
    actor,
    congress: WorkersCongress,
    held_on: datetime.date,
    attended: int,
    matters: str,
    kind: str = CongressMeeting.Kind.REGULAR,
    disclosures: Iterable[str] = (),
    today: datetime.date | None = None,
) -> CongressMeeting:
    """A session held: who came (at least two thirds), what it approved, what was disclosed."""
    today = today or timezone.localdate()
    meeting = CongressMeeting(
        congress=congress,
        org_id=congress.org_id,
        held_on=held_on,
        attended=attended,
        matters=(matters or "").strip(),
        kind=kind,
        disclosures=sorted(set(disclosures)),
    )
    require_perm(actor, "rights.add_congressmeeting")
    require_in_scope(actor, congress.org)
    _meeting_check(meeting, today)
    return record_create(actor=actor, instance=meeting)


def meeting_update(
    *, actor, meeting: CongressMeeting, changes: dict, today: datetime.date | None = None
) -> CongressMeeting:
    today = today or timezone.localdate()
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
    with transaction.atomic():
        require_perm(actor, "rights.change_congressmeeting")
        locked = CongressMeeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        require_in_scope(actor, locked.org)
        for key, value in changes.items():
            setattr(locked, key, value)
        _meeting_check(locked, today)
        return record_update(actor=actor, instance=meeting, changes=changes)


def meeting_delete(*, actor, meeting: CongressMeeting) -> None:
    record_delete(actor=actor, instance=meeting)


# -- Legal aid --------------------------------------------------------------------------------

A = LegalAidCase.Status
AID_FIELDS = (
    "dispute_type",
    "worker_name",
    "worker_is_member",
    "workers_involved",
    "employer",
    "employer_name",
    "amount_claimed",
    "applied_on",
)


def aid_create(
    *, actor, org: Org, applied_on: datetime.date, today: datetime.date | None = None, **worker
) -> LegalAidCase:
    """A worker's application for legal aid to a federation (county level or above) or a
    township union it delegates to: the worker, the employer, the dispute, what is claimed."""
    today = today or timezone.localdate()
    if org is None:
        raise DomainError({"org": _("Choose the union that gives the aid.")})
    require_perm(actor, "rights.add_legalaidcase")
    require_in_scope(actor, org)
    if org.level > Org.Level.TOWNSHIP:
        raise DomainError(
            {"org": _("Legal aid is given by a federation or a township union, not %(name)s.")
             % {"name": org.name}}
        )  # fmt: skip
    aid = LegalAidCase(org=org, applied_on=applied_on, **_worker_values(**worker))
    _matter_check(actor, aid, today, "applied_on")
    with transaction.atomic():
        aid.number = _next_number(
            org, LegalAidCase.objects.filter(org=org), f"（{applied_on.year}）工援字第"
        )
        return record_create(actor=actor, instance=aid)


def aid_update(
    *, actor, aid: LegalAidCase, changes: dict, today: datetime.date | None = None
) -> LegalAidCase:
    """Correct the application until the case is closed or refused."""
    today = today or timezone.localdate()

    def check(locked):
        _matter_check(actor, locked, today, "applied_on", "employer" in changes)
        if locked.granted_on and locked.applied_on > locked.granted_on:
            raise DomainError({"applied_on": _("Applied after the aid was granted.")})

    return _matter_update(
        actor,
        aid,
        changes,
        fields=AID_FIELDS,
        open_statuses=(A.APPLIED, A.GRANTED),
        refused=_("A closed case is not changed."),
        check=check,
    )


def aid_delete(*, actor, aid: LegalAidCase) -> None:
    """An application recorded by mistake, before any decision."""
    _matter_delete(actor, aid, A.APPLIED, _("Only an application not yet decided can be deleted."))


def aid_private(*, actor, aid: LegalAidCase) -> tuple[str, str]:
    """The claim and phone for those who handle the aid (logged)."""
    return _matter_private(actor, aid)


def _grant(aid: LegalAidCase, v: dict, today) -> None:
    for name in ("lawyer", "stage"):
        if not (v.get(name) or "").strip():
            raise DomainError({name: _("Give the lawyer and the stage the aid covers.")})
    day = v.get("granted_on")
    _not_after_today(day, "granted_on", today)
    if day < aid.applied_on:
        raise DomainError({"granted_on": _("Granted before the application.")})
    aid.lawyer, aid.law_firm = v["lawyer"].strip(), (v.get("law_firm") or "").strip()
    aid.stage, aid.granted_on = v["stage"], day


def _conclude(aid: LegalAidCase, v: dict, today) -> None:
    day = v.get("closed_on")
    _not_after_today(day, "closed_on", today)
    if day < aid.granted_on:
        raise DomainError({"closed_on": _("Closed before %(date)s.") % {"date": aid.granted_on}})
    if not v.get("outcome"):
        raise DomainError({"outcome": _("Give the outcome.")})
    aid.closed_on, aid.outcome = day, v["outcome"]
    aid.amount_recovered = checked_amount(v.get("amount_recovered") or 0, "amount_recovered", 10)
    aid.cost = checked_amount(v.get("cost") or 0, "cost", 8)


AID_CHANGE = "rights.change_legalaidcase"
AID = Workflow(
    LegalAidCase,
    [
        Step(
            "grant",
            (A.APPLIED,),
            A.GRANTED,
            AID_CHANGE,
            label=gettext_lazy("Grant the aid and assign a lawyer"),
            done=gettext_lazy("granted"),
        ),
        Step(
            "conclude",
            (A.GRANTED,),
            A.CLOSED,
            AID_CHANGE,
            label=gettext_lazy("Record the outcome"),
            done=gettext_lazy("closed with its outcome"),
        ),
        Step(
            "refuse",
            (A.APPLIED,),
            A.REFUSED,
            AID_CHANGE,
            label=gettext_lazy("Refuse the aid"),
            done=gettext_lazy("refused aid"),
            needs_reason=True,
        ),
    ],
    event="legalaidcase",
    related=("org",),
    refused_step=gettext_lazy("A case that is “%(from)s” cannot be %(step)s."),
)
AID_RULES = {"grant": _grant, "conclude": _conclude}
AID_STEP_FIELDS = {
    "grant": ("lawyer", "law_firm", "stage", "granted_on"),
    "conclude": ("closed_on", "outcome", "amount_recovered", "cost"),
}


def aid_transition(
    *,
    actor,
    aid: LegalAidCase,
    step: str,
    values: dict | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> LegalAidCase:
    """Grant (the lawyer and the stage), conclude (the outcome, money recovered, cost) or
    refuse (the reason) a legal aid case."""
    return _take_step(
        AID,
        AID_RULES,
        aid,
        actor=actor,
        step=step,
        values=values,
        reason=reason,
        today=today,
        note_field="close_note",
    )


# -- The 12351 hotline ------------------------------------------------------------------------

CALL_PURPOSE = "rights.hotline_summary"
CALL_PHONE_PURPOSE = "rights.hotline_phone"
H = HotlineCall.Handling
CALL_FIELDS = (
    "received_at",
    "caller_name",
    "topic",
    "handling",
    "dispute_case",
    "legal_aid",
    "forwarded_to",
    "follow_up_due",
    "followed_up_on",
    "follow_up_note",
)


def _call_check(actor, call: HotlineCall, today: datetime.date) -> None:
    if call.org.level > Org.Level.TOWNSHIP:
        raise DomainError(
            {"org": _("The hotline is answered by a federation or a township union.")}
        )
    if call.received_at is None or timezone.localdate(call.received_at) > today:
        raise DomainError({"received_at": _("The date is in the future.")})
    # A link goes with its handling only, to a case of the call's own union or beneath it.
    if call.handling != H.MEDIATION:
        call.dispute_case = None
    if call.handling != H.LEGAL_AID:
        call.legal_aid = None
    linked = {
        H.MEDIATION: ("dispute_case", call.dispute_case, _("Choose the mediation case.")),
        H.LEGAL_AID: ("legal_aid", call.legal_aid, _("Choose the legal aid case.")),
    }.get(call.handling)
    if linked is not None:
        field, record, missing = linked
        if record is None:
            raise DomainError({field: missing})
        require_in_scope(actor, record.org)
        if not record.org.is_within(call.org):
            raise DomainError({field: _("The case is not one of this union's or beneath it.")})
    if call.handling == H.FORWARDED and not call.forwarded_to.strip():
        raise DomainError({"forwarded_to": _("Say which department the call was passed to.")})
    if call.followed_up_on is not None:
        _not_after_today(call.followed_up_on, "followed_up_on", today)
        if call.followed_up_on < timezone.localdate(call.received_at):
            raise DomainError({"followed_up_on": _("Called back before the call came.")})
        if not call.follow_up_note.strip():
            raise DomainError({"follow_up_note": _("Say what came of the call back.")})


def call_create(
    *,
    actor,
    org: Org,
    received_at: datetime.datetime,
    topic: str,
    summary: str,
    handling: str,
    caller_name: str = "",
    caller_phone: str = "",
    dispute_case: DisputeCase | None = None,
    legal_aid: LegalAidCase | None = None,
    forwarded_to: str = "",
    follow_up_due: datetime.date | None = None,
    followed_up_on: datetime.date | None = None,
    follow_up_note: str = "",
    today: datetime.date | None = None,
) -> HotlineCall:
    """A call logged by the operator; what was said is kept encrypted."""
    from gonghui.core.crypto import cipher

    today = today or timezone.localdate()
    if org is None:
        raise DomainError({"org": _("Choose the union that answered the call.")})
    require_perm(actor, "rights.add_hotlinecall")
    require_in_scope(actor, org)
    if not (summary or "").strip():
        raise DomainError({"summary": _("Write what the caller said.")})
    phone, last4 = _phone(caller_phone, "caller_phone", CALL_PHONE_PURPOSE)
    call = HotlineCall(
        org=org,
        received_at=received_at,
        caller_name=(caller_name or "").strip(),
        caller_phone=phone,
        caller_phone_last4=last4,
        topic=topic,
        summary=cipher().encrypt(summary.strip(), CALL_PURPOSE),
        handling=handling,
        dispute_case=dispute_case,
        legal_aid=legal_aid,
        forwarded_to=(forwarded_to or "").strip(),
        follow_up_due=follow_up_due,
        followed_up_on=followed_up_on,
        follow_up_note=(follow_up_note or "").strip(),
    )
    _call_check(actor, call, today)
    return record_create(actor=actor, instance=call)


def call_update(
    *, actor, call: HotlineCall, changes: dict, today: datetime.date | None = None
) -> HotlineCall:
    """Correct the log or record the call back; the summary in clear is encrypted here."""
    from gonghui.core.crypto import cipher

    today = today or timezone.localdate()
    changes = dict(changes)
    summary = changes.pop("summary", None)
    phone = changes.pop("caller_phone", None)
    unknown = set(changes) - set(CALL_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %s.") % "、".join(sorted(unknown)))
    with transaction.atomic():
        require_perm(actor, "rights.change_hotlinecall")
        locked = HotlineCall.objects.select_for_update(of=("self",)).get(pk=call.pk)
        require_in_scope(actor, locked.org)
        for key, value in changes.items():
            setattr(locked, key, value)
        _call_check(actor, locked, today)
        if (summary or "").strip():
            locked.summary = cipher().encrypt(summary.strip(), CALL_PURPOSE)
        if (phone or "").strip():
            locked.caller_phone, locked.caller_phone_last4 = _phone(
                phone, "caller_phone", CALL_PHONE_PURPOSE
            )
        full_clean(locked)
        locked.save()
        # What changed, not what the caller said: names and notes as changed.
        private = ("caller_name", "follow_up_note")
        said = {k: "已更改" if k in private else str(v) for k, v in changes.items()}
        said |= {k: "已更改" for k, v in (("summary", summary), ("caller_phone", phone)) if v}
        record_event(
            actor=actor,
            action="hotlinecall.update",
            org=locked.org,
            target=locked,
            details={"changes": said},
        )
        return locked


def call_delete(*, actor, call: HotlineCall) -> None:
    record_delete(actor=actor, instance=call)


def call_private(*, actor, call: HotlineCall) -> tuple[str, str]:
    """What the caller said and the phone, for those who keep the log (logged)."""
    from gonghui.core.access_log import log_access
    from gonghui.core.crypto import cipher
    from gonghui.core.models import AccessLog

    if actor is not None and not actor.has_perm("rights.change_hotlinecall"):
        return "", ""
    require_in_scope(actor, call.org)
    log_access(actor=actor, action=AccessLog.Action.VIEW_HOTLINE_CALL, target=call, org=call.org)
    c = cipher()
    summary = c.decrypt(bytes(call.summary), CALL_PURPOSE)
    phone = c.decrypt(bytes(call.caller_phone), CALL_PHONE_PURPOSE) if call.caller_phone else ""
    return summary, phone
