"""Reading indicators for an org and a period: figures, the previous year's, and the
statistics table (one row per child org plus the total).

Everything is set-based: one aggregate query per indicator for a figure, one grouped query per
indicator for a whole table, whatever the number of orgs beneath.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope
from gonghui.core.dates import add_years
from gonghui.core.indicators import evaluate, evaluate_by_child
from gonghui.orgs.models import Org
from gonghui.reports.registry import all_indicators, all_rates


@dataclass
class Figure:
    key: str
    name: str
    unit: str
    work_area: str
    value: object
    previous: object
    target: object = None
    lower_bound: bool = False
    # How the records know the figure: "" (exactly), at_least (余), or_more (以上), nearly (近).
    approximation: str = ""

    @property
    def completion(self) -> str:
        """ "131%" of the target, or "" without one."""
        from gonghui.core.figures import percent

        return percent(self.value, self.target) if self.target else ""

    @property
    def change(self):
        return self.value - self.previous

    def as_dict(self) -> dict:
        value = self.value
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "work_area": self.work_area,
            "value": str(value) if not isinstance(value, int) else value,
            "previous": str(self.previous) if not isinstance(self.previous, int) else self.previous,
            "lower_bound": self.lower_bound,
            "approximation": self.approximation,
        }


def figures(
    actor,
    org: Org,
    start: datetime.date,
    end: datetime.date,
    keys: list[str] | None = None,
    previous: bool = True,
    previous_span: tuple[datetime.date, datetime.date] | None = None,
) -> list[Figure]:
    """Every indicator (or those of ``keys``) for ``org``'s subtree over the period, beside its
    figure of ``previous_span`` (default: the same dates a year before)."""
    return _figures(actor, org, start, end, keys, previous, previous_span=previous_span)[0]


def _figures(actor, org, start, end, keys=None, previous=True, months=None, previous_span=None):
    """``figures``, and the raw values of ``evaluate`` with the month spans ``months`` asks
    for ({key: spans}), read in the same queries."""
    require_in_scope(actor, org)
    if end < start:
        raise ValueError(_("The period ends before it starts."))
    registry = all_indicators()
    chosen = [registry[k] for k in keys] if keys else list(registry.values())
    targets = targets_for(org, end.year)
    periods = [(start, end)]
    if previous:
        periods.append(previous_span or (add_years(start, -1), add_years(end, -1)))
    values = evaluate(chosen, org, periods, months)
    out = []
    for ind in chosen:
        value = values[(ind.key, 0)]
        before = values[(ind.key, 1)] if previous else 0
        target = targets.get(ind.key)
        if target is not None and ind.unit != "元":
            target = int(target)
        approximation = values.get((ind.key, "approximation"), "") if value else ""
        lower_bound = bool(value) and (
            values.get((ind.key, "lower_bound"), False) or approximation in ("at_least", "or_more")
        )
        if lower_bound and not approximation:
            approximation = "at_least"
        out.append(
            Figure(
                ind.key,
                str(ind.name),
                values.get((ind.key, "unit")) or ind.unit,
                ind.work_area,
                value,
                before,
                target,
                lower_bound,
                approximation,
            )
        )
    return out, values


def targets_for(org: Org, year: int) -> dict:
    from gonghui.reports.models import Target

    return dict(Target.objects.filter(org=org, year=year).values_list("indicator", "value"))


def _children_targets(org: Org, year: int) -> tuple[list[Org], dict[str, dict]]:
    from gonghui.reports.models import Target

    children = list(Org.objects.filter(parent=org).order_by("code"))
    rows = Target.objects.filter(org__in=children, year=year).values_list(
        "org_id", "indicator", "value"
    )
    by_indicator: dict[str, dict] = {}
    for org_id, key, value in rows:
        if key in all_indicators():
            by_indicator.setdefault(key, {})[org_id] = value
    return children, by_indicator


def targets_below(actor, org: Org, start, end, per_child=None) -> list[tuple[str, list]]:
    """The org's children side by side on every indicator that has targets for them this year:
    (indicator name, [(child, value, target, completion)]). One grouped query per model, or
    none when ``per_child`` (``evaluate_by_child`` of those indicators) is given."""
    from gonghui.core.figures import percent

    require_in_scope(actor, org)
    children, by_indicator = _children_targets(org, end.year)
    registry = all_indicators()
    chosen = [registry[key] for key in by_indicator]
    per_indicator = per_child or evaluate_by_child(chosen, org, start, end)
    out = []
    for ind in chosen:
        targets = by_indicator[ind.key]
        values = per_indicator[ind.key]
        line = []
        for child in children:
            target = targets.get(child.pk)
            value = values.get(child.path, 0)
            line.append((child.name, value, target, percent(value, target) if target else ""))
        out.append((f"{ind.name}（{ind.unit}）", line))
    return out


@dataclass
class StatisticsTable:
    org: Org
    start: datetime.date
    end: datetime.date
    columns: list  # Indicators
    rows: list[tuple[str, list]]  # (label, values) per child org, the org itself first
    total: list


def statistics_table(actor, org: Org, start, end, keys: list[str] | None = None):
    """Rows are the org's children (each with its whole subtree) and the org's own records,
    columns the indicators; the total row is the org's own figure, so rows add up to it."""
    require_in_scope(actor, org)
    registry = all_indicators()
    columns = [registry[k] for k in keys] if keys else list(registry.values())
    children = list(Org.objects.filter(parent=org).order_by("code"))
    by_key = evaluate_by_child(columns, org, start, end)
    per_indicator = [by_key[ind.key] for ind in columns]
    rows = []
    own = [values.get(org.path, 0) for values in per_indicator]
    if any(own):
        rows.append((_("%(org)s (itself)") % {"org": org.name}, own))
    for child in children:
        rows.append((child.name, [values.get(child.path, 0) for values in per_indicator]))
    totals = evaluate(columns, org, [(start, end)])
    total = [totals[(ind.key, 0)] for ind in columns]
    return StatisticsTable(org, start, end, columns, rows, total)


def work_reports_visible_to(actor):
    from gonghui.core.scoping import scope
    from gonghui.reports.models import WorkReport

    return scope(WorkReport.objects.select_related("org", "created_by"), actor)


def targets_visible_to(actor):
    from gonghui.core.scoping import scope
    from gonghui.reports.models import Target

    return scope(Target.objects.select_related("org"), actor)


@dataclass
class TracedFigure:
    key: str
    name: str
    value: str
    text: str
    phrase: str  # the figure with the words before it, as drafted: "会员总数达3人"
    in_text: bool  # the phrase is still in the edited report


def traced_figures(report) -> list[TracedFigure]:
    """The figures the draft was built from, each with whether the edited text still carries
    it; derived ones (changes, rates, completion) are named after their indicator."""
    registry = all_indicators()
    out = []
    for key, value, text, phrase in report.figures:
        base, _sep, derived = key.partition("#")
        ind = registry.get(base)
        name = str(ind.name) if ind else base
        if derived:
            labels = {
                "change": _("change on last year"),
                "rate": _("rate of change"),
                "completion": _("target completion"),
                "plan": _("target of the next year"),
                "average": _("average"),
            }
            rates = {rate.key: rate.name for rate in all_rates()}
            name = rates.get(derived) or f"{name}（{labels.get(derived, derived)}）"
        out.append(TracedFigure(base, name, value, text, phrase, phrase in report.text))
    return out


@dataclass
class Trend:
    key: str
    name: str
    unit: str
    kind: str
    points: list  # [(first day of the month, value)]


# Shown as trends when no indicator is picked: the figures a federation watches all year.
HEADLINE_TRENDS = ("members.current", "members.joined", "assistance.grants_amount")


def trends(actor, org: Org, start, end, keys, values=None) -> list[Trend]:
    """Month-by-month figures of ``keys`` (one query each, or none when ``values`` has the
    months already, from ``evaluate``); indicators with nothing in the period are left out
    rather than drawn as a flat line at zero."""
    from gonghui.core.indicators import month_spans

    require_in_scope(actor, org)
    registry = all_indicators()
    months = month_spans(start, end)
    out = []
    for key in keys:
        ind = registry.get(key)
        if ind is None or not ind.has_trend():
            continue
        if values is None:
            points = ind.by_month(org, start, end)
        else:
            points = [(first, values[(key, ("month", i))]) for i, (first, _l) in enumerate(months)]
        if any(v for _m, v in points):
            out.append(Trend(key, str(ind.name), ind.unit, ind.kind, points))
    return out


@dataclass
class Share:
    org: Org | None  # None: the org's own records, not those of a child
    value: object
    share: str


def breakdown(actor, org: Org, start, end, key: str, per_child=None) -> list[Share]:
    """One indicator split over the org's children (each with its whole subtree), plus the
    org's own records, in one grouped query (none when ``per_child`` has it already); the
    shares add up to the org's figure."""
    from gonghui.core.figures import percent

    require_in_scope(actor, org)
    ind = all_indicators()[key]
    values = (per_child or evaluate_by_child([ind], org, start, end))[key]
    total = sum(values.values())
    rows = []
    if values.get(org.path):
        rows.append(Share(None, values[org.path], percent(values[org.path], total)))
    for child in Org.objects.filter(parent=org).order_by("code"):
        value = values.get(child.path, 0)
        rows.append(Share(child, value, percent(value, total) if total else ""))
    return rows


@dataclass
class Dashboard:
    areas: list  # [(work area label, [Figure])], silent figures left out
    below: list  # targets_below
    focus: object  # the Indicator picked for a closer look, or None
    trends: list[Trend]
    split: object  # the Indicator split over the children
    shares: list[Share]
    rates: list = ()  # [(Rate, "47.5%")], those whose two figures there are


def dashboard(actor, org: Org, start, end, focus: str | None = None) -> Dashboard:
    """Everything the statistics page shows for an org and a period (and what ``bench/``
    times): the figures by work area, the targets beneath, the trends by month (of the
    focused indicator, or the headline ones) and the split over the children. Each model's
    records of the subtree are read twice in all: once for the figures with their months,
    once grouped by child for the targets beneath and the split."""
    from gonghui.core.indicators import WorkArea, month_spans

    registry = all_indicators()
    focus = focus if focus in registry else None
    trend_keys = [
        k
        for k in ([focus] if focus else HEADLINE_TRENDS)
        if k in registry and registry[k].has_trend()
    ]
    months = month_spans(start, end)
    rows, values = _figures(actor, org, start, end, months=dict.fromkeys(trend_keys, months))
    areas = []
    for area in WorkArea.values:
        # A figure that is zero now, was zero a year ago and has no target says nothing.
        items = [f for f in rows if f.work_area == area and (f.value or f.previous or f.target)]
        if items:
            areas.append((WorkArea(area).label, items))
    split_key = focus or HEADLINE_TRENDS[0]
    _children, with_targets = _children_targets(org, end.year)
    split_keys = {*with_targets, *([split_key] if split_key in registry else [])}
    per_child = evaluate_by_child([registry[k] for k in split_keys], org, start, end)
    current = {f.key: f.value for f in rows}
    rates = [(rate, rate.of(current)) for rate in all_rates() if rate.of(current)]
    return Dashboard(
        rates=rates,
        areas=areas,
        below=targets_below(actor, org, start, end, per_child),
        focus=registry.get(focus) if focus else None,
        trends=trends(actor, org, start, end, trend_keys, values),
        split=registry.get(split_key),
        shares=breakdown(actor, org, start, end, split_key, per_child)
        if split_key in registry
        else [],
    )


def target_split_rows(actor, org: Org, key: str, year: int) -> list[tuple[Org, object, object]]:
    """For the target split: each org directly beneath with its target for ``year`` ("" for
    none) and its figure of the year before, in one grouped query."""
    from gonghui.reports.models import Target

    require_in_scope(actor, org)
    children = list(Org.objects.filter(parent=org, is_active=True).order_by("code"))
    current = dict(
        Target.objects.filter(org__in=children, indicator=key, year=year).values_list(
            "org_id", "value"
        )
    )
    before = evaluate_by_child(
        [all_indicators()[key]], org, datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
    )[key]
    return [(c, current.get(c.pk, ""), before.get(c.path, 0)) for c in children]


def record_value(indicator):
    """What one record adds to a summed figure (a grant's cash plus goods, an entry's people),
    as an expression to annotate each record with; None for a figure that counts records or
    people, where each record adds one (or a person once)."""
    from django.db.models import Case, Sum, Value, When

    measure = indicator.measure
    if not isinstance(measure, Sum):
        return None
    value = measure.get_source_expressions()[0]
    if measure.filter is not None:
        value = Case(When(measure.filter, then=value), default=Value(0))
    return value


def _follow(record, path: str):
    """The value at a lookup path of a record ("contract__signed_on", "created_at__date"): the
    fields it names, and ``date`` of a moment in the platform's time zone."""
    from django.utils import timezone

    value = record
    for part in path.split("__"):
        if value is None:
            return None
        if part == "date" and isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        else:
            value = getattr(value, part)
    return value


def _figure_rows(indicator, org: Org, start, end):
    """The records behind one figure, newest first, as a queryset with each record's
    contribution (``_value``) where the figure sums, and a function making a row of one."""
    from django.urls import NoReverseMatch, reverse

    queryset = indicator.queryset(org, start, end)
    model = queryset.model
    # One level of required relations covers every record's label (a member's person, a
    # grant's person and campaign, a file's applicant); the org column may be optional.
    related = {f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null}
    if indicator.org_field:
        related.add(indicator.org_field)
    value = record_value(indicator)
    records = queryset.select_related(*related).order_by("-pk")
    if value is not None:
        records = records.annotate(_value=value)

    def row(record) -> tuple:
        # A membership opens its member's page, which shows the membership; a row of a
        # many-to-many table (a contract's employer) is said by its two ends and opens the
        # first (the contract).
        target, label = record, ""
        if model._meta.model_name == "membership":
            target = record.person
        elif model._meta.auto_created:
            ends = [getattr(record, f.name) for f in model._meta.concrete_fields if f.many_to_one]
            target, label = ends[0], "：".join(map(str, ends))
        try:
            url = reverse(
                f"admin:{target._meta.app_label}_{target._meta.model_name}_change",
                args=[target.pk],
            )
        except NoReverseMatch:
            url = ""
        where = _follow(record, indicator.org_field) if indicator.org_field else record
        day = _follow(record, indicator.date_field) if indicator.date_field else ""
        return (label or str(target), url, str(where), day, getattr(record, "_value", None))

    return records, row, value is not None


def figure_records(indicator, org: Org, start, end, limit: int, page: int = 1):
    """One page (``limit`` rows, newest first; a page past the last is the last) of the
    records behind one figure, as (label, change-page address, org, date, value) rows; how many
    there are in all; whether the figure sums a value per record (else value is None: each
    record counts one); and the page shown. The rows come from the indicator's own queryset
    (exactly what was counted)."""
    records, row, sums = _figure_rows(indicator, org, start, end)
    count = indicator.queryset(org, start, end).count()
    page = min(max(page, 1), max((count + limit - 1) // limit, 1))
    offset = (page - 1) * limit
    rows = [row(record) for record in records[offset : offset + limit]]
    return rows, count, sums, page


def figure_records_all(indicator, org: Org, start, end):
    """Every record behind one figure, as ``figure_records`` rows, read in chunks: the
    drill-down's Excel export."""
    records, row, _sums = _figure_rows(indicator, org, start, end)
    for record in records.iterator(chunk_size=2000):
        yield row(record)


def plan_items_visible_to(actor):
    from gonghui.core.scoping import scope
    from gonghui.reports.models import PlanItem

    return scope(PlanItem.objects.select_related("org"), actor)
