"""The HTML check every page goes through: a strict HTML5 parse (html5lib raises on any parse
error), ``<meta charset="utf-8">``, no script and no event-handler attribute anywhere (so no
user data became markup), no private-data marker, and the internal links it holds."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import html5lib

from pyapp.demo.model import PII_MARKER


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse(text: str) -> Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)


def check_page(text: str) -> tuple[Element, list[str]]:
    """Parse and check a page; returns the tree and its internal links (href/src/action)."""
    tree = parse(text)
    metas = [m for m in tree.iter() if local(m.tag) == "meta" and m.get("charset")]
    assert [m.get("charset").lower() for m in metas] == ["utf-8"], "exactly one <meta charset=utf-8>"
    found: list[str] = []
    for element in tree.iter():
        name = local(element.tag)
        assert name != "script", "a script element in the page"
        for attribute, value in element.attrib.items():
            assert not local(attribute).lower().startswith("on"), f"event handler attribute {attribute}"
            if local(attribute) in ("href", "src", "action") and value.startswith("/"):
                found.append(value)
    assert PII_MARKER not in text, "private data in the page"
    return tree, found


def texts(tree: Element) -> str:
    """All text of the page (entities decoded)."""
    return " ".join(t for t in tree.itertext())
