"""What a clerk writes in one cell or one box for an entry's further figures ("获奖：40"),
placings ("全省第一、全国第十八") and unit words ("家"), read into the entry's data and
written back for the form: the ledger import and the entry form read them the same way."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.core.figures import placing
from gonghui.ledger.indicators import UNITS, figure_label

SEPARATORS = re.compile(r"[；;\n]+")
FIGURE = re.compile(r"^(?P<label>.*?)[：:=＝\s]*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>\S*)$")


def _wording(category) -> dict:
    return (category.wording if category is not None else None) or {}


def read_extra(category, text: str) -> dict:
    """ "获奖：40；帮助实现就业：56" → {"awards": 40, "jobs": 56}, by the words the category's
    wording says each figure in (or its code); a ``ValueError`` names what is not one."""
    wording = _wording(category)
    declared = wording.get("extra", {})
    names = {figure_label(wording, name): name for name in declared} | {n: n for n in declared}
    out: dict = {}
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        m = FIGURE.match(part)
        name = names.get(m["label"].strip()) if m else None
        if name is None:
            offered = "、".join(figure_label(wording, n) for n in declared) or _("none")
            raise ValueError(
                _("“%(part)s” is not a figure this category records (it records: %(offered)s).")
                % {"part": part, "offered": offered}
            )
        number = Decimal(m["number"])
        if declared[name] == "元":
            out[name] = str(number)
        elif number == int(number):
            out[name] = int(number)
        else:
            raise ValueError(_("A count is a whole number, not below zero."))
    return out


def extra_text(category, extra: dict) -> str:
    wording = _wording(category)
    return "；".join(f"{figure_label(wording, k)}：{v}" for k, v in (extra or {}).items())


def placings_text(placings: list) -> str:
    return "、".join(placing(p) for p in placings or [])


def read_units(category, text: str) -> dict:
    """ "家" → {"households": "家"}: each word is one the category allows for exactly one of
    its counts; its usual words are taken as they are."""
    choices = _wording(category).get("unit_choices", {})
    out = {}
    for word in re.split(r"[、，,；;\s]+", text or ""):
        if not word:
            continue
        fields = [f for f, words in choices.items() if word in words]
        if len(fields) == 1:
            out[fields[0]] = word
        elif (
            word not in UNITS.values() and word not in _wording(category).get("units", {}).values()
        ):
            allowed = "、".join(w for words in choices.values() for w in words) or _("none")
            raise ValueError(
                _("“%(word)s” is not a unit this category counts in (it allows: %(allowed)s).")
                % {"word": word, "allowed": allowed}
            )
    return out


def units_text(units: dict) -> str:
    return "、".join((units or {}).values())
