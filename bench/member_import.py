"""Member roster import at scale, against two baselines on the same rows in the same run.

    .venv/bin/python bench/member_import.py [--rows 1000000] [--iex-rows 50000] [--home DIR]

It builds a county of 300 unions in its own embedded PostgreSQL (``--home``, default
/tmp/gonghui-bench), writes a roster of ``--rows`` valid people plus 0.5% bad rows as csv and
as xlsx, and imports each with the platform's import (parse, check, encrypt, stage, write;
the "partial" mode, so the bad rows come back as problems). Then:

* the floor: PostgreSQL ``COPY`` of the same clean csv into a plain table (no checks at all);
* what a Django team would use instead: django-import-export 4 with its tuned bulk options
  (``use_bulk``, ``batch_size``, ``skip_diff``, ``force_init_instance``), with the same ID
  checks and encryption in ``before_import_row``, on ``--iex-rows`` rows (it is too slow for a
  million), compared as rows per second.

Peak memory is the highest resident size above the size before the import, sampled every
20 ms; it is printed for a tenth of the rows and for all of them, to show it stays flat. The
xlsx is written with inline strings; a tenth of the rows is also written with the table of
shared strings Excel and WPS use, which the reader keeps (packed) for the whole import.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def setup(home: str) -> None:
    os.environ["GONGHUI_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.config.settings.local")
    os.environ["GONGHUI_IMPORT_MAX_MB"] = "1000"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class PeakMemory:
    def __init__(self):
        import psutil

        self.process = psutil.Process()
        self.base = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        gc.collect()
        self.base = self.peak = self.process.memory_info().rss
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / (1024 * 1024)


def build_county():
    from gonghui.orgs.models import Org
    from gonghui.orgs.services import org_create

    county = Org.objects.filter(code="BENCH").first()
    if county is None:
        county = org_create(
            actor=None,
            parent=None,
            code="BENCH",
            name="基准县总工会",
            level=Org.Level.COUNTY,
            kind=Org.Kind.FEDERATION,
            region_code="530524",
        )
        for t in range(10):
            town = org_create(
                actor=None,
                parent=county,
                code=f"BENCH-{t}",
                name=f"基准{t}镇总工会",
                level=Org.Level.TOWNSHIP,
                kind=Org.Kind.TOWNSHIP,
            )
            for u in range(30):
                org_create(
                    actor=None,
                    parent=town,
                    code=f"BENCH-{t}-{u}",
                    name=f"基准{t}镇第{u}公司工会委员会",
                    level=Org.Level.GRASSROOTS,
                    kind=Org.Kind.ENTERPRISE,
                )
    unions = list(
        Org.objects.filter(code__startswith="BENCH-", level=Org.Level.GRASSROOTS).values_list(
            "code", flat=True
        )
    )
    return county, unions


def header() -> list[str]:
    """The roster template's headers, as a clerk's file has them."""
    from gonghui.members.imports import COLUMNS

    return [c.template_header for c in COLUMNS]


def roster_rows(n: int, unions: list[str], seed: int = 7):
    """``n`` distinct valid people, and one bad row in two hundred (kinds of domain.md)."""
    from stdnum.cn.ric import calc_check_digit

    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    start = datetime.date(1965, 1, 1).toordinal()
    for i in range(n):
        born = datetime.date.fromordinal(start + (i * 7919) % 14000)
        seq = (i // 14000) % 1000
        body = f"530524{born:%Y%m%d}{seq:03d}"
        number = body + calc_check_digit(body + "0")
        row = [
            rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            number,
            "男" if seq % 2 else "女",
            "汉族",
            "",
            f"13{i:09d}",
            "大学专科",
            "群众",
            "农业",
            "是",
            "",
            "基准公司",
            unions[i % len(unions)],
            "2021-03-05",
            "",
            "",
        ]
        if i % 200 == 199:
            kind = (i // 200) % 4
            if kind == 0:
                row[1] = "1.10105E+17"
            elif kind == 1:
                row[1] = number[:-1] + ("0" if number[-1] != "0" else "1")
            elif kind == 2:
                row[12] = "不存在的工会"
            else:
                row[13] = "2021年13月5日"
        yield row


def write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header())
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows, shared: bool = False) -> Path:
    """Inline strings (xlsxwriter's constant-memory mode), or, with ``shared``, the table of
    shared strings Excel and WPS write (xlsxwriter then holds the whole sheet while writing)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": not shared})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header())
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value:
                sheet.write_string(r, c, value)
    book.close()
    return path


def clear_members():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE members_membershiptransfer, members_membership, members_person CASCADE"
        )
        cursor.execute("DELETE FROM core_event WHERE action = 'member.import'")
        cursor.execute("VACUUM ANALYZE members_person" if False else "SELECT 1")


def ours(path: Path, county) -> tuple[float, float, object]:
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.members.imports import MemberRosterSpec

    clear_members()
    with PeakMemory() as memory:
        started = time.perf_counter()
        outcome = run_import(MemberRosterSpec(), path, actor=None, org=county, mode=Mode.PARTIAL)
        elapsed = time.perf_counter() - started
    assert not outcome.fatal, outcome.fatal
    return elapsed, memory.mb, outcome


def copy_floor(path: Path) -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (" + ", ".join(f"c{i} text" for i in range(16)) + ")"
        )
        started = time.perf_counter()
        with (
            cursor.copy("COPY bench_floor FROM STDIN (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return elapsed


def import_export_baseline(path: Path) -> tuple[float, int]:
    """django-import-export 4, tuned as its documentation advises for large imports."""
    import tablib
    from import_export import fields, resources

    from gonghui.core import idnumbers
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE, last4_digest
    from gonghui.members.models import Person

    c = cipher()

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名*")
        card_number = fields.Field(attribute="card_number", column_name="card")

        class Meta:
            model = Person
            fields = ("name", "card_number")
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            force_init_instance = True
            use_transactions = True
            skip_html_diff = True

        def before_import_row(self, row, **kwargs):
            number = idnumbers.normalize(row["身份证号*"])
            row["card"] = "B" + number.value[-12:]
            self._number = number

        def before_save_instance(self, instance, row, **kwargs):
            number = idnumbers.normalize(row["身份证号*"])
            instance.id_number = c.encrypt(number.value, ID_PURPOSE)
            instance.id_number_digest = c.digest(number.value, ID_PURPOSE)
            instance.id_last4_digest = last4_digest(c, number.value)
            instance.gender = number.gender
            instance.birth_date = number.birth_date

    clear_members()
    with path.open(encoding="utf-8") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="csv")
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=False)
    elapsed = time.perf_counter() - started
    return elapsed, len(dataset) - len(result.invalid_rows) - result.totals.get("error", 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--iex-rows", type=int, default=50_000)
    parser.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "gonghui-bench"))
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args()
    setup(args.home)
    county, unions = build_county()
    work = Path(args.home) / "files"
    work.mkdir(exist_ok=True)
    n = args.rows
    print(f"rows: {n:,} (+{n // 200:,} bad ones among them), unions: {len(unions)}", flush=True)
    t = time.perf_counter()
    full_csv = write_csv(work / f"roster-{n}.csv", roster_rows(n, unions))
    tenth_csv = write_csv(work / f"roster-{n // 10}.csv", roster_rows(n // 10, unions))
    iex_rows = [r for r in roster_rows(args.iex_rows, unions) if r[1][0] == "5"]
    iex_csv = write_csv(work / f"roster-iex-{args.iex_rows}.csv", iex_rows)
    print(
        f"files written in {time.perf_counter() - t:.0f} s "
        f"(csv {full_csv.stat().st_size / 2**20:.0f} MB)",
        flush=True,
    )

    floor = copy_floor(full_csv)
    print(f"floor   COPY of the clean csv            {n / floor:>10,.0f} rows/s", flush=True)

    elapsed, mem_tenth, _ = ours(tenth_csv, county)
    elapsed, mem_full, outcome = ours(full_csv, county)
    csv_rate = n / elapsed
    print(
        f"ours    csv  {elapsed:6.1f} s {csv_rate:>10,.0f} rows/s   "
        f"peak +{mem_full:.0f} MB ({mem_tenth:.0f} MB at a tenth of the rows)   "
        f"imported {outcome.imported:,} refused {outcome.rejected:,}",
        flush=True,
    )

    iex_elapsed, iex_done = import_export_baseline(iex_csv)
    iex_rate = iex_done / iex_elapsed
    print(
        f"django-import-export {iex_done:,} rows  {iex_elapsed:6.1f} s {iex_rate:>10,.0f} rows/s",
        flush=True,
    )

    xlsx_rate = None
    if not args.skip_xlsx:
        t = time.perf_counter()
        full_xlsx = write_xlsx(work / f"roster-{n}.xlsx", roster_rows(n, unions))
        print(
            f"xlsx written in {time.perf_counter() - t:.0f} s "
            f"({full_xlsx.stat().st_size / 2**20:.0f} MB)",
            flush=True,
        )
        tenth_xlsx = write_xlsx(work / f"roster-{n // 10}.xlsx", roster_rows(n // 10, unions))
        _elapsed, mem_tenth, _ = ours(tenth_xlsx, county)
        elapsed, mem_xlsx, outcome = ours(full_xlsx, county)
        xlsx_rate = n / elapsed
        print(
            f"ours    xlsx {elapsed:6.1f} s {xlsx_rate:>10,.0f} rows/s   "
            f"peak +{mem_xlsx:.0f} MB ({mem_tenth:.0f} MB at a tenth of the rows)   "
            f"imported {outcome.imported:,}",
            flush=True,
        )
        shared = write_xlsx(
            work / f"roster-{n // 10}-shared.xlsx", roster_rows(n // 10, unions), shared=True
        )
        elapsed, mem_shared, outcome = ours(shared, county)
        print(
            f"ours    xlsx with shared strings, a tenth of the rows {elapsed:6.1f} s "
            f"{n // 10 / elapsed:>10,.0f} rows/s   peak +{mem_shared:.0f} MB   "
            f"imported {outcome.imported:,}",
            flush=True,
        )

    print()
    print(f"csv  import / COPY floor           {csv_rate / (n / floor):6.2f}")
    print(f"csv  import / django-import-export {csv_rate / iex_rate:6.1f}x")
    if xlsx_rate:
        print(f"xlsx import / django-import-export {xlsx_rate / iex_rate:6.1f}x")
    clear_members()


if __name__ == "__main__":
    main()
