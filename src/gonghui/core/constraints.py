"""A record's constraints checked before it is written, in one query for all its checks.

Django's ``Model.validate_constraints`` checks each ``CheckConstraint`` with a query of its own,
inside a savepoint when a transaction is open: three round trips per check. A record with six
checks costs eighteen before its insert, and the demo spent an eighth of its time there. Here
every check of the record is one column of a single ``SELECT``; the answers, the messages and
the errors are Django's: a check whose fields are excluded (or not on the record) is skipped,
NULL passes (``Coalesce(condition, true)``), and unique and other constraints are validated by
Django as before.
"""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS, FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def _failed_checks(model_class, instance, checks, exclude, using) -> list[CheckConstraint]:
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = []
    for i, constraint in enumerate(checks):
        condition = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            query.add_annotation(condition, f"_check_{i}")
        except FieldError:
            continue  # a field the check needs is excluded: Django skips it too
        asked.append(constraint)
    if not asked:
        return []
    compiler = query.get_compiler(using=using)
    try:
        with transaction.atomic(using=using):
            row = compiler.execute_sql(SINGLE)
    except (DatabaseError, FieldError):
        # A condition the database cannot evaluate on these values: ask as Django does, one
        # check at a time, so that only that one is given up.
        return _failed_one_by_one(model_class, instance, asked, exclude, using)
    return [c for c, passed in zip(asked, row, strict=True) if not passed]


def _failed_one_by_one(model_class, instance, checks, exclude, using) -> list[CheckConstraint]:
    failed = []
    for constraint in checks:
        try:
            constraint.validate(model_class, instance, exclude=exclude, using=using)
        except ValidationError:
            failed.append(constraint)
    return failed


def validate_constraints(instance, exclude=None) -> None:
    """``instance.validate_constraints(exclude)``, its check constraints in one query."""
    using = router.db_for_write(instance.__class__, instance=instance)
    errors: dict = {}
    for model_class, constraints in instance.get_constraints():
        checks = [c for c in constraints if isinstance(c, CheckConstraint)]
        for constraint in constraints:
            if isinstance(constraint, CheckConstraint):
                continue
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as e:
                fields = getattr(constraint, "fields", ())
                if getattr(e, "code", None) == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(e)
                else:
                    errors = e.update_error_dict(errors)
        if checks and connections[using].features.supports_comparing_boolean_expr:
            for constraint in _failed_checks(model_class, instance, checks, exclude, using):
                e = ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
                errors = e.update_error_dict(errors)
        else:
            for constraint in checks:
                try:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
                except ValidationError as e:
                    errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def full_clean(instance, exclude=None) -> None:
    """``instance.full_clean(exclude)`` step by step as Django takes it (fields, ``clean``,
    uniqueness, then the constraints on the fields that passed), with the constraints checked
    by ``validate_constraints``; every error is reported together, as Django does."""
    errors: dict = {}
    exclude = set(exclude or ())

    def passed_only():
        for name in errors:
            if name != NON_FIELD_ERRORS:
                exclude.add(name)

    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    passed_only()
    try:
        instance.validate_unique(exclude=exclude)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    passed_only()
    try:
        validate_constraints(instance, exclude=exclude)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
