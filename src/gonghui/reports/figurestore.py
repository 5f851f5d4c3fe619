"""Precomputed figures: each stored indicator per org and month (``FigureCell``), so that a
city's or a province's page sums small rows instead of reading every member.

**What is stored.** An indicator whose figure over a subtree is the sum of its orgs' own
figures and whose records say their org and month by themselves: counted or summed (never a
distinct count: a person counts once however many unions paid them), over one table whose
columns decide it (``where``, ``as_of``, the measure) with columns of tables one key away (a
membership's person: women, migrant workers), with the org as a column of that table
(``org``, or the org itself) and a plain date column. The rest (distinct counts, figures
through another record, figures whose wording depends on their records) stay live; so do
partial months, and the records behind a figure. ``stored()`` says which.

**Kept current by the worker, within seconds, with a watermark.** A statement trigger on each
source table writes the orgs whose records changed (``FigureDirty``) in the writer's own
transaction; ``drain`` (the worker, every minute and whenever a page found dirty orgs)
recounts those orgs' figures from their records and deletes the marks it read, and only
those. Chosen over counting in the writer's transaction: a roster import of a million rows
marks 300 orgs once, instead of recounting figures a million times, and a clerk's save does
not wait on the figures. A page never reads a stale figure: while an org of its subtree is
marked, the marked table's figures of that subtree are evaluated live.

**Moves and back-dated records.** A cell belongs to an org by id, and the subtree is read
through the org path when the figures are read, so moving an org moves nothing here. A flow
has a cell for whatever month its records fall in; a stock is kept at the end of the months
of ``FigureSpan`` (at most ``YEARS_KEPT`` years back), and a stock asked at another month's
end is evaluated live. Figures over the org tree itself (unions founded) stay live: one cell
per org and month would outgrow the tree they count.
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
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from gonghui.core.county import drop_triggers, subtree_county
from gonghui.core.dates import add_months
from gonghui.core.indicators import FLOW, _Aliases, _clean
from gonghui.reports.models import FigureCell, FigureDirty, FigureSpan

# Months of stocks computed in one query (each month is a column per measure).
MONTHS_PER_QUERY = 48
# Stocks are kept at month ends this many years back (the statistics page compares with the
# year before; a trend shows three years); older periods are evaluated live.
YEARS_KEPT = 5
DRAIN_LOCK = 7_204_001  # pg_advisory_xact_lock key: one drain or rebuild at a time
_PROBE_DAY = datetime.date(2001, 1, 31)


def _month_end(first: datetime.date) -> datetime.date:
    return add_months(first, 1) - datetime.timedelta(days=1)


def _whole_months(start: datetime.date, end: datetime.date) -> bool:
    return start.day == 1 and end == _month_end(end.replace(day=1)) and start <= end


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
    text = repr((ind.kind, ind.date_field, sql, [str(p) for p in params]))
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


def _count(indicators, span_first, span_last, orgs=None) -> list[tuple]:
    """(key, org id, month, value) of every non-zero cell of ``indicators`` (one table's), for
    all orgs or only ``orgs``."""
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
        for row in rows:
            for ind in group:
                if value := row[alias[ind.key]]:
                    cells.append((ind.key, row[column], row["_month"], value))
    months = []
    month = span_first
    while month <= span_last:
        months.append(month)
        month = add_months(month, 1)
    for i in range(0, len(months), MONTHS_PER_QUERY) if stocks else ():
        chunk = months[i : i + MONTHS_PER_QUERY]
        columns = _Aliases()
        alias = {
            (ind.key, m): columns.of(ind.measure, ind.records_in(m, _month_end(m)))
            for ind in stocks
            for m in chunk
        }
        for row in base.values(column).annotate(**columns.aggregates):
            for (key, m), name in alias.items():
                if value := row[name]:
                    cells.append((key, row[column], m, value))
    return cells


def _write(cells) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY reports_figurecell (key, org_id, month, value) FROM STDIN") as copy,
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


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAIN_LOCK])


def rebuild(tables: set[str] | None = None) -> dict[str, int]:
    """Count every stored figure again from the records (``gonghui manage rebuild_figures``),
    or only those of ``tables``: {table: cells written}. The marks of those tables it read
    before counting are cleared; later ones stay for the next drain."""
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
            keys = [ind.key for ind in indicators]
            FigureCell.objects.filter(key__in=keys).delete()
            cells = _count(indicators, first, last)
            _write(cells)
            FigureSpan.objects.update_or_create(
                table=table,
                defaults={
                    "first_month": first,
                    "last_month": last,
                    "keys": _fingerprints(indicators),
                    "built_at": timezone.now(),
                },
            )
            FigureDirty.objects.filter(id__in=read).delete()
            written[table] = len(cells)
    return written


def drain(limit: int = 20_000) -> int:
    """Recount the figures of the orgs marked since the last drain (at most ``limit`` marks);
    returns how many marks it cleared. A table whose definitions changed is rebuilt whole."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        marks = list(
            FigureDirty.objects.order_by("id").values_list("id", "table", "org_id")[:limit]
        )
        if not marks:
            return 0
        orgs: dict[str, set] = defaultdict(set)
        for _id, table, org_id in marks:
            orgs[table].add(org_id)
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
            FigureCell.objects.filter(key__in=span.keys, org_id__in=marked).delete()
            _write(_count(indicators, span.first_month, span.last_month, marked))
        FigureDirty.objects.filter(id__in=[m[0] for m in marks]).delete()
    if whole:
        rebuild(whole)
    return len(marks)


def drain_all() -> int:
    """``drain`` until no marks are left (the worker's task), after building what the store
    does not hold yet (a table whose first stored figure a new release declares) or no longer
    covers (a new year); returns the marks cleared."""
    this_year = datetime.date(timezone.localdate().year, 12, 1)
    spans = {span.table: span for span in FigureSpan.objects.all()}
    if spans:  # a store never built stays so until ``rebuild_figures``
        stale = {
            table
            for table in _by_table(stored().values())
            if table not in spans or spans[table].last_month < this_year
        }
        if stale:
            rebuild(stale)
    cleared = 0
    while done := drain():
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
    their present definition, no org of the subtree marked, and for a stock each month whose
    end it is asked at (``ends``) among those it keeps. (A flow's months need no span: a
    record's month is its cell's, whatever the month.)"""
    if not indicators:
        return []
    tables = _by_table(indicators)
    # One query: what is built, and whether an org of the subtree is marked.
    marks = FigureDirty.objects.filter(table=OuterRef("table"), org_id__in=_subtree_ids(root))
    spans = {
        s.table: s
        for s in FigureSpan.objects.filter(table__in=tables).annotate(marked=Exists(marks))
    }
    if any(span.marked for span in spans.values()):
        _ask_worker()
    usable = []
    for table, group in tables.items():
        span = spans.get(table)
        if span is None or span.marked:
            continue
        kept = all(span.first_month <= end <= span.last_month for end in ends)
        prints = _fingerprints(group)
        usable += [
            ind
            for ind in group
            if span.keys.get(ind.key) == prints[ind.key] and (ind.kind == FLOW or kept)
        ]
    return usable


def _subtree_ids(root):
    from gonghui.orgs.models import Org

    return Org.objects.filter(path__startswith=root.path).values("id")


def _cells(keys, root):
    cells = FigureCell.objects.filter(key__in=keys)
    county = subtree_county(root)
    if county == root.pk:
        return cells.filter(county_id=county)  # a county's subtree is its county's rows
    if county is not None:
        cells = cells.filter(county_id=county)
    return cells.filter(org__path__startswith=root.path)


def _value(ind, total) -> object:
    if total is None:
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
    the indicators it answers exactly, the indicators left to the live evaluation)."""
    mine = _worth_it(indicators)
    if not mine:
        return {}, list(indicators)
    spans_needed = [(s.replace(day=1), e.replace(day=1)) for s, e in periods]
    whole = all(_whole_months(s, e) for s, e in periods)
    for ind in mine:
        for s, e in months.get(ind.key, ()):
            whole = whole and _whole_months(s, e)
            spans_needed.append((s.replace(day=1), e.replace(day=1)))
    ends = {last for _first, last in spans_needed}
    usable = _usable(mine, root, ends) if whole else []
    if not usable:
        return {}, list(indicators)
    wanted_months = set()
    for first, last in spans_needed:
        month = first
        while month <= last:
            wanted_months.add(month)
            month = add_months(month, 1)
    totals = {
        (row["key"], row["month"]): row["total"]
        for row in _cells([ind.key for ind in usable], root)
        .filter(month__in=wanted_months)
        .values("key", "month")
        .annotate(total=Sum("value"))
    }

    def figure(ind, start, end):
        first, last = start.replace(day=1), end.replace(day=1)
        if ind.kind != FLOW:
            return _value(ind, totals.get((ind.key, last)))
        total, month = None, first
        while month <= last:
            if (ind.key, month) in totals:
                total = (total or 0) + totals[(ind.key, month)]
            month = add_months(month, 1)
        return _value(ind, total)

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
    if not mine or not _whole_months(start, end):
        return {}, list(indicators)
    first, last = start.replace(day=1), end.replace(day=1)
    usable = _usable(mine, root, [last])
    if not usable:
        return {}, list(indicators)
    width = len(root.path) + 11
    out: dict[str, dict] = {ind.key: {} for ind in usable}
    flows = [ind.key for ind in usable if ind.kind == FLOW]
    stocks = [ind.key for ind in usable if ind.kind != FLOW]
    rows = []
    for keys, months in ((flows, Q(month__gte=first, month__lte=last)), (stocks, Q(month=last))):
        if keys:
            rows += list(
                _cells(keys, root)
                .filter(months)
                .annotate(branch=Substr("org__path", 1, width))
                .values("key", "branch")
                .annotate(total=Sum("value"))
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
