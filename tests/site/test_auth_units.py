"""Units of the account code that need no server: cookie signatures, the sign-in redirect
target, parameter conversion, password hashes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pyapp import accounts
from web.api import ENDPOINTS, Param, openapi
from web.auth import Signer, safe_next
from web.framework import BadRequest
from web.viewer import Viewer


def test_signatures_bind_the_value_and_the_purpose() -> None:
    signer = Signer(b"k" * 32)
    signed = signer.sign("abc", "session")
    assert signer.unsign(signed, "session") == "abc"
    assert signer.unsign(signed, "csrf") is None
    assert signer.unsign("abd." + signed.split(".", 1)[1], "session") is None
    assert Signer(b"other").unsign(signed, "session") is None
    assert signer.unsign(None, "session") is None and signer.unsign("nodot", "session") is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/", "/admin/"),
        ("/search/?a=1", "/search/?a=1"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_sign_in_only_returns_to_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_parameters_convert_or_name_themselves() -> None:
    assert Param("n", "integer", low=1, high=5).convert("3") == 3
    with pytest.raises(BadRequest, match="n=9 is out of range"):
        Param("n", "integer", low=1, high=5).convert("9")
    assert Param("b", "boolean").convert("TRUE") is True
    with pytest.raises(BadRequest, match="x=nan is not a number"):
        Param("x", "number").convert("nan")
    assert Param("c", "crash_id").convert("bp-2A24B0B5-6236-496F-8004-924A20261126:rules") == (
        "2a24b0b5-6236-496f-8004-924a20261126"
    )
    with pytest.raises(BadRequest, match="NUL"):
        Param("s").convert("a\x00b")


def test_openapi_lists_every_endpoint_once() -> None:
    doc = openapi()
    operations = [(path, method) for path, item in doc["paths"].items() for method in item]
    assert len(operations) == len(ENDPOINTS) == len(set(operations))
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_password_hashes_are_argon2_and_salted() -> None:
    a, b = accounts.hash_password("secret words"), accounts.hash_password("secret words")
    assert a.startswith("$argon2id$") and a != b
    assert accounts.verify_password(a, "secret words") and not accounts.verify_password(a, "Secret words")
    assert not accounts.verify_password("", "") and not accounts.verify_password("garbage", "x")


def test_signed_in_viewers_do_not_share_cached_pages() -> None:
    one = Viewer("a@example.org", frozenset({"view_pii"}), user_id=1)
    two = Viewer("b@example.org", frozenset({"view_pii"}), user_id=2)
    token = Viewer("a@example.org", frozenset({"view_pii"}), user_id=1, token_id=5)
    assert len({one.cache_class, two.cache_class, token.cache_class}) == 3
    assert token.cache_class == Viewer("x", frozenset({"view_pii"})).cache_class  # JSON only: by permissions
    promoted = Viewer("a@example.org", frozenset({"view_pii", "view_rawdump"}), user_id=1)
    assert promoted.cache_class != one.cache_class


COUNT_HASHES = """
import argon2
made = []
hash_ = argon2.PasswordHasher.hash
argon2.PasswordHasher.hash = lambda self, *a, **k: made.append(1) or hash_(self, *a, **k)
import {module}
print(len(made))
"""


@pytest.mark.parametrize(("module", "hashes"), [("pyapp.cli.main", 0), ("web.account_pages", 1)])
def test_the_dummy_hash_is_made_by_the_sign_in_pages_only(module: str, hashes: int) -> None:
    """Each crashstats command and processor worker used to pay an argon2 hash (~0.6 s of CPU,
    64 MB) at import; the web's sign-in pages make it when they load, before any sign-in."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT_HASHES.format(module=module)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [str(hashes)]
    assert not accounts.verify_password(accounts._dummy_hash(), "not the password")
