"""Indicators at city scale: the statistics page (dashboard) and the statistics table of a
county and of a city, against a plain ``count(*)`` over the member table in the same run.

    .venv/bin/python bench/indicators.py [--members 1000000] [--home DIR] [--repeat 3]

In its own embedded PostgreSQL (``--home``, default /tmp/gonghui-bench-indicators) it builds,
with set-based SQL, a city of 10 counties × 20 townships × 150 grassroots unions (30,211
orgs), ``--members`` people with their memberships spread over the unions (statuses, women,
migrant workers, joining dates over three years; each union's people consecutive, as a roster
import per union writes them), a year of assistance (a campaign per county
and kind, a grant for one member in a hundred, group relief) and of the work ledger (about
three entries per union), and the yearly targets of every county and township. The data is
built once per home and reused.

Then it rebuilds the precomputed figures (``reports.figurestore``), printing the cells, the
subtree totals and the time, and times each of the following twice in the same run, live (the
store switched off) and from the store, after one warm-up, the median of ``--repeat`` runs:

* ``dashboard()``: everything the statistics page computes (every indicator this year and a
  year earlier, the targets beneath, three month-by-month trends, the split over the orgs
  beneath), for one county and for the city, over this year so far (what the page opens on)
  and over the whole of ``YEAR``;
* ``statistics_table()``: every indicator per child org, for the county and for the city;
* ``work_report()``: the county's work report for the year, its text built (every
  figure, a year earlier for the comparisons, the targets, the plan);
* the baseline: ``SELECT count(*) FROM members_membership``, on the same connection.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

COUNTIES, TOWNSHIPS, UNIONS = 10, 20, 150
YEAR = 2026


def setup(home: str) -> None:
    os.environ["GONGHUI_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run(cursor, sql: str, params=None, label: str = "") -> None:
    started = time.perf_counter()
    cursor.execute(sql, params)
    if label:
        print(f"  {label}: {cursor.rowcount:,} rows, {time.perf_counter() - started:.1f} s")


def build(members: int) -> None:
    from django.db import connection, transaction

    from gonghui.orgs.models import Org

    if Org.objects.filter(code="BI-CITY").exists():
        print("data already built in this home; reusing it")
        return
    print(
        f"building {COUNTIES * TOWNSHIPS * UNIONS + COUNTIES * TOWNSHIPS + COUNTIES + 1:,} orgs, "
        f"{members:,} members, a year of assistance and ledger …"
    )
    org_rest = (
        "short_name, region_code, uscc, legal_person_certificate, chair_name, address, "
        "is_active, created_at, updated_at"
    )
    org_rest_values = "'', '', '', '', '', '', true, now(), now()"
    with transaction.atomic(), connection.cursor() as c:
        # The tree, level by level; a path is the parent's plus the id in ten digits.
        _run(
            c,
            f"INSERT INTO orgs_org (code, name, level, kind, path, founded_on, {org_rest}) "
            f"VALUES ('BI-CITY', '基准市总工会', 3, 'federation', 'tmp-city', '2000-01-01', "
            f"{org_rest_values})",
        )
        c.execute(
            "UPDATE orgs_org SET path = lpad(id::text, 10, '0') || '/' WHERE code = 'BI-CITY'"
        )
        for level, kind, parent_code, per_parent, name in (
            (4, "federation", "BI-CITY", COUNTIES, "县总工会"),
            (5, "township", "BI-K%", TOWNSHIPS, "镇总工会"),
            (6, "enterprise", "BI-T%", UNIONS, "公司工会委员会"),
        ):
            prefix = {4: "BI-K", 5: "BI-T", 6: "BI-U"}[level]
            # Unions founded over the years, a few this year, so "founded" has a figure.
            founded = (
                "'2000-01-01'::date"
                if level < 6
                else f"make_date({YEAR - 12}, 1, 1) + ((n * 37 + p.id) % 4700)::int"
            )
            _run(
                c,
                f"INSERT INTO orgs_org (code, name, level, kind, parent_id, path, founded_on, "
                f"term_years, term_started_on, {org_rest}) "
                f"SELECT '{prefix}-' || p.id || '-' || n, '基准' || p.id || '-' || n || '{name}', "
                f"{level}, '{kind}', p.id, 'tmp-' || p.id || '-' || n, {founded}, 5, "
                f"make_date({YEAR - 5}, 1, 1) + (n % 900), {org_rest_values} "
                f"FROM orgs_org p, generate_series(1, {per_parent}) n "
                f"WHERE p.code LIKE '{parent_code}'",
                label=f"orgs at level {level}",
            )
            c.execute(
                "UPDATE orgs_org o SET path = p.path || lpad(o.id::text, 10, '0') || '/' "
                "FROM orgs_org p WHERE p.id = o.parent_id AND o.path LIKE 'tmp-%%'"
            )
        c.execute("SELECT array_agg(id ORDER BY id) FROM orgs_org WHERE level = 6")
        (unions,) = c.fetchone()
        c.execute(
            "CREATE TEMP TABLE bi_unions AS SELECT row_number() OVER () - 1 AS k, id "
            "FROM unnest(%s::bigint[]) id",
            [unions],
        )
        n_unions = len(unions)

        # People and memberships: one person in 50 has left, one in 40 is retained (retired);
        # joining dates spread over three years; about 45% women, 30% migrant workers.
        _run(
            c,
            "INSERT INTO members_person (name, name_initials, id_number, id_number_digest, "
            "id_last4_digest, gender, birth_date, ethnicity, phone_last4, education, "
            "political_status, hukou_type, is_migrant_worker, new_employment_category, "
            "card_number, created_at, updated_at) "
            "SELECT '会员' || g, 'hy', decode(md5('id' || g), 'hex'), "
            "decode(md5('d' || g), 'hex'), "
            "decode(md5('l4' || g), 'hex'), CASE WHEN g % 20 < 9 THEN 'F' ELSE 'M' END, "
            "make_date(1970, 1, 1) + (g % 12000), '', '', '', '', '', g % 10 < 3, "
            "CASE WHEN g % 25 = 0 THEN 'courier' ELSE '' END, 'BI' || g, now(), now() "
            f"FROM generate_series(1, {members}) g",
            label="people",
        )
        # Rosters arrive union by union (one import per union), so a union's people and
        # memberships sit together, as the import writes them.
        c.execute("SELECT min(id) FROM members_person WHERE card_number LIKE 'BI%%'")
        (base,) = c.fetchone()
        per_union = -(-members // n_unions)
        _run(
            c,
            "INSERT INTO members_membership (person_id, org_id, status, joined_on, ended_on, "
            "status_changed_on, employer_name, note, created_at) "
            "SELECT p.id, u.id, CASE WHEN p.id % 50 = 0 THEN 'left' WHEN p.id % 40 = 0 "
            "THEN 'retained' ELSE 'active' END, "
            f"make_date({YEAR - 2}, 1, 1) + (p.id % 1060)::int, "
            f"CASE WHEN p.id % 50 = 0 THEN make_date({YEAR - 2}, 1, 1) + (p.id % 1060)::int + 30 "
            "END, NULL, '', '', now() "
            f"FROM members_person p JOIN bi_unions u ON u.k = LEAST((p.id - {base}) / {per_union}, "
            f"{n_unions - 1}) WHERE p.card_number LIKE 'BI%%'",
            label="memberships",
        )
        # What autovacuum would know by now: without it the planner joins a million rows it
        # believes to be a handful in nested loops.
        c.execute("ANALYZE orgs_org, members_person, members_membership")
        c.execute(
            "UPDATE members_person p SET latest_membership_id = m.id FROM members_membership m "
            "WHERE m.person_id = p.id AND p.card_number LIKE 'BI%%'"
        )
        c.execute("ANALYZE members_person")

        # A year of assistance: six campaigns per county, a grant for one member in a hundred.
        kinds = (
            "winter_warmth",
            "summer_cooling",
            "school_aid",
            "medical_relief",
            "spring_jobs",
            "festival_visits",
        )
        for kind in kinds:
            _run(
                c,
                "INSERT INTO assistance_campaign (code, name, kind, year, budget, starts_on, "
                "ends_on, eligibility, school_levels, lower_units_may_apply, notice_days, "
                "is_open, note, org_id, objection_contact) "
                f"SELECT 'BI-{kind}-' || o.id, '基准{kind}', '{kind}', {YEAR}, 100000000, "
                f"make_date({YEAR}, 1, 1), make_date({YEAR}, 12, 31), '', '{{}}', true, 5, "
                "true, '', o.id, '' FROM orgs_org o WHERE o.level = 4 AND o.code LIKE 'BI-K%%'",
            )
        c.execute("ANALYZE assistance_campaign")
        _run(
            c,
            "INSERT INTO assistance_grant (category, eligibility_group, student_name, "
            "student_id_last4, school, school_level, cash_amount, goods_value, bank_name, "
            "bank_account_last4, status, reason, note, paid_on, payment_reference, created_at, "
            "campaign_id, org_id, person_id, submitted_at, approved_at) "
            "SELECT 'relative', '', '', '', '', '', 500 + (m.person_id % 10) * 100, 0, '', '', "
            f"CASE WHEN m.person_id % 7 = 0 THEN 'approved' ELSE 'paid' END, '', '', "
            f"CASE WHEN m.person_id % 7 = 0 THEN NULL "
            f"ELSE make_date({YEAR}, 1, 1) + (m.person_id % 300)::int END, '', now(), "
            "camp.id, m.org_id, m.person_id, now(), now() "
            "FROM members_membership m JOIN orgs_org u ON u.id = m.org_id "
            "JOIN orgs_org t ON t.id = u.parent_id "
            "JOIN assistance_campaign camp ON camp.org_id = t.parent_id "
            f"AND camp.kind = (ARRAY{list(kinds)})[1 + (m.person_id / 100) % 6] "
            "WHERE m.person_id % 100 = 1 AND m.status = 'active'",
            label="grants",
        )
        _run(
            c,
            "INSERT INTO assistance_grouprelief (date, headcount, cash_amount, goods_value, note, "
            "photo_id, created_at, campaign_id, org_id) "
            f"SELECT make_date({YEAR}, 1 + (t.id % 11)::int, 10), 20 + t.id % 30, 6000, 2000, '', "
            "NULL, now(), camp.id, t.id FROM orgs_org t "
            "JOIN assistance_campaign camp ON camp.org_id = t.parent_id "
            "AND camp.kind = 'winter_warmth' WHERE t.level = 5 AND t.code LIKE 'BI-T%%'",
            label="group relief",
        )
        # The ledger: about three entries per union over the year, in every category.
        _run(
            c,
            "INSERT INTO ledger_ledgerentry (title, starts_on, people, person_times, households, "
            "sessions, items, cash_amount, goods_value, note, created_at, category_id, org_id, "
            "approximation, subtype, extra, placings, units) "
            f"SELECT '台账' || u.id || '-' || n, make_date({YEAR}, 1, 1) + ((u.id * 7 + n * 53) "
            "% 330)::int, 10 + n, 30 + n, 1, 1, 1, 1000 * n, 0, '', now(), "
            "(SELECT array_agg(id ORDER BY id) FROM ledger_ledgercategory)"
            "[1 + (u.id + n) % (SELECT count(*) FROM ledger_ledgercategory)], u.id, "
            "CASE WHEN n = 3 THEN 'at_least' ELSE '' END, '', '{}', '[]', '{}' "
            "FROM bi_unions u, generate_series(1, 3) n",
            label="ledger entries",
        )
        # Targets: the city sets each county's, each county its townships'.
        for key in ("members.current", "members.joined", "assistance.grants_amount"):
            _run(
                c,
                "INSERT INTO reports_target (org_id, indicator, year, value, set_at) "
                f"SELECT o.id, %s, {YEAR}, 1000, now() FROM orgs_org o "
                "WHERE o.level IN (4, 5) AND o.code LIKE 'BI-%%'",
                [key],
            )
    # As after the nightly autovacuum: statistics gathered, hint bits and visibility map set.
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up: plans and caches, as on a page opened a second time
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--home", default="/tmp/gonghui-bench-indicators")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup(args.home)
    build(args.members)

    from django.db import connection

    from gonghui.orgs.models import Org
    from gonghui.reports.registry import all_indicators
    from gonghui.reports.selectors import dashboard, statistics_table
    from gonghui.reports.summary import work_report

    city = Org.objects.get(code="BI-CITY")
    county = Org.objects.filter(parent=city).order_by("code").first()
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    # What the statistics page opens on: this year so far (the store keeps cells up to today).
    from django.utils import timezone

    today = timezone.localdate()
    so_far = (today.replace(month=1, day=1), today)
    counts = {
        "orgs": Org.objects.filter(path__startswith=city.path).count(),
        "county orgs": Org.objects.filter(path__startswith=county.path).count(),
        "indicators": len(all_indicators()),
    }
    with connection.cursor() as c:
        for table in ("members_membership", "assistance_grant", "ledger_ledgerentry"):
            c.execute(f"SELECT count(*) FROM {table}")
            counts[table] = c.fetchone()[0]
    print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    def count_star():
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM members_membership")
            c.fetchone()

    from gonghui.core import indicators
    from gonghui.reports import figurestore

    started = time.perf_counter()
    cells = sum(figurestore.rebuild().values())
    rebuilt = time.perf_counter() - started
    from gonghui.reports.models import FigureTotal

    totals = FigureTotal.objects.count()
    print(f"  figure store rebuilt: {cells:,} cells, {totals:,} subtree totals in {rebuilt:.1f} s")
    store = indicators.store

    baseline = median_time(count_star, max(args.repeat, 5))
    print(f"\n{'':38} {'live s':>8} {'× count(*)':>10} {'store s':>8} {'× count(*)':>10}")
    print(f"{'count(*) over members_membership':38} {baseline:8.3f} {1:10.1f}")
    for label, fn in (
        ("county dashboard, this year so far", lambda: dashboard(None, county, *so_far)),
        ("city dashboard, this year so far", lambda: dashboard(None, city, *so_far)),
        ("county dashboard", lambda: dashboard(None, county, start, end)),
        ("county statistics table", lambda: statistics_table(None, county, start, end)),
        ("city dashboard", lambda: dashboard(None, city, start, end)),
        ("city statistics table", lambda: statistics_table(None, city, start, end)),
        ("county work report", lambda: work_report(None, county, start, end)),
    ):
        indicators.store = None
        live = median_time(fn, args.repeat)
        indicators.store = store
        stored = median_time(fn, args.repeat)
        print(
            f"{label:38} {live:8.3f} {live / baseline:10.1f} "
            f"{stored:8.3f} {stored / baseline:10.1f}"
        )


if __name__ == "__main__":
    main()
