"""A small hand-built tree for tests: one county, two townships, a grassroots union in each.

county (QS)
├── township A (QS-A) ── union A1 (QS-A-1) ── employer "甲公司", service point "甲之家"
└── township B (QS-B) ── union B1 (QS-B-1) ── employer "乙公司", service point "乙之家"
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from gonghui.accounts.models import Department, Role, User
from gonghui.accounts.services import user_create
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.orgs.services import employer_create, org_create, service_point_create

PASSWORD = "Test-pass-2025"


@receiver(post_migrate)
def _restore_seeded_rows(sender, using, **kwargs):
    """Put back the rows the migrations seed (the ledger's starting taxonomy) after a flush.

    pytest-django ends a transactional test by flushing the database, which empties them too.
    Run in one process the transactional tests came last; spread over workers module by
    module, a worker may run a module's other tests after another module's transactional
    ones. Django sends ``post_migrate`` after the flush: the taxonomy is written again as the
    migrations leave it (its rows, wording and sub-types)."""
    if sender.label != "ledger":
        return
    from gonghui.ledger.models import LedgerCategory
    from gonghui.ledger.taxonomy import CATEGORIES, SUBTYPES, WORDING

    if LedgerCategory.objects.using(using).exists():
        return
    LedgerCategory.objects.using(using).bulk_create(
        LedgerCategory(
            work_area=area,
            code=code,
            name=name,
            unit=unit,
            wording=WORDING.get(code, {}),
            subtypes=SUBTYPES.get(code, []),
        )
        for area, code, name, unit in CATEGORIES
    )


@pytest.fixture(autouse=True)
def _chinese():
    """Each test starts in the platform's default language, as a fresh worker process does:
    a request made in English by an earlier test leaves its thread in English."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@dataclass
class Tree:
    county: Org
    a: Org
    b: Org
    a1: Org
    b1: Org
    emp_a: Employer
    emp_b: Employer
    sp_a: ServicePoint
    sp_b: ServicePoint
    admin: User
    county_staff: User
    town_a: User
    town_b: User
    clerk_a1: User


def make_org(parent, code, name, level, kind=Org.Kind.ENTERPRISE, **fields):
    return org_create(
        actor=None, parent=parent, code=code, name=name, level=level, kind=kind, **fields
    )


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


@pytest.fixture
def live_tree(transactional_db) -> Tree:
    """The same tree, committed, for a browser talking to the live server."""
    return build_tree()


def build_tree() -> Tree:
    county = make_org(
        None, "QS", "青山县总工会", Org.Level.COUNTY, Org.Kind.FEDERATION, region_code="530524"
    )
    a = make_org(county, "QS-A", "甲镇总工会", Org.Level.TOWNSHIP, Org.Kind.TOWNSHIP)
    b = make_org(county, "QS-B", "乙镇总工会", Org.Level.TOWNSHIP, Org.Kind.TOWNSHIP)
    a1 = make_org(
        a,
        "QS-A-1",
        "甲公司工会委员会",
        Org.Level.GRASSROOTS,
        term_years=3,
        term_started_on=datetime.date(2020, 1, 1),
    )
    b1 = make_org(b, "QS-B-1", "乙公司工会委员会", Org.Level.GRASSROOTS)
    emp_a = employer_create(
        actor=None, org=a, name="甲公司", unit_type="170", union=a1, headcount=120
    )
    emp_b = employer_create(
        actor=None, org=b, name="乙公司", unit_type="170", union=b1, headcount=80
    )
    sp_a = service_point_create(
        actor=None, org=a1, kind=ServicePoint.Kind.WORKERS_HOME, name="甲之家"
    )
    sp_b = service_point_create(
        actor=None, org=b1, kind=ServicePoint.Kind.WORKERS_HOME, name="乙之家"
    )

    def user(username, org, role, department=""):
        return user_create(
            actor=None,
            username=username,
            password=PASSWORD,
            org=org,
            role=role,
            department=department,
        )

    return Tree(
        county=county,
        a=a,
        b=b,
        a1=a1,
        b1=b1,
        emp_a=emp_a,
        emp_b=emp_b,
        sp_a=sp_a,
        sp_b=sp_b,
        admin=user("admin", county, Role.PLATFORM_ADMIN),
        county_staff=user("county", county, Role.FEDERATION_STAFF, Department.ORGANISATION),
        town_a=user("town_a", a, Role.TOWNSHIP_STAFF),
        town_b=user("town_b", b, Role.TOWNSHIP_STAFF),
        clerk_a1=user("clerk_a1", a1, Role.GRASSROOTS_CLERK),
    )


def snapshot(*models) -> dict:
    """Every row of the given models as plain values, to prove a refused write changed nothing."""
    return {
        m._meta.label: sorted(map(repr, m.objects.order_by("pk").values_list())) for m in models
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo county, built once for a module inside a transaction that is rolled back."""
    from django.db import transaction

    from gonghui.demo.generator import generate

    with django_db_blocker.unblock(), transaction.atomic():
        generate(seed=2025)
        yield
        transaction.set_rollback(True)


def pytest_configure(config):
    """Start ``gonghui demo`` for its test as the session starts: it builds the whole demo in a
    subprocess (two minutes) beside the other tests, and its test checks it at the end. With
    pytest-xdist the controller starts it (workers inherit where it is through the environment);
    a run that selects tests by keyword or marker leaves it to the test itself."""
    import os
    import tempfile
    from pathlib import Path

    if hasattr(config, "workerinput") or config.option.keyword or config.option.markexpr:
        return
    demo_test = Path(config.rootpath, "tests", "test_demo_process.py")
    wanted = [Path(config.rootpath, arg.split("::")[0]).resolve() for arg in config.args]
    if not any(demo_test == p or demo_test.is_relative_to(p) for p in wanted):
        return
    from tests.test_demo_process import STARTED, start_demo

    run = start_demo(Path(tempfile.mkdtemp(prefix="gonghui-demo-test-")))
    os.environ[STARTED] = run.to_env()
    config.gonghui_demo = run


def pytest_unconfigure(config):
    """Stop the early demo if its test did not run to the end, and remove its folder; then
    stop the suite's embedded database."""
    import shutil

    run = getattr(config, "gonghui_demo", None)
    if run is not None:
        run.kill()
        run.exit_code(timeout=30)
        shutil.rmtree(run.base, ignore_errors=True)
    if not hasattr(config, "workerinput"):
        _stop_suite_database()


def _stop_suite_database() -> None:
    """The embedded server stops when the last process that joined it leaves; a process killed
    on purpose by a test (a worker, a command) or a test worker of pytest-xdist that ends
    without leaving would keep it running after the suite. The session's last process prunes
    them and stops it (nothing when the suite runs on a server of ``DATABASE_URL``)."""
    from pathlib import Path

    from django.conf import settings

    from gonghui.config.home import embedded_stop

    embedded_stop(Path(settings.GONGHUI_HOME))
