"""Loading Active Daily Install counts into raw_adi (``crashstats adi load``, the fetch-adi job).

Input is CSV in the seed's raw_adi column order::

    adi_count,date,product_name,product_os_platform,product_os_version,product_version,build,product_guid,update_channel
    15,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release

(the header line is optional). Rows are streamed with COPY into a temporary staging table,
then the SQL function ``raw_adi_load`` validates them and inserts the good ones into raw_adi,
replacing what was there for each (date, product) loaded, so loading a day again does not count
it twice. Rejected rows come back with their line number and reason; the good rows are kept.
All of it happens in the caller's transaction.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import psycopg
from psycopg.rows import dict_row

from pyapp.queries import QUERIES

COLUMNS = (
    "adi_count",
    "date",
    "product_name",
    "product_os_platform",
    "product_os_version",
    "product_version",
    "build",
    "product_guid",
    "update_channel",
)


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str
    fields: list[str]

    @property
    def text(self) -> str:
        """The row as CSV again (for messages)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(self.fields)
        return buffer.getvalue()


@dataclass
class LoadResult:
    loaded: int = 0
    replaced: int = 0
    #: the days of the rows loaded
    days: list[dt.date] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def days_text(self) -> str:
        if not self.days:
            return "no day"
        if len(self.days) == 1:
            return self.days[0].isoformat()
        return f"{len(self.days)} days, {self.days[0].isoformat()} to {self.days[-1].isoformat()}"


def text_lines(stream: BinaryIO) -> Iterator[str]:
    """Lines of a byte stream as text; bytes that are not UTF-8 stay visible as surrogates."""
    reader = codecs.getreader("utf-8")(stream, errors="surrogateescape")
    yield from reader


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(line number, fields, reason) per CSV record; reason set when the reader already refuses it."""
    reader = csv.reader(lines, strict=True)
    first = True
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, f"unreadable CSV: {exc}"
            continue
        if not fields or all(not f.strip() for f in fields):
            continue
        if first and fields[0].strip().lower() == COLUMNS[0]:
            first = False
            continue
        first = False
        line = reader.line_num
        text = "".join(fields)
        if "\x00" in text:
            yield line, [f.replace("\x00", "\\0") for f in fields], "contains a NUL byte"
        elif any("\udc80" <= ch <= "\udcff" for ch in text):
            shown = [f.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for f in fields]
            yield line, shown, "not valid UTF-8"
        else:
            yield line, fields, None


def load_adi(conn: psycopg.Connection, lines: Iterable[str], *, replace: bool = True) -> LoadResult:
    """Load CSV ``lines`` into raw_adi within ``conn``'s current transaction (caller commits)."""
    conn.execute(QUERIES["adi_staging_create"])
    with conn.cursor() as cursor, cursor.copy(QUERIES["adi_staging_copy"]) as copy:
        for row_no, (line, fields, reason) in enumerate(_rows(lines), start=1):
            copy.write_row((row_no, line, fields, reason))
    with conn.cursor(row_factory=dict_row) as cursor:
        summary = cursor.execute("SELECT * FROM raw_adi_load(%(replace)s)", {"replace": replace}).fetchone()
        rejects = cursor.execute(QUERIES["adi_staging_rejects"]).fetchall()
        cursor.execute(QUERIES["adi_staging_drop"])
    assert summary is not None
    return LoadResult(
        loaded=int(summary["loaded"]),
        replaced=int(summary["replaced"]),
        days=list(summary["days"]),
        rejected=[Rejected(r["line_no"], r["reason"], list(r["fields"] or [])) for r in rejects],
    )
