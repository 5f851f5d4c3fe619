"""The county a record belongs to (``county_id``): the key a distributed PostgreSQL shards the
large tables by (``docs/scale.md``), carried now, on one server, where it is cheap.

A large table declares ``county = CountyField(via="org")``: its county is the county of the
row that ``via`` names (an org, or a record that carries a county itself: a payment its
contribution's, a trainee their session's, a person their latest membership's; ``back``
names the source's key to the row, where the row may be written first). An org's own
county is the deepest org at or above county level on its path: a county federation for
itself and everything beneath it, a city or province federation for itself and for a union
hung directly under it.

The database keeps the column right, not the services: a row trigger fills it on every insert
and on every change of ``via``, whoever writes (a service, an import's ``INSERT … SELECT``, a
``COPY``, a bulk update), and a change of an org's county (a move across counties, a change of
level) is carried down to every row that follows it, table by table, in the same statement.
The triggers are made from the fields after every ``migrate`` (``install``), so an app adds a
large table by declaring the field and nothing else. The column has no index and no foreign-key
constraint: on one server the org path answers every lookup, and the value comes from the org
row itself, which the ``via`` key already guards.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, models, transaction
from django.utils.translation import gettext_lazy as _

# Org.Level.COUNTY; a literal so that this module does not import the orgs app.
COUNTY_LEVEL = 4
VERBOSE_NAME = _("County of the record")


# What every county column is, whatever the table: not asked of the declaration, not written
# into migrations.
_FIXED = {
    "to": "orgs.Org",
    "on_delete": models.DO_NOTHING,
    "null": True,
    "blank": True,
    "editable": False,
    "db_index": False,
    "db_constraint": False,
    "related_name": "+",
}


class CountyField(models.ForeignKey):
    def __init__(self, via: str = "org", back: str = "", **kwargs):
        self.via, self.back = via, back
        kwargs.update(_FIXED)
        kwargs.setdefault("verbose_name", VERBOSE_NAME)
        super().__init__(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in _FIXED:
            kwargs.pop(fixed, None)
        if kwargs.get("verbose_name") == VERBOSE_NAME:
            del kwargs["verbose_name"]
        if self.via != "org":
            kwargs["via"] = self.via
        if self.back:
            kwargs["back"] = self.back
        return name, path, args, kwargs

    @property
    def db_returning(self):
        # The trigger sets it on insert: read it back, so a new record knows its county.
        return True

    def validate(self, value, model_instance):
        # Derived by the database from ``via``; nothing a form or service sets.
        return


def subtree_county(org) -> int | None:
    """The county every row of ``org``'s subtree carries, or None where they differ (a city
    spans counties; beneath an org with no county above it, each union is its own)."""
    if org is None or org.county_id is None or org.level < COUNTY_LEVEL:
        return None
    if org.level == COUNTY_LEVEL or org.county_id != org.pk:
        return org.county_id
    return None


def county_fields() -> list[tuple[type[models.Model], CountyField]]:
    """Every model carrying a county, each after the one its county comes from (the order
    the backfill needs)."""
    found = {
        model: field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, CountyField)
    }
    ordered: list[type[models.Model]] = []

    def visit(model):
        if model in ordered or model not in found:
            return
        field = found[model]
        if field.via:
            visit(model._meta.get_field(field.via).related_model)
        ordered.append(model)

    for model in found:
        visit(model)
    return [(model, found[model]) for model in ordered]


def _org_sql(table: str) -> list[str]:
    """An org's county from its path and level; a change of level re-derives its subtree's
    (a move rewrites the subtree's paths, which fires the first trigger on each row)."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION gonghui_county_{table}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.county_id := NULL;
            IF NEW.level > {COUNTY_LEVEL} THEN
                -- The ancestors' levels: a move changes paths, never levels.
                -- (A path being written in two steps may hold a placeholder: no ancestor.)
                SELECT a.id INTO NEW.county_id FROM {table} a
                 WHERE a.id IN (SELECT step::bigint FROM unnest(string_to_array(NEW.path, '/'))
                                 AS step WHERE step ~ '^[0-9]{{1,18}}$')
                   AND a.id <> NEW.id AND a.level <= {COUNTY_LEVEL}
                 ORDER BY a.level DESC LIMIT 1;
            END IF;
            NEW.county_id := coalesce(NEW.county_id, NEW.id);
            RETURN NEW;
        END $$""",  # noqa: S608 (names from the models)
        f"""
        CREATE TRIGGER gonghui_county BEFORE INSERT OR UPDATE OF path, level, county_id
        ON {table} FOR EACH ROW EXECUTE FUNCTION gonghui_county_{table}()""",
        f"""
        CREATE OR REPLACE FUNCTION gonghui_county_{table}_level() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {table} SET county_id = NULL WHERE path LIKE NEW.path || '_%';
            RETURN NULL;
        END $$""",  # noqa: S608
        f"""
        CREATE TRIGGER gonghui_county_level AFTER UPDATE ON {table}
        FOR EACH ROW WHEN (OLD.level IS DISTINCT FROM NEW.level)
        EXECUTE FUNCTION gonghui_county_{table}_level()""",
    ]


def _follower_sql(table: str, column: str, source: str, back: str) -> list[str]:
    """A row's county from its ``via`` row, on insert and on a change of ``via``; and a change
    of the source row's county carried to the rows that point at it. A row written before its
    source (a person of a roster import points at the membership written after it, the key
    checked at commit) keeps the county it was given, and, where the source says which row
    points at it (``back``), the source's insert gives it one."""
    name = f"gonghui_county_{table}"
    carry = f"gonghui_county_to_{table}"
    sql = [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            given bigint;
        BEGIN
            IF NEW.{column} IS NULL THEN
                NEW.county_id := NULL;
                RETURN NEW;
            END IF;
            SELECT county_id INTO given FROM {source} WHERE id = NEW.{column};
            IF FOUND THEN
                NEW.county_id := given;
            END IF;
            RETURN NEW;
        END $$""",  # noqa: S608 (names from the models)
        f"""
        CREATE TRIGGER gonghui_county
        BEFORE INSERT OR UPDATE OF {column}, county_id ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}()""",
        f"""
        CREATE OR REPLACE FUNCTION {carry}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {table} SET county_id = NEW.county_id
             WHERE {column} = NEW.id AND county_id IS DISTINCT FROM NEW.county_id;
            RETURN NULL;
        END $$""",  # noqa: S608
        f"""
        CREATE TRIGGER {carry} AFTER UPDATE ON {source}
        FOR EACH ROW WHEN (OLD.county_id IS DISTINCT FROM NEW.county_id)
        EXECUTE FUNCTION {carry}()""",
    ]
    if back:
        # Once per statement: a roster import's million memberships are one update here.
        sql += [
            f"""
            CREATE OR REPLACE FUNCTION {carry}_new() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {table} f SET county_id = n.county_id FROM new_rows n
                 WHERE f.id = n.{back} AND f.{column} = n.id
                   AND f.county_id IS DISTINCT FROM n.county_id;
                RETURN NULL;
            END $$""",  # noqa: S608
            f"""
            CREATE TRIGGER {carry}_new AFTER INSERT ON {source}
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {carry}_new()""",
        ]
    return sql


def after_migrate(using: str = "default", **kwargs) -> None:
    """``install`` after every ``migrate`` (this is its ``post_migrate`` receiver), so a new
    large table is filled on its first one; not after a ``flush``, which sends the signal
    without a ``plan`` and leaves the triggers in place."""
    if "plan" in kwargs:
        install(using)


def _fills(table: str, via: str, source: str) -> str:
    if not via:  # an org: the trigger works it out again
        return f"UPDATE {table} SET county_id = NULL WHERE county_id IS NULL"  # noqa: S608
    return (
        f"UPDATE {table} t SET county_id = s.county_id FROM {source} s "  # noqa: S608
        f"WHERE s.id = t.{via} AND t.county_id IS DISTINCT FROM s.county_id"
    )


def _present(cursor) -> set[str]:
    """The tables that have a county column now (a migrate may have stopped short of some, or
    gone back before them)."""
    cursor.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE column_name = 'county_id' AND table_schema = current_schema()"
    )
    return {row[0] for row in cursor.fetchall()}


def _tables() -> list[tuple[str, str, str, str]]:
    """(table, its ``via`` column, the source table, the source's key back) of every model with
    a county, sources first."""
    found = []
    for model, field in county_fields():
        table = model._meta.db_table
        if not field.via:
            found.append((table, "", "", ""))
            continue
        via = model._meta.get_field(field.via)
        back = via.related_model._meta.get_field(field.back).column if field.back else ""
        found.append((table, via.column, via.related_model._meta.db_table, back))
    return found


def drop_triggers(cursor, prefix: str) -> None:
    """Drop every trigger of ours whose name starts with ``prefix``, before making them again
    from the models: one whose table or column has gone must not outlive it."""
    cursor.execute(
        "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
        "WHERE NOT tgisinternal AND tgname LIKE %s",
        [prefix + "%"],
    )
    for name, table in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')


def install(using: str = "default") -> None:
    """Make (or remake) every county trigger of the tables that have the column, and fill it
    where it is empty or wrong."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        present = _present(cursor)
        drop_triggers(cursor, "gonghui_county")
        for table, via, source, back in _tables():
            if table not in present or (source and source not in present):
                continue
            sql = _org_sql(table) if not via else _follower_sql(table, via, source, back)
            for statement in [*sql, _fills(table, via, source)]:
                cursor.execute(statement)


def reconcile(using: str = "default") -> int:
    """Put right any county the triggers could not (a row written while its org moved, in a
    transaction that began before the move; a table restored with its triggers off): the
    worker runs it every hour. Returns the rows it changed."""
    changed = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        present = _present(cursor)
        for table, via, source, _back in _tables():
            if via and table in present and source in present:
                cursor.execute(_fills(table, via, source))
                changed += cursor.rowcount
    return changed
