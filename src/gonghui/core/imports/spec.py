"""What an app declares to offer an import: its columns, how to read a cell, how to write rows.

Column headers are the ones printed on the federations' paper forms (domain.md, "Import
templates"); they are part of the file format, like a CSV dialect, so they are written here in
Chinese and not translated. Header matching forgives the variants people type: with or without
``*``, blanks, full-width brackets and colons, and the aliases each column lists.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.cleaning import has_fullwidth, needs_cleaning, squeeze, to_halfwidth


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    hint: str = ""
    width: int = 14
    # Offered as a drop-down list in the template.
    choices: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header


class CellError(ValueError):
    """A cell that cannot be accepted; the message is for the user."""


class Problem:
    """One finding about one row: an error (row refused) or a conflict (row not imported)."""

    ERROR = "error"
    CONFLICT = "conflict"
    __slots__ = ("column", "kind", "message", "row")

    def __init__(self, row: int, column: str, message: str, kind: str = ERROR):
        self.row, self.column, self.message, self.kind = row, column, message, kind

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "kind": self.kind}


@dataclass
class Row:
    """One data row while it is being read: its number as the user sees it, and findings."""

    number: int
    cells: dict[str, Any]
    errors: list[Problem] = field(default_factory=list)
    repairs: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: Column | None, message: str) -> None:
        self.errors.append(Problem(self.number, column.header if column else "", message))

    def repaired(self, column: Column, what: str) -> None:
        self.repairs.append((column.header, what))


class CellMemo:
    """Remembers what a pure cell reader made of each distinct cell value, repairs and errors
    included, and replays it: a roster repeats the same few values of gender, education, union
    or date of joining on every row, and checking each of them once is enough."""

    def __init__(self):
        self._seen: dict[tuple, tuple] = {}

    def read(self, row: Row, column: Column, reader, *args):
        raw = row.cells.get(column.key)
        key = (column.key, type(raw), raw)
        found = self._seen.get(key)
        if found is None:
            probe = Row(row.number, {column.key: raw})
            try:
                value = reader(probe, column, *args)
            except CellError as exc:
                found = (False, str(exc), ())
            else:
                found = (True, value, tuple(what for _col, what in probe.repairs))
            if len(self._seen) < 200_000:
                self._seen[key] = found
        ok, value, repairs = found
        for what in repairs:
            row.repaired(column, what)
        if not ok:
            raise CellError(value)
        return value


_HEADER_NOISE = re.compile(r"[\s*＊:：]+|[(（]必填[)）]")


def header_key(text: Any) -> str:
    if text is None:
        return ""
    return _HEADER_NOISE.sub("", to_halfwidth(str(text))).lower()


class ImportSpec:
    """Subclasses declare ``kind``, ``title``, ``columns`` and implement the four hooks."""

    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    # The permission an importer needs besides being in scope.
    permission: str = ""
    # Whether ``parse`` reads the database (then rows are staged in short COPYs, since a
    # connection cannot answer queries while a COPY is open).
    parse_queries_database = False
    # How many rows at the top may hold titles, notes and merged cells above the header.
    header_search_rows = 20
    # The tables ``write`` fills. After a large import they are analysed in its transaction,
    # so the next statistics page is planned for the rows it brought (see ``engine``).
    written_tables: tuple[str, ...] = ()
    # How the result says what came in and what was already there (``jobs.describe``), and
    # the label of the conflicts' count: rows by default, the member roster says people.
    imported_text = gettext_lazy("Imported %(n)d rows.")
    conflicts_text = gettext_lazy("%(n)d rows match records already there and were not imported.")
    conflicts_label = gettext_lazy("already there")

    def upload_fields(self, actor) -> dict:
        """Extra form fields of the upload page (their values become the job's options)."""
        return {}

    # The same options on the command line (``gonghui import <kind> FILE --<name> VALUE``):
    # name → help, in Chinese.
    cli_options: dict[str, str] = {}

    def command_line(self, options: dict) -> str | None:
        """Check the command line's options (raise ``ValueError`` with a Chinese message) and
        return the code of the org to import into when ``--org`` is not given."""
        return None

    def may_omit(self, ctx, column: Column) -> bool:
        """Whether a required column may be absent in this context (it has a default)."""
        return False

    def read_org(self, row: Row, column: Column, ctx):
        """The union a row names, found by the ``OrgResolver`` that ``begin`` keeps in
        ``self.orgs``; a blank cell is the import's own org where ``may_omit`` allows that."""
        text = read_text(row, column)
        if not text:
            if self.may_omit(ctx, column):
                return ctx.org
            raise CellError(_("Write the union's name or code."))
        return self.orgs.resolve(text)

    def header_index(self) -> dict[str, Column]:
        index = {}
        for column in self.columns:
            for name in (column.header, *column.aliases):
                index[header_key(name)] = column
        return index

    # -- hooks ---------------------------------------------------------------------------

    def begin(self, ctx) -> None:
        """Load lookups and create the staging table (inside the import's transaction)."""
        raise NotImplementedError

    def parse(self, ctx, row: Row) -> tuple | None:
        """Check one row; return its staging tuple, or ``None`` after recording errors."""
        raise NotImplementedError

    def stage_sql(self, ctx) -> str:
        """The ``COPY … FROM STDIN`` statement that receives ``parse``'s tuples."""
        raise NotImplementedError

    def check(self, ctx) -> list[Problem]:
        """Set-based checks over all staged rows (duplicates, conflicts with the registry)."""
        raise NotImplementedError

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        """Write the staged rows not in ``skip_rows``; return (imported, updated)."""
        raise NotImplementedError

    def template_rows(self) -> list[list[str]]:
        """Example rows for the downloadable template."""
        return [[c.example for c in self.columns]]


# -- cell readers shared by the specs ----------------------------------------------------------


def read_text(row: Row, column: Column, max_length: int = 200) -> str:
    raw = row.cells.get(column.key)
    if raw is None:
        return ""
    if type(raw) is str and not needs_cleaning(raw):
        if len(raw) > max_length:
            raise CellError(_("At most %(n)d characters.") % {"n": max_length})
        return raw
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    if not text.strip():
        return ""
    cleaned = text
    if has_fullwidth(cleaned):
        cleaned = to_halfwidth(cleaned)
    cleaned = squeeze(cleaned)
    if cleaned != text:
        row.repaired(column, _("blanks or full-width characters cleaned"))
    if len(cleaned) > max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": max_length})
    return cleaned


def read_name(row: Row, column: Column) -> str:
    """A person's name: Chinese names carry no blanks; a foreign or minority name keeps its dot."""
    text = read_text(row, column, max_length=50)
    if text and " " in text and all(ord(ch) > 0x2E80 or ch == " " for ch in text):
        text = text.replace(" ", "")
    return text


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def read_date(row: Row, column: Column) -> datetime.date | None:
    """A date as Excel stored it, as a serial number, or as text (2021.3.5, 2021年3月5日)."""
    raw = row.cells.get(column.key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if type(raw) is str and len(raw) == 10:
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
        raise CellError(_("“%(value)s” is not a date.") % {"value": raw})
    text = to_halfwidth(str(raw)).strip()
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        if text.isascii() and text.isdigit() and 1 <= int(text) < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
        raise CellError(
            _("“%(value)s” is not a date; write it as 2021-03-05 or 2021年3月5日.")
            % {"value": text}
        )
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "×", "x", "无", "不是"}


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


def read_month(row: Row, column: Column) -> datetime.date:
    """A month as people write it (2026-01, 2026年1月, 202601, a date in it): its first day."""
    raw = row.cells.get(column.key)
    if isinstance(raw, datetime.date):
        return (raw.date() if isinstance(raw, datetime.datetime) else raw).replace(day=1)
    if isinstance(raw, float) and not raw.is_integer():
        # A number cell typed as 2026.10 is stored as 2026.1: October and January look alike.
        raise CellError(
            _("“%(value)s” is a number, not a month; write it as text: 2026-10 or 2026年10月.")
            % {"value": raw}
        )
    text = to_halfwidth(str(raw if raw is not None else "")).strip()
    if text.endswith(".0"):
        text = text[:-2]
    match = _MONTH.match(text) or _MONTH_COMPACT.match(text)
    if match is None:
        raise CellError(
            _("“%(value)s” is not a month; write it as 2026-01 or 2026年1月.") % {"value": text}
        )
    year, month = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise CellError(_("“%(value)s” is not a real month.") % {"value": text})
    return datetime.date(year, month, 1)


def read_money(row: Row, column: Column) -> Decimal:
    """An amount in 元 as typed: "2,000", "2000元", full-width digits; empty is zero."""
    raw = row.cells.get(column.key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal(0)
    text = to_halfwidth(str(raw)).replace(",", "").replace("元", "").strip()
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not an amount of money.") % {"value": raw}) from None
    if amount < 0:
        raise CellError(_("An amount cannot be negative."))
    return amount


def read_bool(row: Row, column: Column) -> bool | None:
    raw = row.cells.get(column.key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = to_halfwidth(str(raw)).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(_("Write 是 or 否, not “%(value)s”.") % {"value": raw})


class Vocabulary:
    """A closed list as a form prints it: code → label, plus the other spellings people use."""

    def __init__(self, labels: dict[str, str], aliases: dict[str, str] | None = None):
        self.labels = labels
        self._lookup = {label.lower(): code for code, label in labels.items()}
        self._lookup.update({code.lower(): code for code in labels})
        self._lookup.update({k.lower(): v for k, v in (aliases or {}).items()})

    def get(self, text: str) -> str | None:
        return self._lookup.get(text.strip().lower())


def read_choice(row: Row, column: Column, vocabulary: Vocabulary) -> str:
    """A code from a closed list, or ``""`` for an empty cell."""
    text = read_text(row, column)
    if not text:
        return ""
    code = vocabulary.get(text)
    if code is None:
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": text, "allowed": "、".join(vocabulary.labels.values())}
        )
    return code
