"""Map TOML key paths to ``(line, column)`` with a light scan of the text.

:mod:`tomllib` keeps no positions, so the loader scans the text once: table
headers (``[a.b]``, ``[[a.b]]`` with per-array counters), ``key = value``
lines (dotted keys included) and the keys of one-line inline tables. The
result maps a key path such as ``("pools", 0, "items", 2, "weight")`` to the
1-based line and column where that key is written.
"""

from __future__ import annotations

import re

__all__ = ["KeyPath", "key_lines", "locate"]

KeyPath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+)\s*=""")


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
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw
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
            if "{" in rest:
                base = (*current, *keys)
                for im in _INLINE_KEY.finditer(rest):
                    out.setdefault((*base, im.group(1)), (lineno, k.end() + im.start(1) + 1))
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
