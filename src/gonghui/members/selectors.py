"""Every read of the member registry that users see, scoped to the actor's subtree.

A person belongs to the subtree of the union holding their latest membership: the current one,
or the last one that ended. A transfer is seen by both sides.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core import idnumbers
from gonghui.core.cleaning import strip_all_blanks, to_halfwidth
from gonghui.core.crypto import cipher
from gonghui.core.dates import add_years
from gonghui.core.models import Event
from gonghui.core.scoping import get_scoped, org_in_scope, scope, subtree_q
from gonghui.members.crypto import ID_PURPOSE, PHONE_PURPOSE, last4_digest
from gonghui.members.models import Membership, MembershipTransfer, Person

PERSON_ORG = "latest_membership__org"


def persons_visible_to(actor) -> QuerySet[Person]:
    return scope(Person.objects.all(), actor, PERSON_ORG).select_related("latest_membership__org")


def person_get(actor, pk) -> Person:
    return get_scoped(
        Person.objects.select_related("latest_membership__org"), actor, PERSON_ORG, pk=pk
    )


def transfers_visible_to(actor) -> QuerySet[MembershipTransfer]:
    return MembershipTransfer.objects.filter(
        subtree_q(actor, "from_org") | subtree_q(actor, "to_org")
    ).select_related("person", "from_org", "to_org", "membership")


_LAST4 = re.compile(r"^(?P<name>\D+?)\s*(?P<last4>\d{3}[\dXx])$")
_INITIALS = re.compile(r"^[A-Za-z]{1,12}$")


def search_persons(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """One search box for what clerks type: a full ID number (15 or 18), a name with the last
    four ID characters, a phone, a card number, pinyin initials, or part of a name."""
    text = strip_all_blanks(to_halfwidth(text or ""))
    if not text:
        return queryset
    if len(text) in (15, 18) and text[:14].isdigit():
        try:
            number = idnumbers.normalize(text).value
        except idnumbers.IdNumberError:
            return queryset.none()
        return queryset.filter(id_number_digest=cipher().digest(number, ID_PURPOSE))
    match = _LAST4.match(text)
    if match:
        return queryset.filter(
            name=match["name"], id_last4_digest=last4_digest(cipher(), match["last4"])
        )
    if text.isdigit() and len(text) == 11:
        return queryset.filter(
            Q(phone_digest=cipher().digest(text, PHONE_PURPOSE)) | Q(card_number=text)
        )
    if _INITIALS.match(text):
        return queryset.filter(
            Q(name_initials__startswith=text.lower()) | Q(card_number=text.upper())
        )
    if text.isalnum() and text.isascii():
        return queryset.filter(card_number=text.upper())
    return queryset.filter(name__contains=text)


def age_band_q(band: str, today: datetime.date | None = None) -> Q:
    """``"18-35"`` style bands on the birth date (age in whole years today)."""
    today = today or timezone.localdate()
    low, _sep, high = band.partition("-")

    q = Q()
    if low:
        q &= Q(birth_date__lte=add_years(today, -int(low)))
    if high:
        q &= Q(birth_date__gt=add_years(today, -(int(high) + 1)))
    return q


AGE_BANDS = ("0-34", "35-44", "45-54", "55-")


def masked_id_number(person: Person) -> str:
    return idnumbers.mask(cipher().decrypt(person.id_number, ID_PURPOSE))


def masked_phone(person: Person) -> str:
    return f"*******{person.phone_last4}" if person.phone_last4 else ""


def person_history(actor, person: Person) -> dict:
    """What the detail page shows: memberships (all of them: the history follows the person,
    and its years count), transfers, and the events about this person the actor may read.

    A union outside the actor's subtree is not named (``in_scope`` is false on its rows): a
    union that takes a member on learns the member's history, not where else they were."""
    memberships = list(person.memberships.select_related("org").order_by("-joined_on", "-id"))
    for m in memberships:
        m.in_scope = org_in_scope(actor, m.org)
    transfers = list(person.transfers.select_related("from_org", "to_org").order_by("-started_at"))
    for t in transfers:
        t.from_in_scope = org_in_scope(actor, t.from_org)
        t.to_in_scope = org_in_scope(actor, t.to_org)
    events = list(
        Event.objects.filter(
            subtree_q(actor),
            target_type=ContentType.objects.get_for_model(Person),
            target_id=str(person.pk),
        ).order_by("-occurred_at")[:50]
    )
    return {"memberships": memberships, "transfers": transfers, "events": events}


def person_by_id_number(actor, text: str) -> Person:
    """The person with this ID number among those the actor may see, or ``NotFound``
    (a number that is invalid, unknown or outside the actor's subtree: the same answer)."""
    from gonghui.core.errors import NotFound

    try:
        number = idnumbers.normalize(text).value
    except idnumbers.IdNumberError as exc:
        raise NotFound(str(exc)) from None
    person = (
        persons_visible_to(actor)
        .filter(id_number_digest=cipher().digest(number, ID_PURPOSE))
        .first()
    )
    if person is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("No member with this ID number in your organisation's registry."))
    return person


def membership_next_steps(actor, membership: Membership) -> list:
    """The status changes this actor may make to this membership now (``MEMBERSHIP``'s manual
    steps they may take), for the buttons of the member's page."""
    from gonghui.members.services import MEMBERSHIP

    return MEMBERSHIP.available_steps(actor, membership)


def members_waiting(actor, key: str, today: datetime.date) -> QuerySet:
    """The to-dos of the registry:

    - ``members.provisional``: people whose membership is still provisional (预备), to confirm;
    - ``transfers.incoming``: transfers into a union of the actor's subtree that wait for the
      receiving union's answer.
    """
    if key == "members.provisional":
        return persons_visible_to(actor).filter(
            latest_membership__status=Membership.Status.PROVISIONAL
        )
    if key == "transfers.incoming":
        return MembershipTransfer.objects.filter(
            subtree_q(actor, "to_org"), status=MembershipTransfer.Status.PENDING
        )
    return Person.objects.none()


def people_found(actor, text: str = "", person_pk=None, limit: int = 8) -> tuple[list, bool]:
    """The members a form's person picker offers: the one picked (``person_pk``), else those
    the registry's search box finds for ``text`` (two characters at least), within the actor's
    subtree; and whether there are more than ``limit``."""
    people = persons_visible_to(actor)
    from gonghui.core.cleaning import record_id

    if record_id(person_pk) is not None:
        return list(people.filter(pk=record_id(person_pk))[:1]), False
    if len((text or "").strip()) < 2:
        return [], False
    found = list(search_persons(people, text).order_by("name", "pk")[: limit + 1])
    return found[:limit], len(found) > limit


def person_card(person: Person) -> dict:
    """A member as the picker shows them: never the full ID number."""
    m = person.latest_membership
    return {
        "id": person.pk,
        "name": person.name,
        "id_number": masked_id_number(person),
        "org": m.org.name if m else "",
        "member": bool(m and m.status in Membership.CURRENT),
        "note": "",
    }


def person_from_form(actor, text: str, person_pk=None) -> Person:
    """The member a form names: the one picked from the picker's list, else the one the full
    ID number gives, else the only member of exactly that name (or name with the last four ID
    characters); within the actor's subtree, or ``NotFound`` saying what to do. A part of a
    name ("工2") never settles who gets a grant: the clerk picks from the list."""
    from django.utils.translation import gettext as _

    from gonghui.core.errors import NotFound

    if person_pk:
        return person_get(actor, person_pk)
    try:
        return person_by_id_number(actor, text)
    except NotFound:
        typed = strip_all_blanks(to_halfwidth(text or ""))
        found = list(search_persons(persons_visible_to(actor), typed)[:20])
        exact = [p for p in found if _LAST4.match(typed) or p.name == typed]
        if len(exact) == 1:
            return exact[0]
        if found:
            raise NotFound(
                _(
                    "“%(text)s” is not the full name of exactly one member: pick the member "
                    "from the list."
                )
                % {"text": text}
            ) from None
        raise NotFound(
            _("No member matching “%(text)s” in your organisation's registry.") % {"text": text}
        ) from None
