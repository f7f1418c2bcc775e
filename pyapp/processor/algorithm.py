"""The processor algorithm: runs the rules over one raw crash and returns the processed crash.

:class:`MozillaProcessorAlgorithm2015` is what the seed's
``processor__processor_class='socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015'``
selects. Like Socorro's Processor2015 it starts the processed crash with ``success`` false,
``started_datetime`` and the signature ``EMPTY: crash failed to process``, runs the rules in
order, then sets ``processor_notes`` (the processor's name, the algorithm's name, the rules'
notes, and for a reprocessed crash ``earlier processing: <time>`` followed by the earlier
notes, joined with "; "), ``completed_datetime`` and ``success`` (true when no rule raised).
A rule that raises adds the note ``<rule>: rule failed: <error>`` and the next rule runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pyapp.crashid import date_from_crash_id
from pyapp.processor.rules import (
    MOZILLA_2015_RULES,
    BreakpadStackwalkerRule2015,
    Crash,
    Rule,
    Services,
    SignatureGeneratorRule,
    TransientError,
    iso,
)

log = logging.getLogger(__name__)

#: the per-stage split the processor reports (the benchmark prints it)
STAGE_STACKWALK = "stackwalk"
STAGE_SIGGEN = "siggen"
STAGE_RULES = "rules"


@dataclass
class RawCrash:
    """A crash to process: what processing_queue_claim returns for it."""

    crash_id: str
    raw_crash: dict[str, Any]
    #: raw_crashes.date_processed (the submission time)
    raw_date: dt.datetime | None = None
    queued_at: dt.datetime | None = None
    attempts: int = 1
    previous_notes: str | None = None
    previous_started: dt.datetime | None = None
    #: raw_crash["json_dump"] as the JSON text it was parsed from, when it was stored apart
    json_dump_text: str | None = None


@dataclass
class ProcessedCrash:
    """The result of processing one crash, ready for the crash stores."""

    crash_id: str
    processed: dict[str, Any]
    #: the raw crash as received (before the raw transforms), for the optional stores
    raw_crash: dict[str, Any]
    missing_symbols: list[dict[str, Any]]
    date_processed: dt.datetime
    started: dt.datetime
    completed: dt.datetime
    queued_at: dt.datetime | None = None
    #: seconds per stage (rules, siggen, stackwalk)
    timings: dict[str, float] = field(default_factory=dict)
    #: processed["json_dump"] as JSON text, when it is the raw crash's json_dump unchanged
    #: (stored as it is instead of serialised again)
    json_dump_text: str | None = None


class ProcessorAlgorithm:
    """Runs a list of rules (each a class of :mod:`pyapp.processor.rules`)."""

    #: the processor algorithm's name in processor_notes
    name: ClassVar[str] = "ProcessorAlgorithm"
    rule_classes: ClassVar[Sequence[type[Rule]]] = ()

    def __init__(self, processor_name: str, *, max_attempts: int = 3) -> None:
        self.processor_name = processor_name
        #: after this many claims of one crash (workers died on it), no more stackwalking
        self.max_attempts = max_attempts
        self.rules: list[Rule] = [cls() for cls in self.rule_classes]

    @staticmethod
    def stage(rule: Rule) -> str:
        if isinstance(rule, SignatureGeneratorRule):
            return STAGE_SIGGEN
        if isinstance(rule, BreakpadStackwalkerRule2015):
            return STAGE_STACKWALK
        return STAGE_RULES

    def process(self, item: RawCrash, services: Services) -> ProcessedCrash:
        """Process one raw crash. Raises TransientError when it must be tried again later."""
        started = dt.datetime.now(dt.UTC)
        original_raw = item.raw_crash
        processed: dict[str, Any] = {
            "success": False,
            "started_datetime": iso(started),
            "startedDateTime": iso(started),
            "signature": "EMPTY: crash failed to process",
        }
        crash = Crash(
            crash_id=item.crash_id,
            raw_crash=dict(original_raw),
            processed=processed,
            services=services,
            raw_date=item.raw_date,
            skip_stackwalk=item.attempts > self.max_attempts,
        )
        notes = crash.notes
        notes += [self.processor_name, self.name]
        earlier: list[str] = []
        if item.previous_notes is not None or item.previous_started is not None:
            when = iso(item.previous_started) if item.previous_started else "Unknown Date"
            notes.append(f"earlier processing: {when}")
            earlier = [n.strip() for n in (item.previous_notes or "").split(";") if n.strip()]
        timings: dict[str, float] = defaultdict(float)
        failed = False
        for rule in self.rules:
            begin = time.perf_counter()
            try:
                if rule.predicate(crash):
                    rule.action(crash)
            except TransientError:
                raise
            except Exception as exc:
                failed = True
                notes.append(f"{rule.name}: rule failed: {type(exc).__name__}: {exc}")
                log.warning("crash %s: rule %s failed", item.crash_id, rule.name, exc_info=True)
            timings[self.stage(rule)] += time.perf_counter() - begin
        if not processed.get("date_processed"):  # DatesAndTimesRule failed: the row's date
            when = item.raw_date or dt.datetime.combine(date_from_crash_id(item.crash_id), dt.time(), dt.UTC)
            processed["date_processed"] = iso(when)
        notes.extend(earlier)
        processed["success"] = not failed
        processed["processor_notes"] = "; ".join(notes)
        completed = dt.datetime.now(dt.UTC)
        processed["completed_datetime"] = iso(completed)
        processed["completeddatetime"] = iso(completed)
        # rules read the json_dump and never change it in place (one that needs another sets a
        # new object), so the same object still means the same text
        unchanged = item.json_dump_text is not None and processed.get("json_dump") is original_raw.get(
            "json_dump"
        )
        return ProcessedCrash(
            crash_id=item.crash_id,
            processed=processed,
            raw_crash=original_raw,
            missing_symbols=crash.missing_symbols,
            date_processed=dt.datetime.fromisoformat(processed["date_processed"]),
            started=started,
            completed=completed,
            queued_at=item.queued_at,
            timings=dict(timings),
            json_dump_text=item.json_dump_text if unchanged else None,
        )


class MozillaProcessorAlgorithm2015(ProcessorAlgorithm):
    """Socorro's Mozilla rule set (socorro.processor.mozilla_processor_2015)."""

    name = "MozillaProcessorAlgorithm2015"
    rule_classes = MOZILLA_2015_RULES
