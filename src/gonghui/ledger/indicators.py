"""The work ledger's indicators: every figure every category records.

For each category (those the platform ships and those administrators add): the main unit
(``ledger.<code>``, its sum in the category's main unit), each other count (``.people``,
``.person_times``, ``.households``, ``.sessions``, ``.items``), the funds and goods
(``.amount``), the number of entries (``.entries``: "先后9次"), each further figure its wording
declares (``.awards``, ``.jobs``, ``.income`` …) and each sub-type's main count
(``.<sub-type>``). Units are the category's words for them (份, 期, 家 …). The list is read
from the categories themselves, so a category added today has its figures today.
"""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, IntegerField, Q, Sum, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core.figures import placing
from gonghui.core.indicators import PLACEHOLDER, Indicator
from gonghui.ledger.models import LedgerEntry
from gonghui.ledger.taxonomy import CATEGORIES, PHRASES, UNITS

COUNTS = ("people", "person_times", "households", "sessions", "items")
FIELD_NAMES = {
    "people": _("people"),
    "person_times": _("person-times"),
    "households": _("households or units"),
    "sessions": _("sessions"),
    "items": _("items"),
}
RESERVED = {*COUNTS, "amount", "entries"}
# How many entries a category has is a working figure: said only where the category's wording
# counts them ("先后9次下拨"), never as a sentence of its own.
ENTRIES_LEAVE_OUT = "the number of entries, said only where the wording counts them (先后9次)"


class CategoryFigures:
    """What the indicators need of a category: read from a row, or from the taxonomy."""

    def __init__(self, work_area, code, name, unit, wording=None, subtypes=None):
        self.work_area, self.code, self.name, self.unit = work_area, code, name, unit
        self.wording = wording or {}
        self.subtypes = subtypes or []

    def unit_word(self, field: str) -> str:
        return self.wording.get("units", {}).get(field) or UNITS[field]

    def figure_label(self, name: str) -> str:
        return figure_label(self.wording, name)

    def unit_choices(self, field: str) -> tuple:
        """The words an entry may count ``field`` in instead (家 beside 户)."""
        return tuple(self.wording.get("unit_choices", {}).get(field, ()))


# A report names at most this many placed activities per category, the best placed first.
PLACED_SHOWN = 8


def _placings_of(code: str):
    def notes(root, start, end) -> list[str]:
        entries = (
            LedgerEntry.objects.filter(
                category__code=code,
                org__path__startswith=root.path,
                starts_on__gte=start,
                starts_on__lte=end,
            )
            .exclude(placings=[])
            .order_by("starts_on", "id")
            .values_list("title", "placings")
        )
        placed = sorted(entries, key=lambda e: min(p["rank"] for p in e[1]))[:PLACED_SHOWN]
        return [f"{title}获得{'、'.join(placing(p) for p in won)}" for title, won in placed]

    return notes


def figure_label(wording: dict, name: str) -> str:
    """What a further figure is, in the words of the part that says it ("获奖" from
    "获奖{awards}", "帮助实现就业" from "帮助{jobs}实现就业"); its code without one."""
    for alternatives in (wording or {}).get("say", []):
        for template in alternatives:
            if "{" + name + "}" in template:
                return PLACEHOLDER.sub("", template).strip("，、 ") or name
    return name


def _giving(field: str):
    """The entries that give a count or a further figure a value."""
    if field == "amount":
        return lambda: Q(cash_amount__gt=0) | Q(goods_value__gt=0)
    if field in COUNTS:
        return lambda: Q(**{f"{field}__gt": 0})
    return lambda: Q(**{f"extra__{field}__gt": 0})


def _count_words(c: CategoryFigures, field: str) -> dict:
    return {
        "contributes": _giving(field),
        "unit_field": f"units__{field}",
        "unit_words": c.unit_choices(field),
    }


def _where(code: str, subtype: str | None = None):
    if subtype is None:
        return lambda: Q(category__code=code)
    return lambda: Q(category__code=code, subtype=subtype)


def _common(c: CategoryFigures, subtype: str | None = None) -> dict:
    return {
        "work_area": c.work_area,
        "source": LedgerEntry.objects.all,
        "org_field": "org",
        "date_field": "starts_on",
        "records": ("admin:ledger_ledgerentry_changelist", {"category__code": c.code}),
        "where": _where(c.code, subtype),
        # Every figure of every category in one small grouped query (core.indicators).
        "group_by": ("category__code", "subtype"),
        "group_value": (c.code, subtype),
        "approximation_field": "approximation",
    }


def _family(c: CategoryFigures, key: str) -> dict:
    """What the category's sentence says and where each of its figures comes from."""
    names = {field: f"{key}.{field}" for field in COUNTS if field != c.unit}
    names[c.unit] = key
    names["amount"] = f"{key}.amount"
    names["entries"] = f"{key}.entries"
    for name in c.wording.get("extra", {}):
        if name not in RESERVED:
            names[name] = f"{key}.{name}"
    parts = tuple(tuple(alternatives) for alternatives in c.wording.get("say", []))
    if not parts:
        phrase = PHRASES.get(c.code) or f"{c.name}{{n}}"
        parts = ((phrase.replace("{n}", "{" + c.unit + "}"),),)
    subparts = tuple(
        (sub["name"], f"{key}.{sub['code']}")
        for sub in c.subtypes
        if sub["code"] not in RESERVED and sub["code"] not in c.wording.get("extra", {})
    )
    return {"parts": parts, "part_keys": names, "subparts": subparts}


def indicators_of(c: CategoryFigures) -> list[Indicator]:
    key = f"ledger.{c.code}"
    common = {**_common(c), "said_with": key}
    out = [
        Indicator(
            key,
            c.name,
            c.unit_word(c.unit),
            measure=Sum(c.unit),
            phrase=PHRASES.get(c.code, ""),
            **{**common, "said_with": ""},
            **_count_words(c, c.unit),
            **_family(c, key),
            notes=_placings_of(c.code),
        )
    ]
    for field in COUNTS:
        if field != c.unit:
            out.append(
                Indicator(
                    f"{key}.{field}",
                    format_lazy("{}（{}）", c.name, FIELD_NAMES[field]),
                    c.unit_word(field),
                    measure=Sum(field),
                    **common,
                    **_count_words(c, field),
                )
            )
    out.append(
        Indicator(
            f"{key}.amount",
            format_lazy("{}{}", c.name, _("(funds)")),
            "元",
            measure=Sum(F("cash_amount") + F("goods_value")),
            **common,
            contributes=_giving("amount"),
        )
    )
    out.append(
        Indicator(
            f"{key}.entries",
            format_lazy("{}{}", c.name, _("(times)")),
            c.wording.get("entries", "次"),
            measure=Count("id"),
            **{**common, "approximation_field": ""},
            leave_out=ENTRIES_LEAVE_OUT,
        )
    )
    for name, unit in c.wording.get("extra", {}).items():
        if name in RESERVED:
            continue
        kind = DecimalField(max_digits=14, decimal_places=2) if unit == "元" else IntegerField()
        out.append(
            Indicator(
                f"{key}.{name}",
                format_lazy("{}（{}）", c.name, c.figure_label(name)),
                unit,
                measure=Sum(
                    Coalesce(
                        Cast(KeyTextTransform(name, "extra"), kind), Value(0), output_field=kind
                    )
                ),
                **common,
                contributes=_giving(name),
            )
        )
    for sub in c.subtypes:
        if sub["code"] in RESERVED or sub["code"] in c.wording.get("extra", {}):
            continue
        out.append(
            Indicator(
                f"{key}.{sub['code']}",
                sub["name"],
                c.unit_word(c.unit),
                measure=Sum(c.unit),
                **_common(c, sub["code"]),
                **_count_words(c, c.unit),
                said_with=key,
            )
        )
    return out


def _from_taxonomy() -> list[CategoryFigures]:
    from gonghui.ledger.taxonomy import SUBTYPES, WORDING

    return [
        CategoryFigures(area, code, name, unit, WORDING.get(code), SUBTYPES.get(code))
        for area, code, name, unit in CATEGORIES
    ]


def categories() -> list[CategoryFigures]:
    """The categories as the database has them (with those administrators added); the
    shipped taxonomy while the table is not there yet (before the first migration)."""
    from django.db.utils import DatabaseError

    from gonghui.ledger.models import LedgerCategory

    try:
        rows = list(LedgerCategory.objects.order_by("work_area", "code"))
    except DatabaseError:
        return _from_taxonomy()
    if not rows:
        return _from_taxonomy()
    return [
        CategoryFigures(r.work_area, r.code, r.name, r.unit, r.wording, r.subtypes) for r in rows
    ]


def indicator_list() -> list[Indicator]:
    return [ind for c in categories() for ind in indicators_of(c)]


def version():
    """What changes when the categories do: the registry rebuilds the list then."""
    from django.db.models import Max
    from django.db.utils import DatabaseError

    from gonghui.ledger.models import LedgerCategory

    try:
        return tuple(LedgerCategory.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    except DatabaseError:
        return None
