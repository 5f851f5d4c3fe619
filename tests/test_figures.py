"""How figures are written (domain.md): table-driven, one line per convention."""

from decimal import Decimal

import pytest

from gonghui.core.figures import at_least, count, figure, money, percent, placing, read_placings


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("611900", "61.19万元"),
        ("158320", "15.83万元"),  # as clerks write it: two decimals
        ("453355", "45.34万元"),  # rounded half up
        ("235286", "23.53万元"),
        ("5000", "5000元"),
        ("10000", "1万元"),
        ("266300.00", "26.63万元"),
        ("9999.5", "9999.5元"),
        ("9999.99", "9999.99元"),
        ("12345678.9", "1234.57万元"),
        ("0", "0元"),
        (None, "0元"),
    ],
)
def test_money_in_wan_without_trailing_zeros(amount, text):
    assert money(Decimal(amount) if amount is not None else None) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [("158320", "15.832万元"), ("235286", "23.5286万元"), ("12345678.9", "1234.5679万元")],
)
def test_money_exact_to_the_yuan_has_up_to_four_decimals(amount, text):
    assert money(Decimal(amount), places=4) == text


def test_a_lower_bound_in_money_is_never_rounded_up():
    assert figure(Decimal("453399"), "元", approximation="or_more") == "45.33万元以上"
    assert figure(Decimal("453399"), "元") == "45.34万元"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1101, "人", "1101人"),
        (6216, "人次", "6216人次"),
        (183, "户", "183户"),
        (19, "期", "19期"),
        (0, "个", "0个"),
        (None, "人", "0人"),
    ],
)
def test_counts_carry_their_unit(value, unit, text):
    assert count(value, unit) == text
    assert figure(value, unit) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (500, "人次", "500余人次"),
        (3456, "人", "3400余人"),
        (3000, "人", "3000余人"),
        (87, "人", "87余人"),
        (523, "人次", "520余人次"),
        (Decimal("1834000"), "元", "180余万元"),
        (Decimal("1800000"), "元", "180余万元"),
        (Decimal("35000"), "元", "3万余元"),
        (Decimal("5300"), "元", "5300余元"),
        (Decimal("5345.5"), "元", "5300余元"),
    ],
)
def test_yu_marks_a_lower_bound_and_never_overstates(value, unit, text):
    assert at_least(value, unit) == text
    assert figure(value, unit, lower_bound=True) == text
    # A lower bound written with 余 is never above the recorded figure.
    digits = Decimal(text.split("余")[0].replace("万", ""))
    scale = 10000 if "万" in text else 1
    assert digits * scale <= Decimal(value)


@pytest.mark.parametrize(
    ("value", "unit"), [(500, "人次"), (3456, "人"), (Decimal("1834000"), "元"), (0, "人")]
)
def test_yu_is_never_written_for_an_exact_figure(value, unit):
    assert "余" not in figure(value, unit)
    assert "余" not in figure(0, unit, lower_bound=True)  # nothing is not "at least nothing"


@pytest.mark.parametrize("approximation", ["at_least", "or_more", "nearly"])
def test_a_count_under_ten_is_written_exactly_whatever_the_entry_says(approximation):
    assert figure(1, "场", approximation=approximation) == "1场"
    assert figure(9, "人", approximation=approximation) == "9人"
    assert figure(10, "人", approximation=approximation) != "10人"


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (131, 100, "131%"),
        (2, 3, "66.7%"),
        (1, 1, "100%"),
        (1, 8, "12.5%"),
        (1, 16, "6.3%"),  # one decimal at most, half up
        (Decimal("107.4"), 100, "107.4%"),
        (0, 5, "0%"),
        (1, 0, "—"),
        (1, None, "—"),
    ],
)
def test_rates_have_at_most_one_decimal(part, whole, text):
    assert percent(part, whole) == text


@pytest.mark.parametrize(
    ("text", "data", "written"),
    [
        (
            "全省第一、全国第十八",
            [{"scope": "全省", "rank": 1, "group": ""}, {"scope": "全国", "rank": 18, "group": ""}],
            "全省第一、全国第十八",
        ),
        ("男子组第三名", [{"scope": "", "rank": 3, "group": "男子组"}], "男子组第三名"),
        ("全市女子组第2名", [{"scope": "全市", "rank": 2, "group": "女子组"}], "全市女子组第二名"),
        ("", [], ""),
    ],
)
def test_placings_are_read_as_a_clerk_writes_them_and_written_back(text, data, written):
    assert read_placings(text) == data
    assert "、".join(placing(p) for p in data) == written


@pytest.mark.parametrize("text", ["第一", "全省第零", "全省冠军", "全国第x"])
def test_what_is_not_a_placing_is_refused_in_chinese(text):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValueError, match="不是名次的写法"):
        read_placings(text)
