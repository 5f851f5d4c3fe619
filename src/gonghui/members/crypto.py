"""The personal fields of the registry and how they are normalised before hashing."""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext as _

from gonghui.core.cleaning import strip_all_blanks, to_halfwidth
from gonghui.core.imports.spec import CellError

# Purposes bind ciphertexts and digests to their column (see core.crypto).
ID_PURPOSE = "person.id_number"
PHONE_PURPOSE = "person.phone"
ID_LAST4_PURPOSE = "person.id_last4"


def last4_digest(c, id_number: str) -> bytes:
    """The keyed digest of an ID number's last four characters, for the search "张三1234".

    The characters themselves are not stored: with the birth date, the gender and the union's
    region code in clear, they let anyone who reads the tables rebuild most full numbers (the
    check digit confirms a guess). Eight bytes are plenty to tell ten thousand values apart.
    """
    return c.digest(id_number[-4:].upper(), ID_LAST4_PURPOSE)[:8]


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> tuple[str, bool]:
    """A mainland mobile (11 digits) or a landline with area code; returns (number, repaired)."""
    text = strip_all_blanks(to_halfwidth(raw))
    repaired = text != raw.strip()
    compact = text.replace("-", "").replace("(", "").replace(")", "")
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if compact != text:
        repaired = True
    if _MOBILE.match(compact):
        return compact, repaired
    try:
        parsed = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return "0" + str(parsed.national_number), repaired
    raise CellError(
        # The number itself stays out of the message: messages are stored and shown.
        _("Not a phone number: write an 11-digit mobile or a landline with its area code.")
    )
