"""Every read of honours that users see, scoped to the actor's subtree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core import idnumbers
from gonghui.core.crypto import cipher
from gonghui.core.idnumbers import masked_name
from gonghui.core.scoping import scope, subtree_q
from gonghui.honors.models import Honor, HonorAward, HonorNomination, HonorQuota, ModelWorker
from gonghui.members.crypto import ID_PURPOSE

N = HonorNomination.Status


def honors_visible_to(actor) -> QuerySet[Honor]:
    """Honours kept within the actor's subtree, and the rounds above it that take nominations
    (the unions beneath nominate to them)."""
    own = getattr(actor, "org", None)
    if own is None or not getattr(actor, "is_active", False):
        return Honor.objects.none()
    above = Q(org__path__in=own.ancestor_paths(), nominations_open=True)
    return Honor.objects.filter(subtree_q(actor) | above).select_related("org")


def quotas_visible_to(actor) -> QuerySet[HonorQuota]:
    """A quota is seen by the union it was given to and by everyone above it."""
    return scope(HonorQuota.objects.select_related("honor", "org"), actor)


def nominations_visible_to(actor) -> QuerySet[HonorNomination]:
    return scope(HonorNomination.objects.all(), actor).select_related("honor__org", "org", "person")


def attachments_visible_to(actor) -> QuerySet:
    """A nomination's files, served only within the nomination's scope."""
    from gonghui.honors.models import NominationAttachment

    return scope(
        NominationAttachment.objects.select_related("nomination__org"), actor, "nomination__org"
    )


def awards_visible_to(actor) -> QuerySet[HonorAward]:
    return scope(HonorAward.objects.all(), actor).select_related("honor", "org", "person")


def model_workers_visible_to(actor) -> QuerySet[ModelWorker]:
    return scope(ModelWorker.objects.all(), actor).select_related("org", "person")


def nominations_waiting(actor, key: str, today: datetime.date) -> QuerySet[HonorNomination]:
    """The nominations a to-do counts and the 审批 page's tab shows, by the rule of who may
    take the step (``services.may_take``)."""
    own = getattr(actor, "org", None)
    if own is None:
        return HonorNomination.objects.none()
    found = nominations_visible_to(actor)
    kept = Q(honor__org__path__startswith=own.path)
    if key == "nominations.draft":
        return found.filter(org=own, status=N.DRAFT)
    if key == "nominations.review":
        return found.filter(status=N.SUBMITTED).filter(~Q(org=own) | Q(honor__org=own))
    if key == "nominations.recommend":
        return found.filter(kept, status=N.REVIEWED)
    if key == "nominations.notice":
        return found.filter(kept, status=N.RECOMMENDED)
    if key == "nominations.noticed":
        return found.filter(kept, status=N.NOTICED)
    if key == "nominations.decide":
        return found.filter(kept, status=N.FORWARDED)
    if key == "nominations.returned":
        return found.filter(org=own, status=N.REJECTED, honor__nominations_open=True)
    return HonorNomination.objects.none()


def model_workers_waiting(actor, key: str, today: datetime.date) -> QuerySet[ModelWorker]:
    """``register.verify``: the living model workers of the actor's subtree not yet verified
    this year (the yearly check of the register)."""
    if key != "register.verify" or getattr(actor, "org", None) is None:
        return ModelWorker.objects.none()
    return (
        model_workers_visible_to(actor)
        .filter(living=ModelWorker.Living.LIVING)
        .exclude(verified_year=today.year)
    )


def nomination_progress(actor, nomination: HonorNomination, today=None) -> dict:
    """The step bar, who acts next, the steps the actor may take now and, in words, those
    waiting for a day (公示期满（10月25日）后可报送)."""
    from gonghui.core.selectors import record_history
    from gonghui.honors.services import NOMINATION

    passed = {
        (e.details or {}).get("from")
        for e in record_history(actor, nomination)
        if (e.details or {}).get("from")
    }
    return {
        "bar": NOMINATION.progress(nomination, passed),
        "next": NOMINATION.next_hint(nomination),
        "steps": NOMINATION.available_steps(actor, nomination, today),
        "waiting": [said for _step, said in NOMINATION.waiting_steps(actor, nomination, today)],
    }


@dataclass
class Structure:
    """The make-up of a round's recommended list against its targets (§8): the warnings the
    keeper sees while recommending."""

    placed: int
    front_line: int
    non_public: int
    cadre: int
    warnings: list[str]


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def round_structure(honor: Honor, adding: list[HonorNomination] = ()) -> Structure:
    """The shares of front-line workers, the non-public sector and cadres among the
    nominations holding places (with ``adding``, as if they were recommended too)."""
    placed = list(honor.nominations.filter(status__in=HonorNomination.PLACED))
    ids = {n.pk for n in placed}
    placed += [n for n in adding if n.pk not in ids]
    whole = len(placed)
    front = sum(n.is_front_line for n in placed)
    private = sum(n.is_non_public for n in placed)
    cadre = sum(n.is_cadre for n in placed)
    warnings = []
    if whole:
        if honor.min_front_line_pct is not None and _share(front, whole) < honor.min_front_line_pct:
            warnings.append(
                f"一线职工{front}人，占{_share(front, whole):.0f}%，低于本次评选要求的"
                f"{honor.min_front_line_pct}%"
            )
        if (
            honor.min_non_public_pct is not None
            and _share(private, whole) < honor.min_non_public_pct
        ):
            warnings.append(
                f"非公有制经济组织{private}人，占{_share(private, whole):.0f}%，低于本次评选要求的"
                f"{honor.min_non_public_pct}%"
            )
        if honor.max_cadre_pct is not None and _share(cadre, whole) > honor.max_cadre_pct:
            warnings.append(
                f"企业负责人和领导干部{cadre}人，占{_share(cadre, whole):.0f}%，高于本次评选"
                f"上限{honor.max_cadre_pct}%"
            )
    return Structure(whole, front, private, cadre, warnings)


def quota_board(actor, honor: Honor) -> list[dict]:
    """Each quota of the round with the places used, for the keeper and the unions."""
    rows = []
    for quota in quotas_visible_to(actor).filter(honor=honor).order_by("org__path"):
        used = HonorNomination.objects.filter(
            honor=honor,
            status__in=HonorNomination.PLACED,
            org__path__startswith=quota.org.path,
        ).count()
        nominated = HonorNomination.objects.filter(
            honor=honor, status__in=HonorNomination.LIVE, org__path__startswith=quota.org.path
        ).count()
        rows.append(
            {"org": quota.org.name, "places": quota.places, "used": used, "nominated": nominated}
        )
    return rows


def notice_of(actor, honor: Honor, today: datetime.date | None = None):
    """The round's public notice: the nominations on notice, persons' names and ID numbers
    masked, units named in full, with the period and where objections go."""
    from gonghui.core.exports import Notice

    c = cipher()
    rows = []
    found = (
        nominations_visible_to(actor)
        .filter(honor=honor, status=N.NOTICED)
        .order_by("org__path", "name")
    )
    for n in found:
        person = n.is_person
        number = ""
        if person:
            stored = n.person.id_number if n.person_id else n.id_number
            number = idnumbers.mask(c.decrypt(stored, ID_PURPOSE)) if stored else ""
        rows.append(
            {
                "cells": [
                    n.org.name,
                    masked_name(n.name) if person else n.name,
                    number,
                    n.workplace,
                ],
                "starts_on": n.noticed_on,
                "ends_on": n.notice_ends_on,
            }
        )
    return Notice(
        title=f"{honor.org.name}关于{honor.year}年{honor.conferring_body}{honor.name}推荐人选的公示",
        headers=["推荐单位", "姓名或名称", "身份证号", "工作单位及职务"],
        rows=rows,
        count_word="人" if honor.recipient == "person" else "个",
        contact=honor.objection_contact,
        signed_by=honor.org.name,
        signed_on=today or timezone.localdate(),
    )


def conferred_words(org, start: datetime.date, end: datetime.date) -> dict:
    """What the report's honours sentence says besides the figures, from the same records:
    per kind the levels conferred (highest first) and the titles (保山工匠); and the units
    named at national level ("…被中华全国总工会命名为模范职工小家")."""
    from gonghui.honors.models import LEVEL_RANK, RECIPIENT_OF, Recipient

    awards = HonorAward.objects.filter(
        org__path__startswith=org.path, conferred_on__gte=start, conferred_on__lte=end
    )
    said: dict = {}
    for kind, level, title in awards.values_list("honor__kind", "honor__level", "honor__title"):
        entry = said.setdefault(kind, {"levels": [], "titles": []})
        if level not in entry["levels"]:
            entry["levels"].append(level)
        if title and title not in entry["titles"]:
            entry["titles"].append(title)
    for entry in said.values():
        entry["levels"].sort(key=LEVEL_RANK.get)
        entry["titles"].sort()
    said["namings"] = [
        {
            "name": award.name,
            "body": award.honor.conferring_body,
            "title": award.honor.name,
            "kind": award.honor.kind,
        }
        for award in awards.filter(honor__level="national")
        .select_related("honor")
        .order_by("conferred_on", "pk")
        if RECIPIENT_OF[award.honor.kind] != Recipient.PERSON
    ]
    return said


# -- care ----------------------------------------------------------------------------------------


def care_standards_visible_to(actor) -> QuerySet:
    """Care standards are a region's public numbers, like its local standards: every member of
    staff reads them (setting them is for a federation, within its own subtree)."""
    from gonghui.honors.models import CareStandard

    if actor is None or not getattr(actor, "is_active", False):
        return CareStandard.objects.none()
    return CareStandard.objects.select_related("org")


def care_payments_visible_to(actor) -> QuerySet:
    from gonghui.honors.models import CarePayment

    return scope(CarePayment.objects.all(), actor).select_related("worker", "org", "batch")


def care_batches_visible_to(actor) -> QuerySet:
    from gonghui.honors.models import CareBatch

    return scope(CareBatch.objects.all(), actor).select_related("org")


def care_waiting(actor, key: str, today: datetime.date) -> QuerySet:
    """``care.approve``: care payments drafted in the actor's subtree, to approve;
    ``care.batch``: approved and in no batch yet."""
    from gonghui.honors.models import CarePayment

    found = care_payments_visible_to(actor)
    if key == "care.approve":
        return found.filter(status=CarePayment.Status.DRAFT)
    if key == "care.batch":
        return found.filter(status=CarePayment.Status.APPROVED, batch__isnull=True)
    return CarePayment.objects.none()
