"""Running an import spec over a file: read, find the header, check every row, write.

Everything happens in one transaction. Good rows are streamed into a temporary staging table
(``COPY``), so memory stays flat whatever the file's size; duplicates and conflicts with the
registry are then found with set-based SQL, and the spec writes with a few ``INSERT … SELECT``
statements. A refused all-or-nothing import, a check-only run, or a process killed half-way
leaves the database exactly as it was: the transaction is never committed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from gonghui.core.errors import keep_records
from gonghui.core.imports.reading import Source, UnreadableFile, open_rows
from gonghui.core.imports.spec import CellError, ImportSpec, Problem, Row, header_key

PROGRESS_EVERY = 2000
MAX_REPAIR_DETAILS = 20000


class Mode:
    ALL_OR_NOTHING = "all"
    PARTIAL = "partial"
    VALIDATE = "validate"


@dataclass
class ImportContext:
    actor: object
    org: object
    options: dict
    cursor: object
    today: datetime.date
    # Writes that stand whatever becomes of the import (``core.errors.keep_records``): what a
    # check told the user about records they do not hold, written after the import's
    # transaction has committed or rolled back.
    keep: list = field(default_factory=list)
    # How the import goes on with rows that have problems (``Mode``): a check whose rule
    # depends on which rows are written (a share of the staff) reads it.
    mode: str = Mode.ALL_OR_NOTHING


@dataclass
class ImportOutcome:
    rows: int = 0
    valid: int = 0
    imported: int = 0
    updated: int = 0
    repaired: int = 0
    rejected: int = 0
    conflicts: int = 0
    fatal: str = ""
    header_row: int = 0
    header_cells: list = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repairs: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "valid": self.valid,
            "imported": self.imported,
            "updated": self.updated,
            "repaired": self.repaired,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
        }

    @property
    def problem_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row}


ProgressFn = Callable[[int, int], None]


def run_import(
    spec: ImportSpec,
    source: Source,
    *,
    actor,
    org,
    mode: str = Mode.ALL_OR_NOTHING,
    file_name: str | None = None,
    options: dict | None = None,
    progress: ProgressFn | None = None,
) -> ImportOutcome:
    """Import ``source`` (a file's path, or an upload's bytes held in memory) with ``spec``
    into ``org``'s subtree as ``actor`` (``None``: the platform).

    Access is the spec's business (it resolves each row's org within the actor's scope); the
    engine guarantees atomicity and the counts.
    """
    outcome = ImportOutcome()
    progress = progress or (lambda _done, _total: None)
    try:
        total, rows = open_rows(source, file_name)
    except UnreadableFile as exc:
        outcome.fatal = str(exc)
        return outcome
    ctx = None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            ctx = ImportContext(
                actor=actor,
                org=org,
                options=options or {},
                cursor=cursor,
                today=timezone.localdate(),
                mode=mode,
            )
            try:
                spec.begin(ctx)
            except ValidationError as exc:
                outcome.fatal = " ".join(exc.messages)
                transaction.set_rollback(True)
                return outcome
            _read_and_stage(spec, ctx, rows, total, outcome, progress)
            if outcome.fatal:
                transaction.set_rollback(True)
                return outcome
            outcome.problems.extend(spec.check(ctx))
            _count(outcome)
            refuse = mode == Mode.VALIDATE or (mode == Mode.ALL_OR_NOTHING and outcome.rejected > 0)
            if refuse:
                transaction.set_rollback(True)
                return outcome
            outcome.imported, outcome.updated = spec.write(ctx, outcome.problem_rows)
            outcome.written = True
            if spec.written_tables and outcome.imported + outcome.updated >= ANALYZE_AFTER_ROWS:
                _analyze(cursor, spec.written_tables)
    except UnreadableFile as exc:
        outcome.fatal = str(exc)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        if ctx is not None and ctx.keep:
            with transaction.atomic():
                keep_records(ctx)
    progress(total, total)
    return outcome


# From this many rows an import changes a table's statistics enough to matter: a registry of
# a few hundred members that takes in 100,000 would otherwise be planned as a small table
# (nested loops over the whole roster) until autovacuum gets to it.
ANALYZE_AFTER_ROWS = 10_000


def _analyze(cursor, tables) -> None:
    """ANALYZE inside the import's transaction: it samples the transaction's own rows."""
    cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _read_and_stage(spec, ctx, rows, total, outcome, progress) -> None:
    """Find the header, then check each row and stream the good ones into the staging table.

    One ``COPY`` stays open for the whole file; its bytes go to the server from a thread of
    psycopg's, so PostgreSQL takes in rows while Python checks the next ones.
    """
    rows = iter(rows)
    for number, cells in enumerate(rows, start=1):
        if number > spec.header_search_rows:
            break
        found = _match_header(spec, ctx, cells)
        if found is None:
            continue
        columns, missing, ignored = found
        outcome.header_row, outcome.header_cells = number, list(cells)
        outcome.ignored_columns = ignored
        if missing:
            outcome.fatal = _("Row %(row)d is the header but lacks the column(s) %(cols)s.") % {
                "row": number,
                "cols": "、".join(f"“{c.header}”" for c in missing),
            }
            return
        break
    else:
        if outcome.header_row == 0:
            outcome.fatal = _no_header(spec, total)
            return
    if outcome.header_row == 0:
        outcome.fatal = _(
            "No header row was found in the first %(n)d rows: the file needs a row "
            "with the column names of the template (%(names)s)."
        ) % {
            "n": spec.header_search_rows,
            "names": "、".join(c.template_header for c in spec.columns if c.required),
        }
        return

    keys = [key for key, _i in columns]
    indices = [i for _key, i in columns]
    width = max(indices) + 1
    pick = itemgetter(*indices) if len(indices) > 1 else (lambda cells: (cells[indices[0]],))
    raw = ctx.cursor.cursor  # psycopg's own cursor, under Django's wrapper
    if spec.parse_queries_database:
        # The connection cannot answer queries while a COPY is open: stage in short COPYs
        # between rows instead.
        buffer: list[tuple] = []

        def flush():
            with raw.copy(spec.stage_sql(ctx)) as copy:
                for record in buffer:
                    copy.write_row(record)
            buffer.clear()

        def write(record):
            buffer.append(record)
            if len(buffer) >= 1000:
                flush()

        repaired_rows = _stage_rows(
            spec, ctx, rows, outcome, progress, total, keys, pick, width, write
        )
        if buffer:
            flush()
    else:
        with raw.copy(spec.stage_sql(ctx), writer=QueuedLibpqWriter(raw)) as copy:
            repaired_rows = _stage_rows(
                spec, ctx, rows, outcome, progress, total, keys, pick, width, copy.write_row
            )
    outcome.repaired = repaired_rows
    if outcome.rows == 0:
        outcome.fatal = _("The file has a header but no data rows.")


def _stage_rows(spec, ctx, rows, outcome, progress, total, keys, pick, width, write) -> int:
    """Check each data row; hand the good ones to ``write``; return how many were repaired."""
    problems = outcome.problems
    repaired_rows = 0
    for number, cells in enumerate(rows, start=outcome.header_row + 1):
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        values = pick(cells)
        if not any(v not in (None, "") and (type(v) is not str or v.strip()) for v in values):
            continue  # blank rows between blocks of data are normal in hand-made sheets
        outcome.rows += 1
        row = Row(number, dict(zip(keys, values, strict=True)))
        try:
            record = spec.parse(ctx, row)
        except CellError as exc:  # a spec may raise for the row as a whole
            row.error(None, str(exc))
            record = None
        if row.repairs:
            repaired_rows += 1
            if len(outcome.repairs) < MAX_REPAIR_DETAILS:
                outcome.repairs.extend((number, col, what) for col, what in row.repairs)
        if row.errors:
            problems.extend(row.errors)
        elif record is not None:
            write(record)
        if number % PROGRESS_EVERY == 0:
            progress(number, total)
    return repaired_rows


def _no_header(spec, total) -> str:
    if total == 0:
        return _("The file has no rows.")
    return _(
        "No header row was found: the file needs a row with the column names of the "
        "template (%(names)s)."
    ) % {"names": "、".join(c.template_header for c in spec.columns if c.required)}


def _match_header(spec: ImportSpec, ctx, cells: list):
    """``(columns, missing required, ignored headers)`` when ``cells`` looks like the header."""
    index = spec.header_index()
    matched: dict[str, int] = {}
    ignored = []
    for i, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        column = index.get(key)
        if column is None:
            ignored.append(str(cell).strip())
        elif column.key not in matched:
            matched[column.key] = i
    required = [c for c in spec.columns if c.required]
    if len(matched) < 2 or not any(c.key in matched for c in required):
        return None
    missing = [c for c in required if c.key not in matched and not spec.may_omit(ctx, c)]
    return list(matched.items()), missing, ignored


def _count(outcome: ImportOutcome) -> None:
    rejected = {p.row for p in outcome.problems if p.kind == Problem.ERROR}
    conflicts = {p.row for p in outcome.problems if p.kind == Problem.CONFLICT} - rejected
    outcome.rejected = len(rejected)
    outcome.conflicts = len(conflicts)
    # rows = valid + rejected; valid = imported + updated + conflicts once written.
    outcome.valid = outcome.rows - outcome.rejected
    outcome.problems.sort(key=lambda p: (p.row, p.kind != Problem.ERROR))
