"""The demo's crashes: a stack that matches each signature, and a history whose signatures rise,
fall and appear (so top crashers have rank and % changes to show)."""

from __future__ import annotations

import collections
import datetime as dt

from pyapp.demo import model, stacks

LAST = dt.date(2026, 11, 30)
FIRST = LAST - dt.timedelta(days=27)


def factory(per_day: int = 125) -> model.CrashFactory:
    return model.CrashFactory(model.build_catalog(FIRST, LAST), seed=1, per_day=per_day)


def test_every_demo_crash_has_a_stack_that_matches_its_signature() -> None:
    crashes = list(factory().crashes(LAST, 200))
    seen_address_frames = False
    for crash in crashes:
        dump = crash.processed_crash()["json_dump"]
        modules = {m["filename"] for m in dump["modules"]}
        assert dump["threads"] and len(dump["threads"]) == dump["thread_count"] >= 3
        if crash.signature.startswith("EMPTY:"):
            assert dump["crash_info"]["crashing_thread"] is None
            continue
        crashing = dump["threads"][dump["crash_info"]["crashing_thread"]]["frames"]
        names = stacks.signature_frames(crash.signature)
        top = crashing[: len(names)]
        for name, frame in zip(names, top, strict=True):
            if "@0x" in name:  # module@offset: no function, that offset in that module
                seen_address_frames = True
                module, offset = name.split("@")
                assert "function" not in frame and frame.get("module", "") == module
                assert int(frame.get("module_offset", frame["offset"]), 16) == int(offset, 16) or not module
            else:
                assert frame["function"] == name
        # frames are numbered, every module a frame names is listed, the main thread ends at its entry
        assert [f["frame"] for f in crashing] == list(range(len(crashing)))
        assert {f["module"] for f in crashing if "module" in f} <= modules
        assert crashing[-1]["function"] in {"RtlUserThreadStart", "start", "__libc_start_main"}
        assert dump["system_info"]["os"] == crash.os_name
    assert seen_address_frames or not any("@0x" in c.signature for c in crashes)
    # the same crash gets the same stack
    again = next(iter(factory().crashes(LAST, 1)))
    assert again.processed_crash()["json_dump"] == crashes[0].processed_crash()["json_dump"]


def test_signatures_rise_fall_and_appear_over_four_weeks() -> None:
    made = factory()
    counts = {}
    for week in range(4):
        counter: collections.Counter[str] = collections.Counter()
        for offset in range(7):
            day = FIRST + dt.timedelta(days=7 * week + offset)
            counter.update(c.signature for c in made.crashes(day, 125))
        counts[week] = counter
    first, last = counts[0], counts[3]
    risen = [s for s in last if last[s] >= 10 and last[s] >= 3 * max(1, first[s])]
    fallen = [s for s in first if first[s] >= 10 and first[s] >= 3 * max(1, last[s])]
    appeared = [s for s in last if last[s] >= 5 and first[s] == 0]
    assert risen and fallen and appeared, (risen, fallen, appeared)
    # the top of the list changes order between the weeks
    assert [s for s, _ in first.most_common(10)] != [s for s, _ in last.most_common(10)]
