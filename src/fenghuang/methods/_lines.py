r"""Map TOML key paths to ``(line, column)`` with a light scan of the text.

:mod:`tomllib` keeps no positions, so the loader scans the text once: table
headers (``[a.b]``, ``[[a.b]]`` with per-array counters), ``key = value``
lines (dotted keys included) and the values of arrays and inline tables,
also when an array spans several lines (``indicators = [`` then one
``{ indicator = "gdp", … }`` per line): each element is numbered and each
key of an inline table is mapped. The result maps a key path such as
``("pools", 0, "items", 2, "weight")`` or
``("pillars", 1, "dimensions", 0, "indicators", 2, "kind")`` to the 1-based
line and column where that key (or array element) is written.

Examples
--------
>>> lines = key_lines('[meta]\nname = "x"\n[[p]]\nv = [\n  { a = 1 },\n  { a = 2, b = 3 },\n]\n')
>>> lines[("meta", "name")], lines[("p", 0, "v", 1)], lines[("p", 0, "v", 1, "b")]
((2, 1), (6, 3), (6, 12))
>>> locate(lines, ("p", 0, "v", 1, "b", "deeper"))
(('p', 0, 'v', 1, 'b'), (6, 12))
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["KeyPath", "key_lines", "locate"]

KeyPath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_BARE_KEY = re.compile(r"""([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")


class _Values:
    """Scan array and inline-table values, possibly over several lines."""

    def __init__(self, out: dict[KeyPath, tuple[int, int]]) -> None:
        self.out = out
        # frames: [kind, path, next index or pending key path]
        self.stack: list[tuple[str, KeyPath, list[Any]]] = []

    @property
    def open(self) -> bool:
        return bool(self.stack)

    def start(self, path: KeyPath, text: str, lineno: int, offset: int) -> None:
        """``text`` is what follows ``key =`` (at column ``offset`` + 1) on its line."""
        i = len(text) - len(text.lstrip())
        if i < len(text) and text[i] in "[{":
            self.stack.append(("array" if text[i] == "[" else "table", path, [0, None]))
            self.feed(text[i + 1 :], lineno, offset + i + 1)

    def feed(self, text: str, lineno: int, offset: int = 0) -> None:
        i, n = 0, len(text)
        while i < n and self.stack:
            ch = text[i]
            kind, path, st = self.stack[-1]
            if ch in " \t\r":
                i += 1
            elif ch == "#":
                return
            elif ch in "]}":
                self.stack.pop()
                i += 1
            elif ch == ",":
                if kind == "array":
                    st[0] += 1
                else:
                    st[1] = None
                i += 1
            elif kind == "table" and st[1] is None:
                m = _BARE_KEY.match(text, i)
                if not m:
                    i += 1
                    continue
                key = m.group(1).strip("\"'")
                kpath: KeyPath = (*path, key)
                st[1] = kpath
                self.out.setdefault(kpath, (lineno, offset + i + 1))
                i = m.end()
            else:
                vpath: KeyPath = (*path, st[0]) if kind == "array" else st[1]
                if kind == "array":
                    self.out.setdefault(vpath, (lineno, offset + i + 1))
                if ch in "[{":
                    self.stack.append(("array" if ch == "[" else "table", vpath, [0, None]))
                    i += 1
                elif ch in "\"'":
                    end = text.find(ch, i + 1)
                    while end > 0 and ch == '"' and text[end - 1] == "\\":
                        end = text.find(ch, end + 1)
                    i = n if end < 0 else end + 1
                else:
                    while i < n and text[i] not in ",]}#":
                        i += 1


def _split(dotted: str) -> list[str]:
    return [
        p.strip().strip("\"'")
        for p in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", dotted)
    ]


def key_lines(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Every key path written in ``text`` with its (line, column), both 1-based."""
    out: dict[KeyPath, tuple[int, int]] = {}
    counters: dict[tuple[str, ...], int] = {}
    arrays: dict[tuple[str, ...], KeyPath] = {}  # array name -> path of its current element
    current: KeyPath = ()
    in_multiline = False
    values = _Values(out)
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if values.open:
            values.feed(line, lineno)
            continue
        if in_multiline:
            if '"""' in line or "'''" in line:
                in_multiline = False
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _HEADER.match(line)
        if m and "=" not in stripped.split("]")[0]:
            names = tuple(_split(m.group(2)))
            # resolve a prefix that is an array of tables to its current element
            path: list[str | int] = []
            for i in range(1, len(names) + 1):
                pre = names[:i]
                if i < len(names) and pre in arrays:
                    path = list(arrays[pre])
                else:
                    path.append(names[i - 1])
            if m.group(1) == "[[":
                idx = counters.get(names, 0)
                counters[names] = idx + 1
                # a new element resets counters of arrays nested in it
                for key in [
                    k for k in counters if len(k) > len(names) and k[: len(names)] == names
                ]:
                    del counters[key]
                path.append(idx)
                arrays[names] = tuple(path)
            current = tuple(path)
            out.setdefault(current, (lineno, line.index(m.group(2)) + 1))
            continue
        k = _KEY.match(line)
        if k:
            keys = _split(k.group(2))
            col = len(k.group(1)) + 1
            out.setdefault((*current, *keys), (lineno, col))
            rest = line[k.end() :]
            if rest.count('"""') == 1 or rest.count("'''") == 1:
                in_multiline = True
            else:
                values.start((*current, *keys), rest, lineno, k.end())
    return out


def locate(
    lines: dict[KeyPath, tuple[int, int]], path: KeyPath
) -> tuple[KeyPath, tuple[int, int] | None]:
    """The longest prefix of ``path`` that is written in the text, with its position."""
    for end in range(len(path), 0, -1):
        pre = path[:end]
        if pre in lines:
            return pre, lines[pre]
    return (), None
