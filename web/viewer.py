"""Who is looking: the viewer of a request and what they may see.

Every page asks ``request.viewer.has_perm("view_pii")`` (Socorro's permission names:
``view_pii``, ``view_rawdump``, ``view_exploitability``, ...). Today every visitor is
:data:`ANONYMOUS`, who holds no permission; the people/admin issue plugs accounts, groups and
API tokens into :func:`viewer_for` and nothing else changes.
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

    @property
    def is_anonymous(self) -> bool:
        return self.name == "anonymous" and not self.permissions and not self.is_superuser

    def has_perm(self, permission: str) -> bool:
        """Whether this viewer holds ``permission`` (a superuser holds every one)."""
        return self.is_superuser or permission.removeprefix("crashstats.") in self.permissions

    def permission_list(self) -> list[str]:
        """The permissions to hand to SQL (super_search's p_permissions)."""
        return sorted(self.permissions)

    @property
    def cache_class(self) -> str:
        """Viewers who see the same data share cached pages: a key part naming what they may see."""
        if self.is_superuser:
            return "super"
        if not self.permissions:
            return "anon"
        return "p" + hashlib.sha1(",".join(sorted(self.permissions)).encode()).hexdigest()[:12]


ANONYMOUS = Viewer()


def viewer_for(environ: dict[str, Any]) -> Viewer:
    """The viewer of a request. Without accounts (issue 9) everyone is anonymous."""
    return ANONYMOUS
