"""A record's check constraints are checked in one query (``core.constraints``), with the same
answers and messages as Django's own one-query-per-check validation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.constraints import full_clean, validate_constraints
from gonghui.orgs.models import Org
from gonghui.skills.models import TrainingCourse, TrainingSession

D = datetime.date


def _said(check, instance) -> dict | None:
    try:
        check(instance)
    except ValidationError as exc:
        return {k: sorted(str(m) for m in v) for k, v in exc.message_dict.items()}
    return None


def _session(course, **more):
    values = {
        "course": course,
        "number": 1,
        "starts_on": D(2026, 5, 1),
        "ends_on": D(2026, 5, 3),
        "hours": Decimal(18),
        "unnamed_trainees": 10,
        "unnamed_certificates": 5,
        "unnamed_jobs": 1,
        **more,
    }
    return TrainingSession(**values)


def test_the_checks_answer_as_djangos_own_in_one_query(tree):
    course = TrainingCourse.objects.create(org=tree.county, name="培训", target_group="cadres")
    _session(course).save()
    cases = [
        {},  # passes
        {"number": 2},  # passes
        {"number": 2, "ends_on": D(2026, 4, 1)},
        {"number": 2, "hours": Decimal(0)},
        {"number": 2, "cost": Decimal(-1)},
        {"number": 2, "unnamed_certificates": 11, "unnamed_jobs": 12},
        {"number": 2, "ends_on": D(2026, 4, 1), "hours": Decimal(-1)},  # two at once
        {"number": 1},  # the unique number, validated as Django does
    ]
    for more in cases:
        instance = _session(course, **more)
        ours = _said(validate_constraints, instance)
        assert ours == _said(lambda i: i.validate_constraints(), instance), more
    # A NULL passes a check (term_years is none: the check's condition is unknown).
    org = Org(parent=tree.county, code="QS-Z", name="乙", level=6, kind="enterprise", path="x")
    assert _said(validate_constraints, org) is None
    org.term_years = 4
    refused = _said(validate_constraints, org)
    assert refused is not None and refused == _said(lambda i: i.validate_constraints(), org)
    # Excluded fields leave their checks out, as Django does.
    bad = _session(course, number=3, ends_on=D(2026, 4, 1))
    assert _said(lambda i: validate_constraints(i, exclude={"ends_on"}), bad) is None
    assert _said(lambda i: i.validate_constraints(exclude={"ends_on"}), bad) is None
    # One query for the checks (and its savepoint), against three for each of Django's.
    good = _session(course, number=4)
    with CaptureQueriesContext(connection) as ours:
        validate_constraints(good)
    with CaptureQueriesContext(connection) as djangos:
        good.validate_constraints()
    assert len(ours) < len(djangos) / 2, (len(ours), len(djangos))


def test_full_clean_reports_every_error_together_as_djangos(tree):
    course = TrainingCourse.objects.create(org=tree.county, name="培训", target_group="cadres")
    for more in (
        {"hours": None},  # a field's own error; its check is left out
        {"ends_on": D(2026, 4, 1)},  # a check
        {"hours": None, "ends_on": D(2026, 4, 1), "unnamed_jobs": 50},  # both, together
        {},
    ):
        instance = _session(course, **more)
        ours = _said(full_clean, instance)
        assert ours == _said(lambda i: i.full_clean(), instance), more
    assert set(_said(full_clean, _session(course, hours=None, ends_on=D(2026, 4, 1)))) == {
        "hours",
        "__all__",
    }
