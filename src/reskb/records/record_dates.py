"""Dates in records that the schema's YYYY-MM-DD pattern lets through but no calendar has:
30 February, a year 9999, a record added after its last review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ..problems import Problem
from .catalogue import Record

DATE_FIELDS = ("added", "last_reviewed")
EARLIEST = date(2000, 1, 1)


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


def date_problems(record: Record, today: date | None = None) -> Iterator[Problem]:
    latest = (today or today_utc()) + timedelta(days=1)  # a day's grace for time zones
    found: dict[str, date] = {}
    for name in DATE_FIELDS:
        value = record.data.get(name)
        if not isinstance(value, str) or len(value) != 10:
            continue  # the schema reports a missing or malformed date
        try:
            day = date.fromisoformat(value)
        except ValueError:
            yield Problem(record.path, record.doc.line_of((name,)), name, f"'{value}' is not a date in the calendar",
                          "check the day and the month (YYYY-MM-DD)")
            continue
        if day > latest:
            yield Problem(record.path, record.doc.line_of((name,)), name, f"{value} lies in the future",
                          "write the date of the work done")
        elif day < EARLIEST:
            yield Problem(record.path, record.doc.line_of((name,)), name,
                          f"{value} is before {EARLIEST.year}, earlier than any catalogue record", "check the year")
        else:
            found[name] = day
    if "added" in found and "last_reviewed" in found and found["added"] > found["last_reviewed"]:
        yield Problem(record.path, record.doc.line_of(("added",)), "added",
                      f"the record is added ({found['added']}) after its last review ({found['last_reviewed']})",
                      "a record is reviewed when it is added: set last_reviewed to the same date or later")
