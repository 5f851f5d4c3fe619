"""Validators for the national codes the registries carry. Checksums come from python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def normalize_uscc(value: str) -> str:
    """Upper-case, with spaces and hyphens removed (as WPS users type it)."""
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    """GB 32100 统一社会信用代码: 18 characters and a valid check character."""
    try:
        uscc.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)s."),
            code="uscc_length",
            params={"n": len(uscc.compact(value))},
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _(
                "The check character of the unified social credit code is wrong; "
                "please check it and enter it again."
            ),
            code="uscc_checksum",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _(
                "The unified social credit code is malformed (digits and capital "
                "letters only, without I, O, Z, S, V)."
            ),
            code="uscc_format",
        ) from exc


def region_name(code: str) -> str | None:
    """The name of a GB/T 2260 region code, or ``None`` when the code is unknown."""
    if not (isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    parts = numdb.get("cn/loc").info(code)
    names = [props.get("county") or props.get("province") for _part, props in parts if props]
    if len(names) < 2 or not names[-1]:
        return None
    # Historical names carry their validity, e.g. "[2000-]昌宁县"; show the current one.
    latest = names[-1].split(",")[-1]
    return latest.split("]")[-1]


def validate_region_code(value: str) -> None:
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(_("A region code has 6 digits."), code="region_format")
    if region_name(value) is None:
        raise ValidationError(
            _("Region code %(code)s is not in the national list of region codes (GB/T 2260)."),
            code="region_unknown",
            params={"code": value},
        )


def checked_amount(value, field: str, whole_digits: int):
    """A sum of yuan a service records: not negative, fewer than ``whole_digits`` digits
    before the point (a larger one is a typing error, and would not fit its column)."""
    from django.utils.translation import gettext

    from gonghui.core.errors import DomainError

    if value < 0:
        raise DomainError({field: gettext("The amount cannot be negative.")})
    if value >= 10**whole_digits:
        raise DomainError({field: gettext("The amount is too large: check the figure.")})
    return value
