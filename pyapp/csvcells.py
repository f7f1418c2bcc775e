"""CSV cells a spreadsheet shows as text: every CSV crashstats writes (the site's CSV twins,
``crashstats symbols missing``) passes its text cells through :func:`neutralise_formula`, so a
value sent by a crash reporter (an annotation, a comment, a module name) cannot run as a
formula when the file is opened (OWASP's "CSV injection")."""

from __future__ import annotations

import re

#: a cell a spreadsheet would read as a formula starts with one of these (OWASP's list)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it without evaluating it: a leading ``'`` before a
    value starting ``=``, ``+``, ``-``, ``@``, tab or CR (a plain number such as ``-3.5`` stays)."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
