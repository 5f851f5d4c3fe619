"""Precomputed figures: each stored indicator per org and month over the org's own records
(``FigureCell``) and over its whole subtree (``FigureTotal``), so that a page of any level
reads one row per figure and month instead of every member beneath it.

**What is stored.** An indicator whose figure over a subtree is the sum of its orgs' own
figures and whose records say their org and month by themselves: counted or summed (never a
distinct count: a person counts once however many unions paid them), over one table whose
columns decide it (``where``, ``as_of``, the measure) with columns of tables one key away (a
membership's person: women, migrant workers), with the org as a column of that table
(``org``, or the org itself) and a plain date column. The rest (distinct counts, figures
through another record, figures whose wording depends on their records) stay live; so do
the records behind a figure. ``stored()`` says which.

**Up to a month's end, or up to today.** A cell counts up to its ``end``: a month's last day
(a flow's records of that month, a stock at that day), or one of the days the store keeps
(``kept_days``: today, and the same day a year before; a flow's records from the first of
that month to the day, a stock at the day). So a period that starts on a month's first and
ends on a month's last day or on a kept day is answered from the store: "this year so far",
on which the statistics page opens, and the same dates of last year it is compared with.
Other periods are evaluated live. When a new day begins, the worker counts the cells up to
the new days in place of the old ones (``_move_days``: one pass over each table); until then
those periods are live.

**Kept current by the worker, within seconds, with a watermark.** A statement trigger on each
source table writes the orgs whose records changed (``FigureDirty``) in the writer's own
transaction; ``drain`` (the worker, every minute and whenever a page found dirty orgs)
recounts those orgs' cells from their records, adds the difference to the totals of each org
on their paths, and deletes the marks it read, and only those. Chosen over counting in the
writer's transaction: a roster import of a million rows marks 300 orgs once, instead of
recounting figures a million times, and a clerk's save does not wait on the figures. A page
never reads a stale figure: while an org of its subtree is marked, the marked table's figures
of that subtree are evaluated live.

**Subtree totals.** Every org with an org beneath it keeps totals; a union with none beneath
keeps none, its cells being its subtree's (most orgs are such unions, so the totals are a few
per cent of the cells, and a page asks the cells of those unions instead).

**Moves and back-dated records.** A cell belongs to an org by id, so moving an org changes no
cell; it changes which totals the cells add to, so a move (or a deletion, or a union with
cells given its first org beneath) writes a mark of its own (``TREE``), every page reads live
until the next drain, and the drain makes the totals again from the cells (a rare event). A
flow has a cell for whatever month its records fall in; a stock is kept at the end of the
months of ``FigureSpan`` (at most ``YEARS_KEPT`` years back), and a stock asked at another day
is evaluated live.
Figures over the org tree itself (unions founded) stay live: one cell per org and month would
outgrow the tree they count.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gonghui.core.county import drop_triggers
from gonghui.core.dates import add_months, add_years
from gonghui.core.indicators import FLOW, _Aliases, _clean
from gonghui.orgs.models import Org
from gonghui.reports.models import FigureCell, FigureDirty, FigureSpan, FigureTotal

# Months of stocks computed in one query (each month is a column per measure).
MONTHS_PER_QUERY = 48
# Stocks are kept at month ends this many years back (the statistics page compares with the
# year before; a trend shows three years); older periods are evaluated live.
YEARS_KEPT = 5
# The cells' form: a store built in another is counted again (2: cells up to a day).
FORMAT = 2
DRAIN_LOCK = 7_204_001  # pg_advisory_xact_lock key: one drain or rebuild at a time
# The mark a move or a deletion in the org tree writes (``FigureDirty.table``): the subtree
# totals it changed are made again from the cells by the next drain.
TREE = "(org tree)"
_PROBE_DAY = datetime.date(2001, 1, 31)


def _month_end(first: datetime.date) -> datetime.date:
    return add_months(first, 1) - datetime.timedelta(days=1)


def _storable(ind) -> bool:
    measure = ind.measure
    if ind.org_field != "org" or ind.approximation_field or ind.unit_words:
        return False
    if not ind.date_field or "__" in ind.date_field or ind.group_by:
        return False
    if ind.kind == FLOW and ind.as_of is not None:
        return False  # a flow that looks at its period's end does not add up month by month
    date = ind.source().model._meta.get_field(ind.date_field)
    if not isinstance(date, DateField) or isinstance(date, DateTimeField):
        return False
    if type(measure) not in (Count, Sum) or measure.distinct or measure.filter is not None:
        return False
    base = ind.source()
    if base.query.where:
        return False
    return _joins(ind) is not None


def _joins(ind) -> list[tuple[str, str]] | None:
    """The tables besides its own whose columns the figure reads, as (table, the source's key
    to it), when each is one step away by a key of the source table (a membership's person:
    women, migrant workers), so that their triggers can mark the source's orgs; None when the
    figure reads further (its changes would go unseen)."""
    probe = _probe(ind)
    sql, _params = probe.query.sql_with_params()
    if sql.count("SELECT") > 1:
        return None  # a subquery (a congress's meetings): a table no trigger here watches
    own = probe.query.base_table
    joins = []
    for alias, join in probe.query.alias_map.items():
        if alias == own:
            continue
        cols = getattr(join, "join_cols", ())
        if join.parent_alias != own or len(cols) != 1 or cols[0][1] != "id":
            return None
        joins.append((join.table_name, cols[0][0]))
    return joins


_cache: dict = {"registry": None, "stored": {}, "fingerprint": {}, "integral": {}}


def stored() -> dict:
    """key → indicator, for the indicators the store holds (of ``all_indicators()``)."""
    from gonghui.reports.registry import all_indicators

    registry = all_indicators()
    if _cache["registry"] is not registry:
        chosen = {k: ind for k, ind in registry.items() if _storable(ind)}
        _cache["fingerprint"] = {k: fingerprint(ind) for k, ind in chosen.items()}
        _cache["integral"] = {k: _integral(ind) for k, ind in chosen.items()}
        _cache["stored"], _cache["registry"] = chosen, registry
    return _cache["stored"]


def _fingerprints(indicators) -> dict[str, str]:
    stored()
    return {ind.key: _cache["fingerprint"][ind.key] for ind in indicators}


def _table(ind) -> str:
    return ind.source().model._meta.db_table


def _probe(ind):
    """The figure's query on one day: what it reads, as SQL, whatever the process."""
    probe = ind.source().filter(ind.records_in(_PROBE_DAY, _PROBE_DAY))
    return probe.annotate(_measure=ind.measure)


def fingerprint(ind) -> str:
    """What the figure's definition is, as far as the stored numbers depend on it: its SQL on
    a fixed day, its kind and its date (the same in every process and every release that does
    not change it)."""
    sql, params = _probe(ind).query.sql_with_params()
    text = repr((FORMAT, ind.kind, ind.date_field, sql, [str(p) for p in params]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _where(ind) -> Q:
    return ind.where() if ind.where is not None else Q()


def _by_table(indicators) -> dict[str, list]:
    tables: dict[str, list] = defaultdict(list)
    for ind in indicators:
        tables[_table(ind)].append(ind)
    return tables


def _integral(ind) -> bool:
    field = ind.source().annotate(_measure=ind.measure).query.annotations["_measure"].output_field
    return isinstance(field, IntegerField)


# -- Counting ---------------------------------------------------------------------------------


def _count(indicators, span_first, span_last, days, orgs=None, months=True) -> list[tuple]:
    """(key, org id, end, value) of every non-zero cell of ``indicators`` (one table's), for
    all orgs or only ``orgs``: a flow's up to each month's end it has records in and up to each
    of ``days``; a stock's at each month's end from ``span_first`` to ``span_last`` and at each
    of ``days`` (with ``months`` false, only those up to ``days``)."""
    first = indicators[0]
    column = "org_id"
    base = first.source().order_by()
    if orgs is not None:
        base = base.filter(**{f"{column}__in": list(orgs)})
    cells = []
    flows = [ind for ind in indicators if ind.kind == FLOW]
    stocks = [ind for ind in indicators if ind.kind != FLOW]
    for date_field in sorted({ind.date_field for ind in flows}):
        group = [ind for ind in flows if ind.date_field == date_field]
        columns = _Aliases()
        alias = {
            ind.key: columns.of(ind.measure, ind.where() if ind.where else Q()) for ind in group
        }
        rows = (
            base.filter(**{f"{date_field}__isnull": False})
            .annotate(_month=TruncMonth(date_field))
            .values(column, "_month")
            .annotate(**columns.aggregates)
        )
        for row in rows if months else ():
            for ind in group:
                if value := row[alias[ind.key]]:
                    cells.append((ind.key, row[column], _month_end(row["_month"]), value))
        # Up to each kept day, from its month's first: the days' records only.
        for day in days:
            dated = {f"{date_field}__gte": day.replace(day=1), f"{date_field}__lte": day}
            for row in base.filter(**dated).values(column).annotate(**columns.aggregates):
                for ind in group:
                    if value := row[alias[ind.key]]:
                        cells.append((ind.key, row[column], day, value))
    ends = []
    month = span_first
    while month <= span_last and months:
        ends.append(_month_end(month))
        month = add_months(month, 1)
    ends += days
    for i in range(0, len(ends), MONTHS_PER_QUERY) if stocks else ():
        chunk = ends[i : i + MONTHS_PER_QUERY]
        columns = _Aliases()
        alias = {
            (ind.key, end): columns.of(ind.measure, ind.records_in(end.replace(day=1), end))
            for ind in stocks
            for end in chunk
        }
        for row in base.values(column).annotate(**columns.aggregates):
            for (key, end), name in alias.items():
                if value := row[name]:
                    cells.append((key, row[column], end, value))
    return cells


def _write(cells) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy('COPY reports_figurecell (key, org_id, "end", value) FROM STDIN') as copy,
    ):
        for cell in cells:
            copy.write_row(cell)


def _span_months(indicators) -> tuple[datetime.date, datetime.date]:
    """The months a stock is kept at the end of: from the table's earliest record (but at most
    ``YEARS_KEPT`` years back) to the end of this year, or of its latest record's year if it
    is next year. A period ending outside them is evaluated live."""
    base = indicators[0].source()
    fields = sorted({ind.date_field for ind in indicators})
    found = base.aggregate(
        **{f"a{i}": Min(f) for i, f in enumerate(fields)},
        **{f"z{i}": Max(f) for i, f in enumerate(fields)},
    )
    today = timezone.localdate()
    earliest = min((d for k, d in found.items() if k[0] == "a" and d), default=today)
    latest = max((d for k, d in found.items() if k[0] == "z" and d), default=today)
    first = max(earliest.replace(day=1), datetime.date(today.year - YEARS_KEPT, 1, 1))
    # Up to the end of next year at most: one record mistyped as 2099 must not fill the store.
    last = min(max(today, latest), datetime.date(today.year + 1, 12, 1))
    return first, last.replace(month=12, day=1)


def kept_days() -> list[datetime.date]:
    """The days besides month ends the store keeps cells up to: today (the statistics page
    opens on this year so far) and the same day a year before (what it is compared with); a
    day that is a month's end is one already."""
    today = timezone.localdate()
    days = [add_years(today, -1), today]
    return [day for day in days if day != _month_end(day.replace(day=1))]


def _days(span) -> list[datetime.date]:
    return [datetime.date.fromisoformat(day) for day in span.days]


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAIN_LOCK])


def rebuild(tables: set[str] | None = None) -> dict[str, int]:
    """Count every stored figure again from the records (``gonghui manage rebuild_figures``),
    or only those of ``tables``: {table: cells written}. The marks of those tables it read
    before counting are cleared; later ones stay for the next drain. A rebuild of everything
    also clears the tree's marks it read before it began: every total it makes follows the
    tree as it was then, or later."""
    moved = [] if tables is not None else list(_tree_marks())
    written = {}
    for table, indicators in _by_table(stored().values()).items():
        if tables is not None and table not in tables:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            _lock(cursor)
            # The marks it will clear, read before it counts: a mark still uncommitted now is
            # not among them and stays for the next drain.
            read = list(FigureDirty.objects.filter(table=table).values_list("id", flat=True))
            first, last = _span_months(indicators)
            days = kept_days()
            keys = [ind.key for ind in indicators]
            FigureCell.objects.filter(key__in=keys).delete()
            cells = _count(indicators, first, last, days)
            _write(cells)
            _total_again(cursor, keys)
            FigureSpan.objects.update_or_create(
                table=table,
                defaults={
                    "first_month": first,
                    "last_month": last,
                    "days": [day.isoformat() for day in days],
                    "keys": _fingerprints(indicators),
                    "built_at": timezone.now(),
                },
            )
            FigureDirty.objects.filter(id__in=read).delete()
            written[table] = len(cells)
    FigureDirty.objects.filter(id__in=moved).delete()
    return written


def _tree_marks():
    return FigureDirty.objects.filter(table=TREE).values_list("id", flat=True)


def _ancestors_sql(org_alias: str) -> str:
    """A join that gives, as ``a.id``, each org whose subtree total a cell of ``org_alias``
    adds to: every org above it (the path is their zero-padded ids), and itself when it has
    orgs beneath it. A union with none beneath keeps no totals: its cells are its subtree's
    (most orgs are such unions, so the totals are a few per cent of the cells)."""
    return f"""
        JOIN LATERAL (
            SELECT step::bigint AS id
              FROM unnest(string_to_array(rtrim({org_alias}.path, '/'), '/')) step
        ) a ON a.id <> {org_alias}.id
            OR EXISTS (SELECT 1 FROM orgs_org beneath WHERE beneath.parent_id = {org_alias}.id)
    """  # noqa: S608 (an alias of ours)


def _total_again(cursor, keys, ends=None) -> None:
    """Make the subtree totals of ``keys`` (up to ``ends`` only, if given) again from the
    cells: each cell added to its org's total and to each org's above it. (A cell of an org no
    longer in the tree adds to none: the live evaluation does not find its records either.)"""
    totals = FigureTotal.objects.filter(key__in=keys)
    only = ""
    params = [list(keys)]
    if ends is not None:
        totals = totals.filter(end__in=ends)
        only = 'AND c."end" = ANY(%s)'
        params.append(list(ends))
    totals.delete()
    cursor.execute(
        f"""
        INSERT INTO reports_figuretotal (key, org_id, "end", value)
        SELECT c.key, a.id, c."end", sum(c.value)
          FROM reports_figurecell c JOIN orgs_org o ON o.id = c.org_id {_ancestors_sql("o")}
         WHERE c.key = ANY(%s) {only}
         GROUP BY c.key, a.id, c."end"
        """,  # noqa: S608 (no value of a user's in the SQL)
        params,
    )


def _days_moved(span) -> bool:
    return not {day.isoformat() for day in kept_days()} <= set(span.days)


def _move_days(table: str, indicators) -> None:
    """Count the cells up to the days kept now (a new day has begun) in place of those up to
    the days kept before: one pass over the table for the stocks, the days' records for the
    flows. The days kept until now stay one more day: a page that found them kept and reads
    their totals a moment later, after this has committed, still finds them."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        span = FigureSpan.objects.filter(table=table).first()
        if span is None or not _days_moved(span):
            return  # another drain moved them first
        days = kept_days()
        kept_on = [d for d in _days(span) if any((new - d).days == 1 for new in days)]
        keys = [ind.key for ind in indicators]
        # The new days' too: none should be there, but a cell counted twice would stop the copy.
        gone = [d for d in _days(span) if d not in kept_on] + days
        FigureCell.objects.filter(key__in=keys, end__in=gone).delete()
        _write(_count(indicators, span.first_month, span.last_month, days, months=False))
        FigureTotal.objects.filter(key__in=keys, end__in=gone).delete()
        _total_again(cursor, keys, days)
        span.days = [day.isoformat() for day in sorted({*kept_on, *days})]
        span.save(update_fields=["days"])


def _recount(cursor, indicators, span, marked) -> None:
    """Count the cells of ``marked`` orgs again and add what changed to the totals of each org
    on their paths (the difference, computed in the database: a million-row import's 300
    orgs may change a few hundred thousand cells)."""
    keys = [ind.key for ind in indicators]
    cells = FigureCell.objects.filter(key__in=keys, org_id__in=marked)
    cursor.execute("DROP TABLE IF EXISTS figure_old")
    cursor.execute(
        "CREATE TEMP TABLE figure_old ON COMMIT DROP AS "
        'SELECT key, org_id, "end", value FROM reports_figurecell '
        "WHERE key = ANY(%s) AND org_id = ANY(%s)",
        [keys, list(marked)],
    )
    cells.delete()
    _write(_count(indicators, span.first_month, span.last_month, _days(span), marked))
    cursor.execute(
        f"""
        WITH change AS (
            SELECT key, org_id, "end", sum(value) AS value FROM (
                SELECT key, org_id, "end", value FROM reports_figurecell
                 WHERE key = ANY(%s) AND org_id = ANY(%s)
                UNION ALL
                SELECT key, org_id, "end", -value FROM figure_old
            ) both_ GROUP BY key, org_id, "end" HAVING sum(value) <> 0
        )
        INSERT INTO reports_figuretotal AS t (key, org_id, "end", value)
        SELECT d.key, a.id, d."end", sum(d.value)
          FROM change d JOIN orgs_org o ON o.id = d.org_id {_ancestors_sql("o")}
         GROUP BY d.key, a.id, d."end"
        ON CONFLICT (org_id, key, "end") DO UPDATE SET value = t.value + excluded.value""",  # noqa: S608
        [keys, list(marked)],
    )


def drain(limit: int = 20_000, upto: int | None = None) -> int:
    """Recount the figures of the orgs marked since the last drain (at most ``limit`` marks,
    none written after mark ``upto``); returns how many marks it cleared. A table whose
    definitions changed is rebuilt whole; a change in the tree (a move, a deletion, a union's
    first org beneath it) makes every subtree total again from the cells."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        marks = FigureDirty.objects.order_by("id")
        if upto is not None:
            marks = marks.filter(id__lte=upto)
        marks = list(marks.values_list("id", "table", "org_id")[:limit])
        if not marks:
            return 0
        orgs: dict[str, set] = defaultdict(set)
        for _id, table, org_id in marks:
            orgs[table].add(org_id)
        tree_changed = orgs.pop(TREE, None) is not None
        # A marked org that has gone from the tree has no path to carry its change up: its
        # ancestors' totals are made again with everything else's.
        ids = {o for marked in orgs.values() for o in marked if o is not None}
        present = Org.objects.filter(id__in=ids).values_list("id", flat=True)
        tree_changed = tree_changed or bool(ids - set(present))
        spans = {span.table: span for span in FigureSpan.objects.filter(table__in=orgs)}
        tables = _by_table(stored().values())
        whole = set()
        for table, marked in orgs.items():
            span, indicators = spans.get(table), tables.get(table, [])
            if span is None or not indicators:
                continue  # not built: nothing to keep current
            if span.keys != _fingerprints(indicators):
                whole.add(table)
                continue
            _recount(cursor, indicators, span, marked)
        if tree_changed:
            _total_again(cursor, list(stored()))
        FigureDirty.objects.filter(id__in=[m[0] for m in marks]).delete()
    if whole:
        rebuild(whole)
    return len(marks)


def drain_all() -> int:
    """``drain`` until no marks are left (the worker's task), after building what the store
    does not hold yet (a table whose first stored figure a new release declares) or no longer
    covers (a new year) or built by another definition (a new release), and moving the days
    it keeps to today's; returns the marks cleared."""
    this_year = datetime.date(timezone.localdate().year, 12, 1)
    spans = {span.table: span for span in FigureSpan.objects.all()}
    tables = _by_table(stored().values())
    if spans:  # a store never built stays so until ``rebuild_figures``
        stale = {
            table
            for table, indicators in tables.items()
            if table not in spans
            or spans[table].last_month < this_year
            or spans[table].keys != _fingerprints(indicators)
        }
        if stale:
            rebuild(stale)
        for table, span in spans.items():
            if table in tables and table not in stale and _days_moved(span):
                _move_days(table, tables[table])
    # The marks there now, and no more: under a steady flow of writes the worker must come
    # back to its other tasks; later marks are the next run's.
    upto = FigureDirty.objects.aggregate(last=Max("id"))["last"]
    cleared = 0
    while upto is not None and (done := drain(upto=upto)):
        cleared += done
    return cleared


def _ask_worker() -> None:
    """Have the worker drain soon: a page that found marked orgs reads live until it has."""
    from procrastinate import exceptions

    from gonghui.reports.tasks import drain_figures

    def defer():
        with contextlib.suppress(exceptions.AlreadyEnqueued):  # one waiting drain takes all
            drain_figures.defer()

    transaction.on_commit(defer)


# -- Reading ----------------------------------------------------------------------------------


def _usable(indicators, root, ends) -> list:
    """Of ``indicators`` (stored ones), those the store answers exactly for ``root``: built by
    their present definition, no org of the subtree marked, the tree unchanged since the
    totals were made, and each day a figure is asked up to (``ends``) one the store has cells
    up to: a kept day, or a month's end (for a stock, a month it keeps; a flow has a cell for
    whatever month its records fall in)."""
    if not indicators:
        return []
    tables = _by_table(indicators)
    # One query: what is built, whether an org of the subtree is marked, and whether the tree
    # changed since the totals were made. From each mark to its org, not from the subtree's
    # orgs to the marks: there are few marks and, for a province, 300,000 orgs.
    in_subtree = Org.objects.filter(pk=OuterRef("org_id"), path__startswith=root.path)
    marks = FigureDirty.objects.filter(table=OuterRef("table")).filter(Exists(in_subtree))
    spans = {
        s.table: s
        for s in FigureSpan.objects.filter(table__in=tables).annotate(
            marked=Exists(marks), tree=Exists(FigureDirty.objects.filter(table=TREE))
        )
    }
    if any(span.marked or span.tree for span in spans.values()):
        _ask_worker()
    usable = []
    for table, group in tables.items():
        span = spans.get(table)
        if span is None or span.marked or span.tree:
            continue
        days = set(span.days)
        month_ends = [end for end in ends if end.isoformat() not in days]
        if any(end != _month_end(end.replace(day=1)) for end in month_ends):
            continue
        kept = all(span.first_month <= end.replace(day=1) <= span.last_month for end in month_ends)
        prints = _fingerprints(group)
        usable += [
            ind
            for ind in group
            if span.keys.get(ind.key) == prints[ind.key] and (ind.kind == FLOW or kept)
        ]
    return usable


def _parts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The ends of the cells whose flows add up to a period that starts on a month's first:
    each whole month's before ``end``'s, then ``end`` (a month's end or a kept day)."""
    parts, month = [], start
    while month < end.replace(day=1):
        parts.append(_month_end(month))
        month = add_months(month, 1)
    return [*parts, end]


def _ends(ind, start, end) -> list[datetime.date]:
    return _parts(start, end) if ind.kind == FLOW else [end]


def _value(ind, total) -> object:
    if not total:  # none, or a total that came back to nought: 0, as the live evaluation says
        return 0
    return int(total) if _cache["integral"][ind.key] else _clean(Decimal(total))


def _worth_it(indicators) -> list:
    """The stored ones among ``indicators``, but none of a table that other, live ones of the
    same table ask of anyway (the grants' distinct counts): the live query reads the table
    once for all of them, and the cells would only add a read."""
    store = stored()
    live_tables = {
        _table(ind) for ind in indicators if ind.key not in store and ind.org_field == "org"
    }
    return [ind for ind in indicators if ind.key in store and _table(ind) not in live_tables]


def answer(indicators, root, periods, months) -> tuple[dict, list]:
    """The part of ``core.indicators.evaluate`` the store can give: ({(key, what): value} for
    the indicators it answers exactly, the indicators left to the live evaluation). A period
    must start on a month's first; it may end on a month's last day or on a kept day (today
    so far, and the same dates a year before)."""
    mine = _worth_it(indicators)
    asked = list(periods) + [span for ind in mine for span in months.get(ind.key, ())]
    if not mine or any(s.day != 1 or s > e for s, e in asked):
        return {}, list(indicators)
    usable = _usable(mine, root, {e for _s, e in asked})
    if not usable:
        return {}, list(indicators)
    wanted = {
        part
        for ind in usable
        for s, e in [*periods, *months.get(ind.key, ())]
        for part in _ends(ind, s, e)
    }
    # The root's subtree totals, or its cells when it has no org beneath it (and so no totals).
    asked_for = {"key__in": [ind.key for ind in usable], "org": root, "end__in": wanted}
    beneath = Exists(Org.objects.filter(parent=OuterRef("org")))
    totals = {
        (key, end): value
        for key, end, value in FigureTotal.objects.filter(beneath, **asked_for)
        .values_list("key", "end", "value")
        .union(
            FigureCell.objects.filter(~beneath, **asked_for).values_list("key", "end", "value"),
            all=True,
        )
    }

    def figure(ind, start, end):
        found = [totals[(ind.key, e)] for e in _ends(ind, start, end) if (ind.key, e) in totals]
        return _value(ind, sum(found) if found else None)

    out = {}
    for ind in usable:
        for p, (start, end) in enumerate(periods):
            out[(ind.key, p)] = figure(ind, start, end)
        for i, (start, end) in enumerate(months.get(ind.key, ())):
            out[(ind.key, ("month", i))] = figure(ind, start, end)
    answered = {ind.key for ind in usable}
    return out, [ind for ind in indicators if ind.key not in answered]


def answer_by_child(indicators, root, start, end) -> tuple[dict, list]:
    """The part of ``core.indicators.evaluate_by_child`` the store can give."""
    mine = _worth_it(indicators)
    if not mine or start.day != 1 or start > end:
        return {}, list(indicators)
    usable = _usable(mine, root, [end])
    if not usable:
        return {}, list(indicators)
    out: dict[str, dict] = {ind.key: {} for ind in usable}
    flows = [ind.key for ind in usable if ind.kind == FLOW]
    stocks = [ind.key for ind in usable if ind.kind != FLOW]
    # Each child's subtree total, or its cells when it has no org beneath it (its path is its
    # branch), and the root's own records' cells (their branch is the root's path, as in the
    # live evaluation).
    beneath = Exists(Org.objects.filter(parent=OuterRef("org")))
    children = FigureTotal.objects.filter(beneath, org__parent=root)
    unions = FigureCell.objects.filter(~beneath, org__parent=root)
    own = FigureCell.objects.filter(org=root)
    chosen = Q(key__in=flows, end__in=_parts(start, end)) | Q(key__in=stocks, end=end)
    rows = []
    for cells in (children, unions, own):
        rows += list(
            cells.filter(chosen)
            .values("key", branch=F("org__path"))
            .annotate(total=Sum("value"))
            .order_by()
        )
    by_key = {ind.key: ind for ind in usable}
    for row in rows:
        if row["total"]:
            out[row["key"]][row["branch"]] = _value(by_key[row["key"]], row["total"])
    answered = set(out)
    return out, [ind for ind in indicators if ind.key not in answered]


# -- The triggers that mark changed orgs -------------------------------------------------------


# An update that changes nothing a figure reads but the county (a move carrying it down)
# marks nothing: the cells follow the org path, not the county column.
_CHANGED = "to_jsonb(n) - 'county_id' IS DISTINCT FROM to_jsonb(o) - 'county_id'"


def _joined_trigger_sql(joined: str, table: str, key: str, column: str) -> list[str]:
    """Marks on a table a figure reads through a key of its source (a person's gender for the
    membership figures): a change there marks the orgs of the source rows pointing at it."""
    name = f"gonghui_figures_{joined}_for_{table}"[:63]
    return [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
        -- The transition tables have no statistics: a nested loop over a million-row
        -- statement's old and new rows would never end, a hash join takes a second.
        SET enable_nestloop = off AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                INSERT INTO reports_figuredirty ("table", org_id)
                SELECT DISTINCT '{table}', s.{column} FROM old_rows o
                  JOIN {table} s ON s.{key} = o.id;
            ELSE
                INSERT INTO reports_figuredirty ("table", org_id)
                SELECT DISTINCT '{table}', s.{column}
                  FROM new_rows n JOIN old_rows o ON o.id = n.id
                  JOIN {table} s ON s.{key} = n.id
                 WHERE {_CHANGED};
            END IF;
            RETURN NULL;
        END $$""",  # noqa: S608 (names from the models)
        f"""
        CREATE TRIGGER {f"gonghui_figures_update_for_{table}"[:63]}
        AFTER UPDATE ON {joined} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
        f"""
        CREATE TRIGGER {f"gonghui_figures_delete_for_{table}"[:63]}
        AFTER DELETE ON {joined} REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
    ]


def _trigger_sql(table: str, column: str) -> list[str]:
    name = f"gonghui_figures_{table}"
    return [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
        -- The transition tables have no statistics: a nested loop over a million-row
        -- statement's old and new rows would never end, a hash join takes a second.
        SET enable_nestloop = off AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO reports_figuredirty ("table", org_id)
                SELECT DISTINCT '{table}', {column} FROM new_rows;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO reports_figuredirty ("table", org_id)
                SELECT DISTINCT '{table}', {column} FROM old_rows;
            ELSE
                INSERT INTO reports_figuredirty ("table", org_id)
                SELECT DISTINCT '{table}', x.{column}
                  FROM new_rows n JOIN old_rows o ON o.id = n.id,
                       LATERAL (VALUES (n.{column}), (o.{column})) AS x({column})
                 WHERE {_CHANGED};
            END IF;
            RETURN NULL;
        END $$""",  # noqa: S608 (names from the models)
        f"""
        CREATE TRIGGER gonghui_figures_insert AFTER INSERT ON {table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
        f"""
        CREATE TRIGGER gonghui_figures_update AFTER UPDATE ON {table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
        f"""
        CREATE TRIGGER gonghui_figures_delete AFTER DELETE ON {table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
    ]


def _tree_trigger_sql() -> list[str]:
    """The mark of a move (the paths of a subtree rewritten) or a deletion in the org tree,
    and of a union with cells given its first org beneath (it keeps totals from then on): the
    subtree totals no longer add up to their cells until the next drain."""
    mark = f"INSERT INTO reports_figuredirty (\"table\", org_id) VALUES ('{TREE}', NULL)"  # noqa: S608 (a constant)
    return [
        f"""
        CREATE OR REPLACE FUNCTION gonghui_figures_tree() RETURNS trigger LANGUAGE plpgsql
        SET enable_nestloop = off AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF EXISTS (SELECT 1 FROM old_rows) THEN {mark}; END IF;
            ELSIF TG_OP = 'INSERT' THEN
                IF EXISTS (
                    SELECT 1 FROM new_rows n
                     WHERE EXISTS (SELECT 1 FROM reports_figurecell c WHERE c.org_id = n.parent_id)
                       AND NOT EXISTS (
                           SELECT 1 FROM orgs_org sibling
                            WHERE sibling.parent_id = n.parent_id
                              AND sibling.id NOT IN (SELECT id FROM new_rows))
                ) THEN
                    {mark};
                END IF;
            ELSIF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                           WHERE n.path IS DISTINCT FROM o.path) THEN
                {mark};
            END IF;
            RETURN NULL;
        END $$""",  # noqa: S608 (a constant)
        """
        CREATE TRIGGER gonghui_figures_tree_update AFTER UPDATE ON orgs_org
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION gonghui_figures_tree()""",
        """
        CREATE TRIGGER gonghui_figures_tree_insert AFTER INSERT ON orgs_org
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION
        gonghui_figures_tree()""",
        """
        CREATE TRIGGER gonghui_figures_tree_delete AFTER DELETE ON orgs_org
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION
        gonghui_figures_tree()""",
    ]


def after_migrate(using: str = "default", **kwargs) -> None:
    """``install`` after every ``migrate`` (not after a ``flush``; see ``core.county``)."""
    if "plan" in kwargs:
        install()


def install() -> None:
    """The marking triggers on every table the store reads (made again after each migrate,
    so a work area's new figures are marked the day it is installed; none while the store's
    own table is missing, a migrate having gone back before it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        drop_triggers(cursor, "gonghui_figures")
        tables = set(connection.introspection.table_names(cursor))
        if FigureDirty._meta.db_table not in tables:
            return
        for sql in _tree_trigger_sql():
            cursor.execute(sql)
        for table, indicators in _by_table(stored().values()).items():
            if table not in tables:
                continue
            statements = _trigger_sql(table, "org_id")
            joined = sorted({j for ind in indicators for j in _joins(ind)})
            for other, key in joined:
                if other in tables:
                    statements += _joined_trigger_sql(other, table, key, "org_id")
            for sql in statements:
                cursor.execute(sql)
