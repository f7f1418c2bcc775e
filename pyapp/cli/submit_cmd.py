"""``crashstats submit``: send a crash report to a collector, as Breakpad/Crashpad clients do."""

from __future__ import annotations

import argparse
from pathlib import Path

from pyapp.cli.base import Context, out
from pyapp.dumpstore import MAIN_DUMP, sanitize_dump_name
from pyapp.errors import UsageError
from pyapp.submitter import Crash, SubmitError, crashes_from_dir, submit


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "submit",
        help="send a crash report (or re-submit stored ones) to a collector",
        description="POST a crash report the way Breakpad/Crashpad clients do: multipart/form-data "
        "with one part per annotation and the minidump in upload_file_minidump. Prints the "
        "collector's answer (CrashID=bp-...). With --from-dir, re-submits every stored raw crash "
        "(<crash id>.json with <crash id>.dump and <crash id>.<name>.dump beside it) found under "
        "DIR. Exit status 1 when a crash was not acknowledged.",
    )
    parser.add_argument(
        "--url", required=True, help="the collector's submit URL, e.g. http://127.0.0.1:8000/submit"
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dump", metavar="FILE", type=Path, help="the minidump (upload_file_minidump)")
    source.add_argument(
        "--from-dir", metavar="DIR", type=Path, help="re-submit the stored raw crashes under DIR"
    )
    parser.add_argument(
        "--extra-dump",
        metavar="NAME=FILE",
        action="append",
        default=[],
        help="a further dump, sent as the file part NAME (repeatable)",
    )
    parser.add_argument(
        "--annotation",
        "-a",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="an annotation (repeatable)",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="gzip the body (Content-Encoding: gzip), as Crashpad"
    )
    parser.add_argument("--chunked", action="store_true", help="send without Content-Length, as Crashpad")
    parser.add_argument(
        "--keep-ids",
        action="store_true",
        help="with --from-dir: keep each crash's ID (the collector needs --token for that)",
    )
    parser.add_argument(
        "--token", help="Auth-Token header (lets the collector accept kept crash IDs and json_dumps)"
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for the collector")
    parser.set_defaults(func=submit_command)


def _pairs(values: list[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise UsageError(f"{what} {value!r}: expected KEY=VALUE")
        pairs.append((key, rest))
    return pairs


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def submit_command(ctx: Context) -> int:
    args = ctx.args
    annotations = dict(_pairs(args.annotation, "--annotation"))
    options = {"gzip": args.gzip, "chunked": args.chunked, "token": args.token, "timeout": args.timeout}
    if args.from_dir is not None:
        if annotations or args.extra_dump:
            raise UsageError("--from-dir sends stored crashes as they are; drop --annotation/--extra-dump")
        sent = failed = 0
        for crash in crashes_from_dir(args.from_dir, keep_ids=args.keep_ids):
            try:
                answer = submit(args.url, crash, **options)
            except SubmitError as exc:
                out(f"{crash.source}: {exc}")
                failed += 1
                continue
            out(f"{crash.source}: {answer.status} {answer.text.strip()}")
            if answer.ok:
                sent += 1
            else:
                failed += 1
        out(f"{sent} crashes acknowledged, {failed} not")
        return 1 if failed else 0

    if args.dump is None:
        raise UsageError("give --dump FILE (or --from-dir DIR)")
    dumps = {MAIN_DUMP: _read(args.dump)}
    for name, file in _pairs(args.extra_dump, "--extra-dump"):
        try:
            dumps[sanitize_dump_name(name)] = _read(Path(file))
        except ValueError:
            raise UsageError(f"--extra-dump {name!r}: use letters, digits, _ and - in dump names") from None
    if args.keep_ids:
        raise UsageError("--keep-ids goes with --from-dir")
    answer = submit(args.url, Crash(annotations, dumps), **options)
    out(answer.text.strip() or f"HTTP {answer.status}")
    if not answer.ok:
        raise SubmitError(f"the collector answered HTTP {answer.status}: {answer.text.strip()[:200]}")
    return 0
