"""What an indicator is: a named figure, with a unit, computable for any org's subtree and any
period, set-based (one aggregate query, or one grouped query for all children of an org).

Apps declare theirs in their own ``indicators.py`` (named by their ``AppConfig``, see
``core.workareas``); the reports app only reads what the installed apps declare. An indicator
is either a **flow** (what happened within the period: members who joined, grants paid) or a
**stock** (what stands at the period's end: members, open hardship files); ``date_field`` says
which date puts a record in the period, and
for a stock it is the date the record came into being.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from gonghui.core.workareas import WorkArea

FLOW, STOCK = "flow", "stock"
# How a record's figures are known, strongest first (``core.figures``): a figure with any
# record at least so much is a lower bound (余), then 以上, then close to a round figure (近).
APPROXIMATIONS = ("at_least", "or_more", "nearly")
# A figure's place in a sentence part of ``Indicator.parts`` ("签订集体合同{items}").
PLACEHOLDER = re.compile(r"\{(\w+)\}")

__all__ = ["FLOW", "STOCK", "Indicator", "WorkArea"]


@dataclass(frozen=True)
class Rate:
    """A rate between two indicators, declared once (建会率, 集体合同签订率): computed for any org
    and period from the two figures, shown on the statistics page, said in the report after its
    numerator ("，集体合同签订率达32.1%"); ``full`` is said instead when it is 100%."""

    key: str
    name: str
    numerator: str
    denominator: str
    work_area: str
    phrase: str  # "{r}" stands for the rate
    full: str = ""

    def of(self, values: dict) -> str:
        from gonghui.core.figures import percent

        whole = values.get(self.denominator, 0)
        return percent(values.get(self.numerator, 0), whole) if whole else ""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    work_area: str
    source: Callable[[], QuerySet]
    # The path from the source model to its Org; "" when the source is Org itself.
    org_field: str
    kind: str = FLOW
    date_field: str | None = None
    measure: object = field(default_factory=lambda: Count("id"))
    # Extra filter applied on the period's end date, for stocks (e.g. still open then).
    as_of: Callable[[datetime.date], Q] | None = None
    # The back-office list of the records behind the figure: (admin url name, query params).
    records: tuple[str, dict] | None = None
    # The field that says how each record's figures are known (exact, at_least 余, or_more
    # 以上, nearly 近): the figure takes the records' way (a lower bound wins over a near one).
    approximation_field: str = ""
    # Which of the period's records give the figure a value (a ledger entry with people, for
    # its people count): only they decide how the figure is known and the word it is said in,
    # so "投入扶持资金180余万元" on one entry leaves "项目53个" of another exact.
    contributes: Callable[[], Q] | None = None
    # The unit words a record may choose instead of ``unit`` ("签订集体合同226家" where the
    # category counts in 户), kept in the record's ``unit_field``: the figure is said in a
    # word when every record that gives it a value chose that word.
    unit_field: str = ""
    unit_words: tuple = ()
    # Which of the source's records the figure takes (members: current ones; grants: paid).
    # Kept apart from ``source`` so that indicators over the same model are computed together,
    # one filtered aggregate each, in one query (see ``evaluate``).
    where: Callable[[], Q] | None = None
    # Many indicators that differ only in which value of some fields they take (the work
    # ledger's: every figure of every category, by category code and sub-type) say so here:
    # ``where`` must then equal "each ``group_by`` field equals its ``group_value``" (None: any
    # value). They are computed in one grouped query, each distinct measure once per group,
    # instead of a filtered aggregate each: hundreds of them stay one small query.
    group_by: tuple[str, ...] = ()
    group_value: tuple = ()
    # How a work report says the figure, "{n}" standing for it with its unit
    # ("推动{n}单位签订集体合同"); without one, the name and the figure.
    phrase: str = ""
    # A figure said together with others in one sentence (a ledger category: "签订集体合同
    # 90份，覆盖企业183户、职工4972人"): ``parts`` are the sentence parts in order, each a tuple
    # of alternatives with "{name}" placeholders, the first whose figures are all non-zero being
    # written; ``part_keys`` maps each name to its indicator's key; ``subparts`` the
    # (label, key) of sub-types said after it ("其中女职工专项集体合同30份"). An indicator whose
    # figure is said in another's sentence names that one in ``said_with``.
    parts: tuple = ()
    part_keys: dict = field(default_factory=dict)
    subparts: tuple = ()
    said_with: str = ""
    # What the records behind a figure won, said after its sentence ("全国茶叶加工职业技能竞赛
    # 获得全省第一、全国第十八"): called with (root, start, end), returns the phrases.
    notes: Callable[[object, datetime.date, datetime.date], list[str]] | None = None
    # Why a figure is deliberately not a sentence of the work report (said another way, a
    # working figure), or "" (it is said when it has data). The report test reads these.
    leave_out: str = ""

    def _path(self) -> str:
        return f"{self.org_field}__path" if self.org_field else "path"

    def in_period(self, start: datetime.date, end: datetime.date) -> Q:
        """Which records the figure takes for a period: those dated within it (a flow), or
        those standing at its end (a stock)."""
        q = Q()
        if self.date_field:
            if self.kind == FLOW:
                q &= Q(**{f"{self.date_field}__gte": start, f"{self.date_field}__lte": end})
            else:
                # A record without the date (an org founded long ago) stands all along.
                q &= Q(**{f"{self.date_field}__lte": end}) | Q(
                    **{f"{self.date_field}__isnull": True}
                )
        if self.as_of is not None:
            q &= self.as_of(end)
        return q

    def records_in(self, start: datetime.date, end: datetime.date) -> Q:
        """``in_period`` and ``where`` together: the condition of the filtered aggregate."""
        q = self.in_period(start, end)
        return q & self.where() if self.where is not None else q

    def queryset(self, root, start: datetime.date, end: datetime.date) -> QuerySet:
        qs = self.source().filter(**{f"{self._path()}__startswith": root.path})
        return qs.filter(self.records_in(start, end))

    def has_trend(self) -> bool:
        # A flow without a date has no months to spread over.
        return self.kind == STOCK or bool(self.date_field)

    def by_month(self, root, start, end) -> list[tuple[datetime.date, object]]:
        """The figure month by month (a flow: within each month; a stock: at each month's
        end), in one query with a filtered aggregate per month (``evaluate``). The first and
        last months are cut to the period."""
        months = month_spans(start, end)
        if not months or not self.has_trend():
            return []
        values = evaluate([self], root, [], {self.key: months})
        return [(first, values[(self.key, ("month", i))]) for i, (first, _l) in enumerate(months)]

    def value(self, root, start, end):
        """The figure alone, computed the same way as ``evaluate`` computes many."""
        return evaluate([self], root, [(start, end)])[(self.key, 0)]


MAX_MONTHS = 36

# The precomputed figures (``reports.figurestore``), plugged in by the reports app when it is
# ready: ``evaluate`` and ``evaluate_by_child`` take from it what it holds exactly for the
# periods and the subtree asked, and compute the rest live below.
store = None


def month_spans(
    start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of each month the period touches, cut to the period; at most the
    last ``MAX_MONTHS`` months, so a chart of a long period stays readable."""
    spans = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = min(following - datetime.timedelta(days=1), end)
        spans.append((first, last))
        first = following
    return spans[-MAX_MONTHS:]


def _clean(value):
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def _batches(indicators) -> list[list[Indicator]]:
    """Indicators that read the same model through the same org field go in one query. One
    whose ``source`` filters by itself (not through ``where``) is computed on its own, so a
    module that does not split the two still gets right figures."""
    groups: dict[tuple, list[Indicator]] = {}
    alone = []
    for ind in indicators:
        base = ind.source()
        if base.query.where:
            alone.append([ind])
        else:
            groups.setdefault((base.model, ind.org_field, ind.group_by), []).append(ind)
    return [*groups.values(), *alone]


def _takes(ind: Indicator, row: dict) -> bool:
    """Whether a grouped row is one of those the indicator takes."""
    return all(
        wanted is None or row[name] == wanted
        for name, wanted in zip(ind.group_by, ind.group_value, strict=True)
    )


class _Aliases:
    """Each distinct aggregate once: indicators that share a measure (every category's
    ``Sum("people")``) share its column of the grouped query."""

    def __init__(self):
        self.aggregates: dict[str, object] = {}
        self._by_expression: dict[object, str] = {}

    def of(self, measure, condition: Q) -> str:
        """The column of ``measure`` over the records meeting ``condition``. (An aggregate's
        equality ignores a filter set after it was made, so the pair is the key.)"""
        key = (measure, condition)
        alias = self._by_expression.get(key)
        if alias is None:
            alias = f"g{len(self.aggregates)}"
            self._by_expression[key] = alias
            aggregate = measure.copy()
            aggregate.filter = condition if measure.filter is None else measure.filter & condition
            self.aggregates[alias] = aggregate
        return alias


COUNT = Count("pk")


def _period_measure(columns: _Aliases, ind: Indicator, start, end) -> str:
    """The measure over the period's records. A grouped indicator leaves ``where`` out: the
    groups it takes stand for it."""
    return columns.of(ind.measure, _records(ind, start, end))


def _records(ind: Indicator, start, end) -> Q:
    return ind.in_period(start, end) if ind.group_by else ind.records_in(start, end)


def _evaluate_batch(batch, root, periods, months, out) -> None:
    """``evaluate`` for indicators over one model: each distinct measure, approximation count
    and unit-word count is one column of one query (grouped by ``group_by`` when the batch
    declares it, else one row), and each indicator's figure is the sum over the rows it takes."""
    first = batch[0]
    columns = _Aliases()
    wanted: list[tuple[Indicator, object, str]] = []  # (indicator, what, alias)
    for ind in batch:
        for p, (start, end) in enumerate(periods):
            wanted.append((ind, p, _period_measure(columns, ind, start, end)))
        for i, (start, end) in enumerate(months.get(ind.key, ())):
            wanted.append((ind, ("month", i), _period_measure(columns, ind, start, end)))
        if periods and (ind.approximation_field or ind.unit_words):
            start, end = periods[0]
            giving = _records(ind, start, end)
            if ind.contributes is not None:
                giving &= ind.contributes()
            for kind in APPROXIMATIONS if ind.approximation_field else ():
                q = giving & Q(**{ind.approximation_field: kind})
                wanted.append((ind, ("approximation", kind), columns.of(COUNT, q)))
            if ind.unit_words:
                wanted.append((ind, ("unit", ""), columns.of(COUNT, giving)))
            for word in ind.unit_words:
                q = giving & Q(**{ind.unit_field: word})
                wanted.append((ind, ("unit", word), columns.of(COUNT, q)))
    qs = first.source().filter(**{f"{first._path()}__startswith": root.path})
    if first.group_by:
        rows = list(qs.order_by().values(*first.group_by).annotate(**columns.aggregates))
    else:
        rows = [qs.aggregate(**columns.aggregates)]
    taken: dict[tuple, list[dict]] = {}  # the rows each group value takes, found once
    sums: dict[tuple[str, object], object] = {}
    for ind, what, alias in wanted:
        if ind.group_value not in taken:
            taken[ind.group_value] = [row for row in rows if _takes(ind, row)]
        sums[(ind.key, what)] = sum((row[alias] or 0 for row in taken[ind.group_value]), start=0)
    for ind in batch:
        for p in range(len(periods)):
            out[(ind.key, p)] = _clean(sums[(ind.key, p)])
        for i in range(len(months.get(ind.key, ()))):
            out[(ind.key, ("month", i))] = _clean(sums[(ind.key, ("month", i))])
        if not periods:
            continue
        if ind.approximation_field:
            for kind in APPROXIMATIONS:  # the first, strongest kind any record has
                if sums[(ind.key, ("approximation", kind))]:
                    out[(ind.key, "approximation")] = kind
                    break
            out[(ind.key, "lower_bound")] = out.get((ind.key, "approximation")) in (
                "at_least",
                "or_more",
            )
        giving_count = sums.get((ind.key, ("unit", "")), 0)
        for word in ind.unit_words:
            if giving_count and sums[(ind.key, ("unit", word))] == giving_count:
                out[(ind.key, "unit")] = word  # every record giving a value chose it


def evaluate(
    indicators, root, periods, months: dict[str, list] | None = None
) -> dict[tuple[str, object], object]:
    """Every indicator for ``root``'s subtree over each of ``periods`` ([(start, end)]), as
    {(key, period index): value}, plus for the first period how the figures are known
    ({(key, "approximation"): kind}, {(key, "lower_bound"): bool}) and the unit word their
    records chose ({(key, "unit"): word}), and {(key, ("month", i)): value} for the month spans
    ``months`` asks of some indicators (their trends). One query per model, whatever the
    number of indicators and periods: a filtered aggregate per (indicator, period), so a
    dashboard reads each model's records of the subtree once."""
    months = months or {}
    out: dict[tuple[str, object], object] = {}
    if store is not None:
        out, indicators = store.answer(indicators, root, periods, months)
    for batch in _batches(indicators):
        _evaluate_batch(batch, root, periods, months, out)
    return out


def evaluate_by_child(indicators, root, start, end) -> dict[str, dict[str, object]]:
    """{key: {child path: value}} for every indicator, one grouped query per model: each
    record counts for the child whose path prefixes its org's (or for ``root`` itself)."""
    width = len(root.path) + 11  # a child's path: the root's, 10 digits and a slash
    out: dict[str, dict[str, object]] = {ind.key: {} for ind in indicators}
    if store is not None:
        answered, indicators = store.answer_by_child(indicators, root, start, end)
        out.update(answered)
    for batch in _batches(indicators):
        first = batch[0]
        columns = _Aliases()
        alias = {ind.key: _period_measure(columns, ind, start, end) for ind in batch}
        rows = list(
            first.source()
            .filter(**{f"{first._path()}__startswith": root.path})
            .order_by()  # a model's default ordering must not join the GROUP BY
            .annotate(branch=Substr(first._path(), 1, width))
            .values("branch", *first.group_by)
            .annotate(**columns.aggregates)
        )
        for ind in batch:
            totals = out[ind.key]
            for row in rows:
                if _takes(ind, row) and row[alias[ind.key]]:
                    totals[row["branch"]] = totals.get(row["branch"], 0) + row[alias[ind.key]]
            for branch, value in totals.items():
                totals[branch] = _clean(value)
    return out
