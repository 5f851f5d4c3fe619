"""The tax bureau's collection list (工会经费代收明细) import: employer by unified social credit
code, the month paid for, the payroll it was levied on, the sum, the day it came in and how.

Employers are found by their code among the import's org's employers; a code that is not
there is reported on its row, never guessed from the name. A month that has no assessment yet
is assessed from the list. A month already paid in full is a conflict (the same list imported
again), not collected twice; more than is still due is refused. Everything is written through
``services.collection_list_record``, so the split and the journal are those of a payment
recorded by hand."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.core.imports.spec import (
    CellError,
    Column,
    ImportSpec,
    Problem,
    Row,
    Vocabulary,
    read_choice,
    read_date,
    read_money,
    read_month,
    read_text,
)
from gonghui.funds import services
from gonghui.funds.models import Channel
from gonghui.orgs.models import Employer

CHANNELS = Vocabulary(
    {Channel.TAX: "税务代收", Channel.FISCAL: "财政划拨", Channel.DIRECT: "自行拨缴"},
    {"税务": Channel.TAX, "代收": Channel.TAX, "财政": Channel.FISCAL, "自缴": Channel.DIRECT},
)

COLUMNS = (
    Column(
        "uscc",
        "统一社会信用代码",
        required=True,
        aliases=("社会信用代码", "纳税人识别号", "信用代码"),
        example="91530524MA6K000000",
        width=22,
    ),
    Column(
        "name", "单位名称", aliases=("纳税人名称", "缴费单位"), example="青山某某有限公司", width=30
    ),
    Column(
        "period",
        "所属期",
        required=True,
        aliases=("费款所属期", "所属月份", "税款所属期"),
        example="2026-01",
        hint="年月，如2026-01或2026年1月",
        width=12,
    ),
    Column(
        "payroll",
        "计征工资总额",
        aliases=("计费依据", "工资总额", "计征依据"),
        example="250000.00",
        width=16,
    ),
    Column(
        "amount",
        "入库金额",
        required=True,
        aliases=("实缴金额", "缴纳金额", "金额"),
        example="5000.00",
        width=14,
    ),
    Column(
        "collected_on",
        "入库日期",
        required=True,
        aliases=("缴款日期", "入库时间"),
        example="2026-02-12",
        width=12,
    ),
    Column(
        "channel",
        "征收方式",
        aliases=("收缴方式",),
        example="税务代收",
        choices=tuple(CHANNELS.labels.values()),
        width=12,
    ),
)
COL = {c.key: c for c in COLUMNS}
STAGE_COLUMNS = ("row_no", "employer_id", "period", "payroll", "amount", "collected_on", "channel")
# A sum of more digits is a typing error (and would not fit: a payroll derived from a sum
# paid is fifty times larger).
LARGEST = Decimal(10) ** 9


class CollectionListSpec(ImportSpec):
    kind = "collections"
    title = "工会经费代收明细"
    columns = COLUMNS
    permission = "funds.add_fundcontribution"
    written_tables = ("funds_fundcontribution", "funds_journalentry", "funds_posting")

    def begin(self, ctx) -> None:
        self.employers = {
            e.uscc: e
            for e in Employer.objects.filter(org__path__startswith=ctx.org.path).exclude(uscc="")
        }
        ctx.cursor.execute("DROP TABLE IF EXISTS collection_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE collection_stage (row_no integer, employer_id bigint, period date, "
            "payroll numeric, amount numeric, collected_on date, channel text) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY collection_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        try:
            code = read_text(row, COL["uscc"], max_length=40).upper().replace(" ", "")
        except CellError as exc:
            row.error(COL["uscc"], str(exc))
            return None
        employer = self.employers.get(code)
        if employer is None:
            row.error(
                COL["uscc"],
                _(
                    "No employer of this organisation has the code “%(code)s”: check the code, "
                    "or register the employer first."
                )
                % {"code": code},
            )
            return None
        values = {}
        for key, reader in (
            ("period", read_month),
            ("payroll", read_money),
            ("amount", read_money),
            ("collected_on", read_date),
        ):
            try:
                values[key] = reader(row, COL[key])
            except CellError as exc:
                row.error(COL[key], str(exc))
                return None
        try:
            channel = read_choice(row, COL["channel"], CHANNELS) or Channel.TAX
        except CellError as exc:
            row.error(COL["channel"], str(exc))
            return None
        if values["amount"] <= 0:
            row.error(COL["amount"], _("Enter the amount collected."))
            return None
        for key in ("amount", "payroll"):
            if values[key] >= LARGEST:
                row.error(COL[key], _("The amount is too large: check the figure."))
                return None
        if values["collected_on"] is None:
            row.error(COL["collected_on"], _("Enter the day the money came in."))
            return None
        if values["collected_on"] > ctx.today:
            row.error(COL["collected_on"], _("This date is in the future."))
            return None
        if values["collected_on"] < values["period"]:
            row.error(
                COL["collected_on"], _("The money was collected before the month it pays for.")
            )
            return None
        if values["period"] > ctx.today.replace(day=1):
            row.error(COL["period"], _("This month has not come yet."))
            return None
        if values["payroll"] and values["amount"] > services.due_on(values["payroll"]):
            row.error(
                COL["amount"],
                _("%(amount)s yuan is more than 2%% of the payroll it was levied on.")
                % {"amount": values["amount"]},
            )
            return None
        return (
            row.number,
            employer.pk,
            values["period"],
            values["payroll"] or None,
            values["amount"],
            values["collected_on"],
            channel,
        )

    def check(self, ctx) -> list[Problem]:
        cur = ctx.cursor
        problems = []
        cur.execute(
            "SELECT s.row_no, min(t.row_no) FROM collection_stage s JOIN collection_stage t "
            "ON t.employer_id = s.employer_id AND t.period = s.period AND t.row_no < s.row_no "
            "GROUP BY s.row_no"
        )
        for row_no, first in cur.fetchall():
            problems.append(
                Problem(
                    row_no, "所属期", _("Same employer and month as row %(row)d.") % {"row": first}
                )
            )
        # The same payment already recorded (the list imported again): a conflict.
        cur.execute(
            "SELECT s.row_no FROM collection_stage s "
            "JOIN funds_fundcontribution c ON c.employer_id = s.employer_id "
            "AND c.period = s.period JOIN funds_fundpayment p ON p.contribution_id = c.id "
            "AND p.collected_on = s.collected_on AND p.amount = s.amount AND p.channel = s.channel"
        )
        again = {row_no for (row_no,) in cur.fetchall()}
        for row_no in sorted(again):
            problems.append(
                Problem(row_no, "", _("This payment is already recorded."), Problem.CONFLICT)
            )
        cur.execute(
            "SELECT s.row_no, c.due - c.collected, s.amount, c.refund_id FROM collection_stage s "
            "JOIN funds_fundcontribution c ON c.employer_id = s.employer_id "
            "AND c.period = s.period"
        )
        for row_no, left, amount, refund in cur.fetchall():
            if row_no in again:
                continue
            if refund is not None:
                problems.append(
                    Problem(row_no, "所属期", _("This month is in a refund: no payment is added."))
                )
            elif left <= 0:
                problems.append(
                    Problem(row_no, "", _("This month is already paid in full."), Problem.CONFLICT)
                )
            elif amount > left:
                problems.append(
                    Problem(
                        row_no,
                        "入库金额",
                        _("%(amount)s yuan is more than the %(left)s yuan still due.")
                        % {"amount": amount, "left": left},
                    )
                )
        problems += self._without_split(ctx)
        return problems

    def _without_split(self, ctx) -> list[Problem]:
        """Rows whose day has no split in force for the employer's region: said on the row,
        so that nothing is half-written."""
        from gonghui.core import policy
        from gonghui.funds.models import SplitPolicy
        from gonghui.funds.services import region_of

        ctx.cursor.execute("SELECT row_no, employer_id, collected_on FROM collection_stage")
        staged = ctx.cursor.fetchall()
        employers = Employer.objects.select_related("org").in_bulk({r[1] for r in staged})
        found, problems = {}, []
        for row_no, employer_id, day in staged:
            employer = employers[employer_id]
            region = employer.region_code or region_of(employer.org)
            if (region, day) not in found:
                found[(region, day)] = policy.in_force(SplitPolicy.objects.all(), region, day)
            if found[(region, day)] is None:
                problems.append(
                    Problem(
                        row_no,
                        "入库日期",
                        _(
                            "No split of union funds is in force for region %(region)s on "
                            "%(day)s: a platform administrator records it first."
                        )
                        % {"region": region or "-", "day": f"{day:%Y-%m-%d}"},
                    )
                )
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        ctx.cursor.execute(
            "SELECT row_no, employer_id, period, payroll, amount, collected_on, channel "
            "FROM collection_stage WHERE NOT (row_no = ANY(%s)) ORDER BY row_no",
            [sorted(skip_rows)],
        )
        staged = ctx.cursor.fetchall()
        employers = Employer.objects.select_related("org").in_bulk([r[1] for r in staged])
        payments = [
            services.ListedPayment(
                employer=employers[employer_id],
                period=period,
                payroll=Decimal(payroll) if payroll is not None else None,
                amount=Decimal(amount),
                collected_on=collected_on,
                channel=channel,
            )
            for _row, employer_id, period, payroll, amount, collected_on, channel in staged
        ]
        if payments:
            services.collection_list_record(actor=ctx.actor, org=ctx.org, payments=payments)
        return len(payments), 0

    def template_rows(self) -> list[list[str]]:
        return [
            [c.example for c in self.columns],
            ["91530524MA6K000001", "青山某某合作社", "2026年1月", "", "1200", "2026-02-10", ""],
        ]
