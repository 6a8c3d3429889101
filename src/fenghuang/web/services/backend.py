"""The seam to the other parts: evaluation runs, warehouse facts, reports.

The web application reads results only through the public functions of
:mod:`fenghuang.evaluation`, :mod:`fenghuang.warehouse` and
:mod:`fenghuang.reports`. This module looks them up by name (so a missing one
gives a clear error instead of an import failure at start-up) and turns what
they return — Arrow tables, data frames, dataclasses, pydantic models or
dicts — into plain dict rows for the services.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fenghuang.errors import FenghuangError

__all__ = ["api", "call", "has_api", "pick", "record", "records", "run_id_of", "table_of"]


def has_api(module: str, name: str) -> bool:
    """Whether ``fenghuang.<module>`` exports ``name``."""
    try:
        mod = importlib.import_module(f"fenghuang.{module}")
    except ImportError:
        return False
    return callable(getattr(mod, name, None))


def api(module: str, name: str) -> Callable[..., Any]:
    """The public function ``fenghuang.<module>.<name>``.

    Raises
    ------
    FenghuangError
        ``E-WEB-NOT-AVAILABLE`` when that part does not provide it.
    """
    mod = importlib.import_module(f"fenghuang.{module}")
    fn = getattr(mod, name, None)
    if not callable(fn):
        raise FenghuangError(
            "E-WEB-NOT-AVAILABLE",
            zh=f"功能尚未提供：fenghuang.{module}.{name}",
            en=f"not available: fenghuang.{module}.{name}",
        )
    return fn  # type: ignore[no-any-return]


def record(obj: Any) -> dict[str, Any]:
    """One object as a dict (dataclass, pydantic model, mapping, or attributes)."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        out: dict[str, Any] = dump()
        return out
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def records(obj: Any) -> list[dict[str, Any]]:
    """Rows as dicts from an Arrow table, a data frame or an iterable of records."""
    if obj is None:
        return []
    to_pylist = getattr(obj, "to_pylist", None)
    if callable(to_pylist):  # pyarrow.Table / RecordBatch
        rows: list[dict[str, Any]] = to_pylist()
        return rows
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict) and hasattr(obj, "columns"):  # pandas.DataFrame
        frame_rows: list[dict[str, Any]] = to_dict(orient="records")
        return frame_rows
    if isinstance(obj, Mapping):
        return [dict(obj)]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        return [record(x) for x in obj]
    return [record(obj)]


def pick(row: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    """The first of ``names`` present (and not None) in ``row``."""
    for name in names:
        v = row.get(name)
        if v is not None:
            return v
    return default


def call(fn: Callable[..., Any], *args: Any, **candidates: Any) -> Any:
    """Call ``fn`` with ``args`` and those ``candidates`` it accepts by name.

    Lets the web layer pass everything it knows (``actor=``, ``reason=`` …)
    to a public function whose exact keyword set may differ between parts.
    """
    import inspect

    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(*args, **candidates)
    return fn(*args, **{k: v for k, v in candidates.items() if k in params})


def run_id_of(result: Any) -> str:
    """The run id from what ``run_evaluation`` returned (an id or a run object)."""
    rid = getattr(result, "run_id", None)
    if rid is None and isinstance(result, Mapping):
        rid = result.get("run_id")
    return str(rid if rid is not None else result)


def table_of(result: Any, *names: str) -> Any:
    """The table inside a result object (its first attribute among ``names``), or the result."""
    for name in names:
        inner = result.get(name) if isinstance(result, Mapping) else getattr(result, name, None)
        if inner is not None:
            return inner
    return result
