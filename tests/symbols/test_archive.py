"""Reading uploads: every accepted layout and format, and every attack refused with the member
and the reason, nothing left in the spool."""

from __future__ import annotations

import gzip
import io
import stat
import struct
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from pyapp.symbols.archive import ArchiveError, Limits, read_archive, sym_filename
from tests.symbols.conftest import debug_id, make_tar, make_zip, sym_text, tree_name


def spool_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("crashstats-symbols-*")}


@pytest.fixture
def no_leftovers():
    before = spool_dirs()
    yield
    assert spool_dirs() == before


def refused(path: Path, limits: Limits | None = None) -> ArchiveError:
    with pytest.raises(ArchiveError) as info:
        read_archive(path, limits=limits)
    return info.value


def test_sym_filename() -> None:
    assert sym_filename("xul.pdb") == "xul.sym"
    assert sym_filename("XUL.PDB") == "XUL.sym"
    assert sym_filename("libxul.so") == "libxul.so.sym"
    assert sym_filename("crashme") == "crashme.sym"


@pytest.mark.parametrize("fmt", ["zip", "tar", "tar.gz"])
def test_tree_layout_in_every_format(tmp_path: Path, fmt: str, no_leftovers: None) -> None:
    members = {
        tree_name("libfoo.so", debug_id(1)): sym_text("libfoo.so", debug_id(1)),
        tree_name("bar.pdb", debug_id(2)): sym_text("bar.pdb", debug_id(2), body_lines=5000),
    }
    if fmt == "zip":
        path = make_zip(tmp_path / "s.zip", members)
    else:
        path = make_tar(tmp_path / f"s.{fmt}", members, "w" if fmt == "tar" else "w:gz")
    with read_archive(path, "upload-name.bin") as archive:
        assert archive.name == "upload-name.bin"
        assert archive.size == path.stat().st_size
        by_key = {f.key: f for f in archive.files}
        assert sorted(by_key) == sorted(
            [f"v1/libfoo.so/{debug_id(1)}/libfoo.so.sym", f"v1/bar.pdb/{debug_id(2)}/bar.sym"]
        )
        big = by_key[f"v1/bar.pdb/{debug_id(2)}/bar.sym"]
        original = members[tree_name("bar.pdb", debug_id(2))]
        assert gzip.decompress(big.spool.read_bytes()) == original
        assert big.size == len(original) and big.stored_size == big.spool.stat().st_size < big.size
        import hashlib

        assert big.sha256 == hashlib.sha256(original).hexdigest()
        assert (big.os, big.arch, big.code_file) == ("Linux", "x86_64", "bar.pdb")
        assert big.code_id == debug_id(2)[:32] + "0000"
        spool = archive.spool_dir
        assert spool is not None and spool.is_dir()
    assert not spool.exists()


def test_flat_files_are_placed_by_their_module_line(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "flat.zip",
        {
            "whatever.sym": sym_text("libflat.so", debug_id(3)),
            "other.sym": sym_text("flat2.pdb", debug_id(4)),
        },
    )
    with read_archive(path) as archive:
        assert sorted(f.key for f in archive.files) == sorted(
            [f"v1/libflat.so/{debug_id(3)}/libflat.so.sym", f"v1/flat2.pdb/{debug_id(4)}/flat2.sym"]
        )


def test_a_single_sym_file(tmp_path: Path) -> None:
    path = tmp_path / "crashme.sym"
    path.write_bytes(sym_text("crashme", debug_id(5)))
    with read_archive(path) as archive:
        (only,) = archive.files
        assert only.key == f"v1/crashme/{debug_id(5)}/crashme.sym"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/evil.sym", "'..' is not allowed"),
        ("libfoo.so/../../x.sym", "'..' is not allowed"),
        ("/etc/cron.d/evil.sym", "absolute paths"),
        ("C:/windows/evil.sym", "absolute paths"),
        ("dir\\evil.sym", "backslash"),
    ],
)
def test_zip_slip_and_unsafe_names(tmp_path: Path, name: str, reason: str, no_leftovers: None) -> None:
    path = make_zip(
        tmp_path / "slip.zip",
        {tree_name("ok.so", debug_id(1)): sym_text("ok.so", debug_id(1)), name: sym_text()},
    )
    error = refused(path)
    assert error.member == name and reason in error.reason
    assert str(error).startswith(name + ": ")


def test_symlink_in_a_zip(tmp_path: Path, no_leftovers: None) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo(tree_name("libfoo.so", debug_id(1)))
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    error = refused(path)
    assert error.member == tree_name("libfoo.so", debug_id(1)) and "symbolic links" in error.reason


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE])
def test_links_and_special_files_in_a_tar(tmp_path: Path, kind: bytes, no_leftovers: None) -> None:
    path = tmp_path / "links.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        good = sym_text("ok.so", debug_id(1))
        info = tarfile.TarInfo(tree_name("ok.so", debug_id(1)))
        info.size = len(good)
        archive.addfile(info, io.BytesIO(good))
        bad = tarfile.TarInfo(tree_name("libfoo.so", debug_id(2)))
        bad.type = kind
        bad.linkname = "/etc/passwd"
        archive.addfile(bad)
    error = refused(path)
    assert error.member == tree_name("libfoo.so", debug_id(2))
    assert ("links are not allowed" if kind != tarfile.FIFOTYPE else "only regular files") in error.reason


def ten_gb_declared_zip(path: Path) -> Path:
    """A zip whose one member declares 10 GB uncompressed (a zip64 central directory entry),
    with a few bytes of data: what a bomb looks like before anything is inflated."""
    name = tree_name("bomb.so", debug_id(1))
    declared = 10 * 1024**3
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, sym_text("bomb.so", debug_id(1)))
        archive.filelist[0].file_size = declared  # written into the central directory on close
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].file_size == declared
    return path


def test_a_10_gb_declared_zip_bomb_is_refused_before_inflating(tmp_path: Path, no_leftovers: None) -> None:
    error = refused(ten_gb_declared_zip(tmp_path / "bomb.zip"))
    assert error.member == tree_name("bomb.so", debug_id(1))
    assert "declares 10,737,418,240 bytes" in error.reason and "limit per file" in error.reason


def test_a_real_compression_bomb_over_the_limits(tmp_path: Path, no_leftovers: None) -> None:
    head = sym_text("big.so", debug_id(1))
    # 64 MiB of one byte deflates to ~64 KiB
    path = make_zip(tmp_path / "big.zip", {tree_name("big.so", debug_id(1)): head + b"\n" * (64 * 1024**2)})
    assert path.stat().st_size < 1024**2
    error = refused(path, Limits(max_file=8 * 1024**2))
    assert "limit per file" in error.reason
    # a tar declares its sizes too
    tar = make_tar(tmp_path / "big.tar.gz", {tree_name("big.so", debug_id(1)): head + b"\n" * (16 * 1024**2)})
    error = refused(tar, Limits(max_file=8 * 1024**2))
    assert error.member == tree_name("big.so", debug_id(1)) and "limit per file" in error.reason
    # many files within the per-file limit but over the total
    members = {tree_name(f"m{i}.so", debug_id(i)): sym_text(f"m{i}.so", debug_id(i), 2000) for i in range(4)}
    error = refused(make_zip(tmp_path / "many.zip", members), Limits(max_total=150_000))
    assert "limit per upload" in error.reason
    error = refused(make_zip(tmp_path / "count.zip", members), Limits(max_files=3))
    assert "more than 3 files" in error.reason


def test_a_zip_lying_about_its_sizes(tmp_path: Path, no_leftovers: None) -> None:
    name = tree_name("liar.so", debug_id(1))
    path = make_zip(tmp_path / "liar.zip", {name: sym_text("liar.so", debug_id(1), 3000)})
    data = bytearray(path.read_bytes())
    # shrink the declared size in the central directory (what zipfile trusts): it must not
    # read past it quietly
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)
    path.write_bytes(bytes(data))
    error = refused(path)
    assert error.member == name


@pytest.mark.parametrize(
    ("member", "text", "reason"),
    [
        # forged: the MODULE line names another module than the path
        (tree_name("libfoo.so", debug_id(1)), sym_text("libc.so.6", debug_id(1)), "forged or misplaced"),
        (tree_name("libfoo.so", debug_id(1)), sym_text("libfoo.so", debug_id(2)), "forged or misplaced"),
        # a MODULE line naming a path
        ("evil.sym", sym_text("../../../etc/passwd", debug_id(1)), "unsafe debug file name"),
        ("evil.sym", b"MODULE Linux x86_64 " + debug_id(1).encode() + b" a/b.so\n", "unsafe debug file name"),
        # malformed debug ids
        ("bad.sym", sym_text("libfoo.so", "XYZ"), "malformed debug id"),
        ("bad.sym", sym_text("libfoo.so", debug_id(1).lower()), "malformed debug id"),
        ("bad.sym", sym_text("libfoo.so", "0" * 20), "malformed debug id"),
        # not a .sym file at all
        ("notes.sym", b"hello world\n", "not a Breakpad .sym file"),
        ("bin.sym", b"\x7fELF\x02\x01\x01\x00" * 10, "not a Breakpad .sym file"),
        ("README.txt", b"read me", "not a .sym file"),
        # misnamed file or layout
        (
            f"libfoo.so/{debug_id(1)}/other.sym",
            sym_text("libfoo.so", debug_id(1)),
            "must be named libfoo.so.sym",
        ),
        (f"x/libfoo.so/{debug_id(1)}/libfoo.so.sym", sym_text("libfoo.so", debug_id(1)), "not laid out"),
    ],
)
def test_bad_sym_files(tmp_path: Path, member: str, text: bytes, reason: str, no_leftovers: None) -> None:
    error = refused(
        make_zip(
            tmp_path / "bad.zip",
            {tree_name("ok.so", debug_id(9)): sym_text("ok.so", debug_id(9)), member: text},
        )
    )
    assert error.member == member
    assert reason in error.reason


def test_the_same_symbols_twice(tmp_path: Path) -> None:
    text = sym_text("libfoo.so", debug_id(1))
    error = refused(
        make_zip(tmp_path / "twice.zip", {tree_name("libfoo.so", debug_id(1)): text, "flat.sym": text})
    )
    assert error.member == "flat.sym" and "the same symbols as" in error.reason


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage" * 10, b"\x1f\x8b\x08garbage", b"just text\n"])
def test_not_an_archive(tmp_path: Path, content: bytes, no_leftovers: None) -> None:
    path = tmp_path / "upload.zip"
    path.write_bytes(content)
    error = refused(path)
    assert error.member == "upload.zip"


def test_an_archive_without_sym_files(tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("dir/", b"")
    assert "holds no .sym file" in refused(path).reason


def test_a_large_file_is_streamed(tmp_path: Path, no_leftovers: None) -> None:
    """Members over SMALL_FILE go through the reading thread chunk by chunk, same result."""
    import hashlib

    from pyapp.symbols import archive as archive_module

    text = sym_text("libhuge.so", debug_id(1), body_lines=400_000)
    assert len(text) > archive_module.SMALL_FILE
    path = make_tar(tmp_path / "huge.tar.gz", {tree_name("libhuge.so", debug_id(1)): text})
    with read_archive(path) as checked:
        (huge,) = checked.files
        assert huge.size == len(text) and huge.sha256 == hashlib.sha256(text).hexdigest()
        assert gzip.decompress(huge.spool.read_bytes()) == text
    error = refused(path, Limits(max_file=len(text) - 1))
    assert "limit per file" in error.reason
