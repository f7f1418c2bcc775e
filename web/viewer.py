"""Who is looking: the viewer of a request and what they may see.

Every page asks ``viewer.has_perm("view_pii")`` (Socorro's permission names, the
``auth_permissions`` table: ``view_pii``, ``view_rawdump``, ``view_exploitability``,
``view_flash_exploitability``, ``run_custom_queries``, ``run_long_queries``, ``upload_symbols``,
``view_all_symbol_uploads``, ``reprocess_crashes``, plus ``manage_releases`` and
``manage_skiplist``). :class:`web.auth.AuthMiddleware` builds each request's viewer from the
session cookie or the ``Auth-Token`` header and :func:`viewer_for` hands it to the pages;
without either the viewer is :data:`ANONYMOUS`, who holds no permission.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Viewer:
    """A person (or API token) and the permissions they hold."""

    name: str = "anonymous"
    permissions: frozenset[str] = field(default_factory=frozenset)
    is_superuser: bool = False
    #: the account (None: anonymous)
    user_id: int | None = None
    #: the API token the request came with (None: a browser session or anonymous)
    token_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.permissions and not self.is_superuser

    def has_perm(self, permission: str) -> bool:
        """Whether this viewer holds ``permission`` (a superuser holds every one)."""
        return self.is_superuser or permission.removeprefix("crashstats.") in self.permissions

    def permission_list(self) -> list[str]:
        """The permissions to hand to SQL (super_search's p_permissions)."""
        return sorted(self.permissions)

    @property
    def cache_class(self) -> str:
        """Viewers who see the same data share cached pages: a key part naming what they may see."""
        digest = hashlib.sha1(",".join(sorted(self.permissions)).encode()).hexdigest()[:12]
        if self.user_id is not None and self.token_id is None:
            # pages show who is signed in: one class per user (and their permissions)
            return f"u{self.user_id}{'s' if self.is_superuser else ''}p{digest}"
        if self.is_superuser:
            return "super"
        if not self.permissions:
            return "anon"
        return "p" + digest


ANONYMOUS = Viewer()


def viewer_for(environ: dict[str, Any]) -> Viewer:
    """The viewer of a request, as :class:`web.auth.AuthMiddleware` found it (anonymous when the
    request did not pass through it)."""
    return environ.get("crashstats.viewer", ANONYMOUS)
