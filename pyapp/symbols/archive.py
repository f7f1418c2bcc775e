"""Reading and checking an upload of Breakpad symbol files before anything is stored.

An upload is a ``.zip``, ``.tar``, ``.tar.gz`` (``.tgz``) of ``.sym`` files laid out
``<debug_file>/<debug_id>/<file>.sym`` or flat (placed by their ``MODULE`` line), or one
``.sym`` file. The format is recognised by its first bytes, not its name.

:func:`read_archive` reads the whole upload once, member by member, and refuses it at the
first problem with an :class:`ArchiveError` naming the member and why:

* names: no absolute paths, no ``..``, no backslashes or control characters, only the two
  layouts above, a file name matching its debug file (``xul.pdb`` -> ``xul.sym``,
  ``libxul.so`` -> ``libxul.so.sym``), no file twice;
* links and special files (zip entries with a symlink mode, tar symlinks, hard links,
  devices, FIFOs), encrypted zip entries;
* sizes: the declared size of each member and of all of them (zip bombs are refused before
  inflating anything), the bytes actually read (a member lying about its size), the number of
  files (:class:`Limits`);
* content: the first line must be a real ``MODULE <os> <arch> <debug id> <debug file>`` line
  with a well-formed debug id (32 hex digits of a GUID plus the age, upper case) and a safe
  debug file name that agree with the member's path (a forged MODULE line is refused).

Each good member is hashed (SHA-256 of its text) and gzip-compressed into a spool directory
while it is read, so memory stays bounded; :class:`SymbolArchive` holds the results until the
caller has stored them, and removes the spool on ``close()``. Nothing is stored here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tarfile
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from zlib_ng import zlib_ng

from pyapp.errors import CrashstatsError

CHUNK = 1024 * 1024
HEAD_BYTES = 64 * 1024
#: gzip level of stored files: zlib-ng's level 3 compresses .sym text within a few percent of
#: level 6 at about twice the speed (tests/bench/symbols)
GZIP_LEVEL = 3
#: members up to this size are read whole and compressed in a thread pool (at most IN_FLIGHT
#: of them waiting); bigger ones are streamed through the reading thread
SMALL_FILE = 8 * 1024 * 1024
IN_FLIGHT = 8
COMPRESS_THREADS = min(4, os.cpu_count() or 1)
#: the object key of a symbol file in its bucket (Tecken's layout)
KEY_PREFIX = "v1"

MODULE_LINE = re.compile(r"^MODULE (?P<os>\S+) (?P<arch>\S+) (?P<debug_id>\S+) (?P<debug_file>.+?)\s*$")
CODE_ID_LINE = re.compile(r"^INFO CODE_ID (?P<code_id>[0-9A-Fa-f]+)(?: (?P<code_file>.+?))?\s*$")
DEBUG_ID = re.compile(r"^[0-9A-F]{33,40}$")
UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\/:*?\"<>|]")


class ArchiveError(CrashstatsError):
    """The upload is refused: one member (or the archive itself) is not acceptable."""

    def __init__(self, member: str, reason: str) -> None:
        self.member = member
        self.reason = reason
        super().__init__(f"{member}: {reason}")


@dataclass(frozen=True)
class Limits:
    """What one upload may hold (CRASHSTATS_SYMBOLS_MAX_FILE / _MAX_TOTAL / _MAX_FILES)."""

    max_file: int = 1024**3
    max_total: int = 4 * 1024**3
    max_files: int = 20_000

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(
            max_file=int(config["CRASHSTATS_SYMBOLS_MAX_FILE"]),
            max_total=int(config["CRASHSTATS_SYMBOLS_MAX_TOTAL"]),
            max_files=int(config["CRASHSTATS_SYMBOLS_MAX_FILES"]),
        )


@dataclass
class SymFile:
    """One checked .sym file, gzip-compressed in the spool."""

    member: str
    debug_file: str
    debug_id: str
    filename: str
    os: str
    arch: str
    code_file: str | None
    code_id: str | None
    size: int
    sha256: str
    spool: Path
    stored_size: int

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}/{self.debug_file}/{self.debug_id}/{self.filename}"

    def record(self, *, skipped: bool) -> dict[str, Any]:
        """The file as save_symbols_upload() takes it."""
        return {
            "key": self.key,
            "debug_file": self.debug_file,
            "debug_id": self.debug_id,
            "filename": self.filename,
            "size": self.size,
            "stored_size": self.stored_size,
            "sha256": self.sha256,
            "os": self.os,
            "arch": self.arch,
            "code_file": self.code_file,
            "code_id": self.code_id,
            "skipped": skipped,
        }


@dataclass
class SymbolArchive:
    """The checked files of one upload; ``close()`` removes their spool."""

    name: str
    size: int
    files: list[SymFile] = field(default_factory=list)
    spool_dir: Path | None = None

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    def close(self) -> None:
        if self.spool_dir is not None:
            shutil.rmtree(self.spool_dir, ignore_errors=True)
            self.spool_dir = None

    def __enter__(self) -> SymbolArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sym_filename(debug_file: str) -> str:
    """The Breakpad file name of a debug file's symbols: ``xul.pdb`` -> ``xul.sym``,
    ``libxul.so`` -> ``libxul.so.sym``."""
    if debug_file.lower().endswith(".pdb"):
        return debug_file[:-4] + ".sym"
    return debug_file + ".sym"


def safe_component(value: str) -> bool:
    """A name usable as one path component and one URL segment."""
    return (
        0 < len(value) <= 255
        and value not in (".", "..")
        and not value.startswith(" ")
        and not UNSAFE_CHARS.search(value)
    )


def split_member_name(name: str) -> list[str]:
    """The path components of an archive member, refusing unsafe names."""
    if not name or len(name) > 1024:
        raise ArchiveError(name or "(empty name)", "the name is empty or too long")
    if "\\" in name or "\x00" in name or any(ord(c) < 32 for c in name):
        raise ArchiveError(name, "unsafe name (backslash or control character)")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ArchiveError(name, "absolute paths are not allowed")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ArchiveError(name, "'..' is not allowed in names (zip slip)")
    if not parts:
        raise ArchiveError(name, "the name is empty")
    return parts


def parse_head(member: str, head: bytes) -> dict[str, str | None]:
    """The MODULE line (and INFO CODE_ID line) of a .sym file's first bytes."""
    first, _, rest = head.partition(b"\n")
    try:
        line = first.decode("ascii").rstrip("\r")
    except UnicodeDecodeError:
        raise ArchiveError(member, "not a Breakpad .sym file: the first line is not text") from None
    match = MODULE_LINE.match(line)
    if not match:
        raise ArchiveError(
            member, "not a Breakpad .sym file: the first line is not 'MODULE <os> <arch> <debug id> <name>'"
        )
    debug_id, debug_file = match["debug_id"], match["debug_file"]
    if not DEBUG_ID.match(debug_id):
        raise ArchiveError(
            member,
            f"malformed debug id {debug_id[:60]!r} in the MODULE line "
            "(expected 33 to 40 upper-case hex digits: GUID and age)",
        )
    if not safe_component(debug_file):
        raise ArchiveError(member, f"unsafe debug file name {debug_file[:80]!r} in the MODULE line")
    code_id = code_file = None
    for raw in rest.split(b"\n")[:16]:
        code = CODE_ID_LINE.match(raw.decode("ascii", "replace").rstrip("\r"))
        if code:
            code_id = code["code_id"]
            code_file = code["code_file"] if code["code_file"] and safe_component(code["code_file"]) else None
            break
    return {
        "os": match["os"],
        "arch": match["arch"],
        "debug_id": debug_id,
        "debug_file": debug_file,
        "code_id": code_id,
        "code_file": code_file,
    }


class _Reader:
    """Checks and spools the members of one upload, keeping the running totals."""

    def __init__(self, name: str, limits: Limits, spool_dir: Path, pool: ThreadPoolExecutor) -> None:
        self.name = name
        self.limits = limits
        self.spool_dir = spool_dir
        self.files: list[SymFile] = []
        self.keys: dict[str, str] = {}
        self.declared_total = 0
        self.read_total = 0
        self.pool = pool
        self.pending: list[Future[None]] = []
        #: members read but not yet compressed (bounds the memory they hold)
        self.in_flight = threading.BoundedSemaphore(IN_FLIGHT)

    def declare(self, member: str, size: int, count: int | None = None) -> None:
        """Refuse a member by its declared size before reading it (zip/tar bombs)."""
        if size > self.limits.max_file:
            raise ArchiveError(
                member, f"declares {size:,} bytes, over the {self.limits.max_file:,}-byte limit per file"
            )
        self.declared_total += size
        if self.declared_total > self.limits.max_total:
            raise ArchiveError(
                member,
                f"the files declare {self.declared_total:,} bytes in all, over the "
                f"{self.limits.max_total:,}-byte limit per upload",
            )
        if (len(self.files) if count is None else count) >= self.limits.max_files:
            raise ArchiveError(member, f"more than {self.limits.max_files:,} files in one upload")

    def count(self, member: str, size: int, length: int) -> None:
        """Account ``length`` more bytes read of ``member`` (now ``size`` bytes long)."""
        self.read_total += length
        if size > self.limits.max_file:
            raise ArchiveError(member, f"holds more than {self.limits.max_file:,} bytes (limit per file)")
        if self.read_total > self.limits.max_total:
            raise ArchiveError(
                member, f"the files hold more than {self.limits.max_total:,} bytes (limit per upload)"
            )

    def add(self, member: str, stream: IO[bytes]) -> None:
        """Check one member; spool it gzip-compressed (in the pool when it is small)."""
        parts = split_member_name(member)
        if not parts[-1].endswith(".sym"):
            raise ArchiveError(member, "not a .sym file (only Breakpad .sym files are accepted)")
        if len(parts) not in (1, 3):
            raise ArchiveError(
                member, "not laid out <debug_file>/<debug_id>/<file>.sym (nor a flat .sym file)"
            )
        chunks: list[bytes] = []
        size = 0
        ended = False
        while size <= SMALL_FILE:
            chunk = stream.read(CHUNK)
            if not chunk:
                ended = True
                break
            size += len(chunk)
            self.count(member, size, len(chunk))
            chunks.append(chunk)
        head = chunks[0][:HEAD_BYTES] if chunks else b""
        info = parse_head(member, head)
        debug_file, debug_id = str(info["debug_file"]), str(info["debug_id"])
        filename = sym_filename(debug_file)
        if len(parts) == 3:
            if parts[0] != debug_file or parts[1] != debug_id:
                raise ArchiveError(
                    member,
                    f"the MODULE line says {debug_file}/{debug_id} but the file is at {parts[0]}/{parts[1]} "
                    "(forged or misplaced MODULE line)",
                )
            if parts[2] != filename:
                raise ArchiveError(member, f"the symbols of {debug_file} must be named {filename}")
        sym = SymFile(
            member=member,
            debug_file=debug_file,
            debug_id=debug_id,
            filename=filename,
            os=str(info["os"]),
            arch=str(info["arch"]),
            code_file=info["code_file"],
            code_id=info["code_id"],
            size=size,
            sha256="",
            spool=self.spool_dir / f"{len(self.files):06d}.sym.gz",
            stored_size=0,
        )
        if sym.key in self.keys:
            raise ArchiveError(member, f"the same symbols as {self.keys[sym.key]} ({sym.key})")
        self.keys[sym.key] = member
        self.files.append(sym)
        if ended:  # small: hashed and compressed in the pool while the next member is read
            self.in_flight.acquire()
            future = self.pool.submit(spool_chunks, sym, chunks)
            future.add_done_callback(lambda _: self.in_flight.release())
            self.pending.append(future)
            return
        # large: streamed through here, never whole in memory
        spool_chunks(sym, chunks, stream, lambda length: self.count(member, sym.size + length, length))

    def finish(self) -> None:
        """Wait for the pool's work; its first failure is raised."""
        for future in self.pending:
            future.result()
        self.pending.clear()


def spool_chunks(
    sym: SymFile,
    chunks: list[bytes],
    rest: IO[bytes] | None = None,
    account: Callable[[int], None] | None = None,
) -> None:
    """Hash and gzip ``chunks`` (then what is left of ``rest``) into ``sym.spool``; sets its
    sha256, size and stored_size. zlib-ng and hashlib release the GIL on big buffers, so pool
    threads compress in parallel."""
    digest = hashlib.sha256()
    compressor = zlib_ng.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    with sym.spool.open("wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(compressor.compress(chunk))
        if rest is not None:
            while chunk := rest.read(CHUNK):
                if account is not None:
                    account(len(chunk))
                sym.size += len(chunk)
                digest.update(chunk)
                out.write(compressor.compress(chunk))
        out.write(compressor.flush())
    sym.sha256 = digest.hexdigest()
    sym.stored_size = sym.spool.stat().st_size


def detect_format(path: Path) -> str:
    """``zip``, ``tar``, ``tar.gz`` or ``sym``, from the file's first bytes."""
    with path.open("rb") as f:
        head = f.read(512)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"MODULE "):
        return "sym"
    raise ArchiveError(path.name, "not a .zip, .tar, .tar.gz or .sym file")


def _zip_members(reader: _Reader, path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(reader.name, f"not a readable zip archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        count = 0
        for info in infos:  # every declared size first: a bomb is refused before inflating
            mode = info.external_attr >> 16
            if info.is_dir():
                continue
            if stat.S_ISLNK(mode):
                raise ArchiveError(info.filename, "symbolic links are not allowed")
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise ArchiveError(info.filename, "only regular files are allowed")
            if info.flag_bits & 0x1:
                raise ArchiveError(info.filename, "encrypted entries are not allowed")
            split_member_name(info.filename)
            reader.declare(info.filename, info.file_size, count)
            count += 1
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as stream:
                    reader.add(info.filename, stream)
            except ArchiveError:
                raise
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
                raise ArchiveError(info.filename, f"cannot be read from the zip ({exc})") from None


def _tar_members(reader: _Reader, path: Path) -> None:
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for info in archive:
                if info.isdir():
                    continue
                if info.issym() or info.islnk():
                    raise ArchiveError(info.name, "links are not allowed")
                if not info.isreg():
                    raise ArchiveError(info.name, "only regular files are allowed")
                split_member_name(info.name)
                reader.declare(info.name, info.size)
                stream = archive.extractfile(info)
                assert stream is not None
                reader.add(info.name, stream)
    except ArchiveError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error, TypeError, ValueError) as exc:
        # (a damaged gzip header makes tarfile raise TypeError)
        raise ArchiveError(reader.name, f"not a readable tar archive, or a damaged one ({exc})") from None


def _read_members(reader: _Reader, path: Path, name: str) -> None:
    fmt = detect_format(path)
    if fmt == "zip":
        _zip_members(reader, path)
    elif fmt in ("tar", "tar.gz"):
        _tar_members(reader, path)
    else:
        member = Path(name).name if name.endswith(".sym") else path.name
        if not member.endswith(".sym"):
            member += ".sym"
        reader.declare(member, path.stat().st_size)
        with path.open("rb") as stream:
            reader.add(member, stream)
    if not reader.files:
        raise ArchiveError(name, "holds no .sym file")


def read_archive(
    path: str | os.PathLike[str], name: str | None = None, limits: Limits | None = None
) -> SymbolArchive:
    """Check every member of the upload at ``path`` (``name`` as the uploader called it) and
    spool them gzip-compressed; raises :class:`ArchiveError` at the first bad one, leaving
    nothing behind."""
    path = Path(path)
    name = name or path.name
    limits = limits or Limits()
    spool_dir = Path(tempfile.mkdtemp(prefix="crashstats-symbols-"))
    try:
        with ThreadPoolExecutor(max_workers=COMPRESS_THREADS, thread_name_prefix="symbols-gzip") as pool:
            reader = _Reader(name, limits, spool_dir, pool)
            try:
                _read_members(reader, path, name)
            finally:
                # a refused archive still waits for the work in the pool before its spool goes
                for future in reader.pending:
                    future.exception()
            reader.finish()
    except BaseException:
        shutil.rmtree(spool_dir, ignore_errors=True)
        raise
    return SymbolArchive(name, path.stat().st_size, reader.files, spool_dir)
