"""Every write of collective contracts: recording a contract under negotiation, and its steps
on the platform's one workflow (approved by the workers, signed, filed, in force; or sent back
by the labour administration's objection), each checked by the rules of 集体合同规定."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.dates import term_end
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.core.workflow import Step, Workflow
from gonghui.orgs.models import Employer, Org
from gonghui.rights.models import (
    CollectiveContract,
    ContractReach,
    ContractSubject,
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


def _contract_check(contract: CollectiveContract, employers: list[Employer]) -> None:
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
    _contract_check(contract, employers)
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
        _contract_check(locked, chosen)
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
    today = today or timezone.localdate()
    values = dict(values or {})
    rule = STEP_RULES.get(step)

    def apply(locked, chosen):
        if rule is not None:
            rule(locked, values, today)
        if chosen.name == "object":
            locked.objection = reason.strip()

    return CONTRACT.transition(
        actor=actor,
        obj=contract,
        step=step,
        reason=reason,
        apply=apply,
        today=today,
        details={k: str(v) for k, v in values.items() if v not in (None, "")}
        | ({"reason": reason.strip()} if reason.strip() else {}),
    )
