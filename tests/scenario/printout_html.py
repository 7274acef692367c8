"""Reading the printout's HTML back in tests: blocks (sections) with their rows' cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r'<section class="(\w+)">\s*<h2>(.*?)</h2>(.*?)</section>', re.S)
_ROW = re.compile(r'<tr class="(line|summary)">(.*?)</tr>', re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


@dataclass(frozen=True)
class Block:
    mode: str
    title: str
    rows: list[list[str]]


def blocks(html: str) -> list[Block]:
    """Each printed section in order, its rows as lists of cell texts."""
    return [
        Block(mode, title, [_CELL.findall(row) for _, row in _ROW.findall(body)])
        for mode, title, body in _BLOCK.findall(html)
    ]


def cell(html: str, css_class: str) -> str:
    """The text of the one element with ``css_class`` (totals, header fields)."""
    found = re.findall(rf'class="(?:[^"]*\s)?{css_class}(?:\s[^"]*)?">(.*?)<', html, re.S)
    assert len(found) == 1, f"{css_class}: {found}"
    return str(found[0])


def footer(html: str) -> str:
    match = re.search(r"<footer>(.*?)</footer>", html, re.S)
    assert match is not None
    return match.group(1)
