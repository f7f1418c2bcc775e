"""Crash IDs: format, date and throttle digit."""

from __future__ import annotations

import datetime as dt

import pytest

from pyapp.crashid import (
    ACCEPT,
    DEFER,
    create_crash_id,
    date_from_crash_id,
    is_crash_id,
    strip_prefix,
    throttle_from_crash_id,
)

pytestmark = pytest.mark.dates  # crash IDs carry the day they are made


def test_new_ids_carry_the_utc_date_and_throttle_digit() -> None:
    late_evening_in_new_york = dt.datetime(2016, 9, 17, 22, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    crash_id = create_crash_id(late_evening_in_new_york, DEFER)
    assert crash_id.endswith("1160918")  # 02:30 UTC on the 18th
    assert is_crash_id(crash_id)
    assert date_from_crash_id(crash_id) == dt.date(2016, 9, 18)
    assert throttle_from_crash_id(crash_id) == DEFER
    assert throttle_from_crash_id(create_crash_id(throttle_result=ACCEPT)) == ACCEPT
    assert len({create_crash_id() for _ in range(1000)}) == 1000


def test_prefix_and_case() -> None:
    crash_id = "de1bb258-cbbf-4589-a673-34f802160918"
    assert strip_prefix(" bp-DE1BB258-cbbf-4589-a673-34f802160918\n") == crash_id
    assert is_crash_id("bp-" + crash_id)
    assert date_from_crash_id("bp-" + crash_id) == dt.date(2016, 9, 18)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-crash-id",
        "de1bb258-cbbf-4589-a673-34f802161340",  # month 13
        "de1bb258-cbbf-4589-a673-34f80216091",  # one short
        "de1bb258-cbbf-4589-a673-34f8021609188",  # one long
        "../../etc/passwd-cbbf-4589-a673-34f802160918",
        "de1bb258-cbbf-4589-a673-34f80x160918",
    ],
)
def test_malformed_ids_are_refused(value: str) -> None:
    assert not is_crash_id(value)


def test_bad_throttle_digit() -> None:
    with pytest.raises(ValueError, match="throttle_result"):
        create_crash_id(throttle_result=2)
