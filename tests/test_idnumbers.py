"""ID numbers: normalisation, validation and masking (GB 11643, check digit ISO 7064 MOD 11-2)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import idnumbers
from tests.rosters import id_number

# Real region codes, one of them (530524) created in 2000: people born before carry it too.
REGIONS = ("110105", "310104", "530524", "530502", "510623", "440305", "650102")
TODAY = datetime.date(2026, 11, 21)

valid_numbers = st.builds(
    id_number,
    born=st.dates(datetime.date(1920, 1, 1), datetime.date(2020, 12, 31)),
    seq=st.integers(0, 999),
    region=st.sampled_from(REGIONS),
)


@given(valid_numbers)
def test_valid_numbers_round_trip(number):
    result = idnumbers.normalize(number, today=TODAY)
    assert result.value == number
    assert result.repairs == []
    assert idnumbers.normalize(result.value, today=TODAY).value == number


@given(valid_numbers, st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_caught(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = number[position]
    new = alphabet[(alphabet.index(old) + shift) % len(alphabet)]
    if new == old:
        return
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(idnumbers.IdNumberError):
        idnumbers.normalize(changed, today=TODAY)


@given(valid_numbers)
def test_gender_and_birth_date_come_from_the_number(number):
    result = idnumbers.normalize(number, today=TODAY)
    assert result.gender == ("M" if int(number[16]) % 2 else "F")
    assert result.birth_date == datetime.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )


def test_county_code_newer_than_the_birth_year_is_accepted():
    # 530524 exists since 2000 (python-stdnum's table says "[2000-]"); its full validate()
    # refuses this man born in 1965, whose ID was issued later.
    from stdnum.cn import ric

    number = id_number(datetime.date(1965, 7, 3), 11, "530524")
    assert not ric.is_valid(number)
    assert idnumbers.normalize(number, today=TODAY).value == number


@pytest.mark.parametrize(
    ("raw", "repairs"),
    [
        (" 530524199001010028 ", ["已去除空格"]),
        ("５３０５２４１９９００１０１００２８", ["全角字符已改为半角"]),
        ("5305 2419 9001 0100 28", ["已去除空格"]),
    ],
)
def test_safe_repairs_are_made_and_named(raw, repairs):
    expected = id_number(datetime.date(1990, 1, 1), 2)
    assert expected == "530524199001010028"
    result = idnumbers.normalize(raw, today=TODAY)
    assert result.value == expected
    assert result.repairs == repairs


def test_lower_case_x_is_upper_cased():
    number = next(
        id_number(datetime.date(1988, 8, 8), seq)
        for seq in range(1000)
        if id_number(datetime.date(1988, 8, 8), seq).endswith("X")
    )
    result = idnumbers.normalize(number.lower(), today=TODAY)
    assert result.value == number
    assert result.repairs == ["小写 x 已改为大写 X"]


def test_fifteen_digits_become_eighteen():
    result = idnumbers.normalize("530524800101123", today=TODAY)
    assert result.value == "530524198001011237"
    assert result.repairs == ["15 位号码已升级为 18 位"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (1.10105199001012e17, "Excel"),
        ("1.10105E+17", "Excel"),
        ("53052419900101001", "应为 18 位"),
        ("530524199002300011", "不存在"),
        ("530524203001010011", "不合理"),
        ("999999199001010011", "行政区划代码"),
        ("53052419900101001A", "其他字符"),
        ("", "为空"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(idnumbers.IdNumberError, match=reason):
        idnumbers.normalize(raw, today=TODAY)


def test_mask_keeps_four_and_four():
    assert idnumbers.mask("530524199001010011") == "5305**********0011"
