"""Decimal literals beyond Python's int-str conversion limit (calculus/numerals.py)."""

from __future__ import annotations

import sys

import pytest

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.numerals import MAX_LITERAL_DIGITS, decimal_text, decimal_value


@pytest.mark.parametrize("digits", [1, 3_999, 4_000, 4_001, 8_000, 12_345, MAX_LITERAL_DIGITS])
def test_decimal_value_reads_every_length_up_to_the_bound(digits: int) -> None:
    text = "7" + "0123456789" * (digits // 10) + "3" * (digits % 10)
    text = text[:digits]
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        expected = int(text)
    finally:
        sys.set_int_max_str_digits(limit)
    assert decimal_value(text) == expected
    assert decimal_value("-" + text) == -expected


def test_decimal_value_refuses_more_than_the_bound() -> None:
    with pytest.raises(ValueError, match="100,001 digits"):
        decimal_value("1" * (MAX_LITERAL_DIGITS + 1))


def test_the_parser_reads_long_literals_and_positions_too_long_ones() -> None:
    term = parse("[" + "9" * 5000 + "]")
    assert term == parse("[" + "9" * 5000 + "]")
    with pytest.raises(ParseError) as error:
        parse("[1/" + "9" * (MAX_LITERAL_DIGITS + 1) + "]")
    assert error.value.column == 2


@pytest.mark.parametrize("digits", [1, 4_000, 4_001, 12_345])
def test_decimal_text_inverts_decimal_value(digits: int) -> None:
    text = ("9876543210" * (digits // 10 + 1))[:digits]
    assert decimal_text(decimal_value(text)) == text
    assert decimal_text(-decimal_value(text)) == "-" + text
    assert decimal_text(10**4000) == "1" + "0" * 4000
