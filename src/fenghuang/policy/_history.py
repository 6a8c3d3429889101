"""Consecutive years in one class (for escalating surcharges such as gas for D)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import InputError
from fenghuang.policy._classes import as_string_array

__all__ = ["align_classes", "consecutive_d_years"]


def consecutive_d_years(
    current_classes: object,
    earlier_classes_by_year: Mapping[int, object],
    *,
    year: int | None = None,
    label: str = "D",
) -> npt.NDArray[np.int64]:
    """Number of consecutive years in class ``label`` ending this year, per firm.

    Parameters
    ----------
    current_classes : sequence of str or None, shape (n_firms,)
        This year's final classes.
    earlier_classes_by_year : mapping of int to sequence of str or None
        Earlier years' classes, each aligned with ``current_classes`` (None
        where the firm was not evaluated that year; see :func:`align_classes`).
    year : int, optional
        This year. Counting goes back ``year - 1``, ``year - 2`` … and stops
        at the first year not in the mapping; without ``year`` it starts at
        the latest year given.
    label : str
        The class counted (default ``"D"``).

    Returns
    -------
    ndarray of int64, shape (n_firms,)
        0 for a firm not in ``label`` this year; 1 for its first year; k for k
        consecutive years. A year in another class, or not evaluated, ends
        the run.

    Examples
    --------
    >>> consecutive_d_years(["D", "D", "C", "D"], {2022: ["D", "C", "D", None],
    ...                                            2021: ["D", "D", "D", "D"]})
    array([3, 1, 0, 1])
    """
    cur = as_string_array(current_classes, name="current_classes")
    n = len(cur)
    alive = pc.fill_null(pc.equal(cur, label), False).to_numpy(zero_copy_only=False).astype(bool)
    count: npt.NDArray[np.int64] = alive.astype(np.int64)
    if not earlier_classes_by_year:
        return count
    y = (year - 1) if year is not None else max(earlier_classes_by_year)
    while y in earlier_classes_by_year and alive.any():
        arr = as_string_array(earlier_classes_by_year[y], name=f"earlier_classes_by_year[{y}]")
        if len(arr) != n:
            raise InputError(
                "E-POLICY-INPUT",
                zh=f"{y} 年的类别数（{len(arr)}）与本年企业数（{n}）不一致",
                en=f"year {y} has {len(arr)} classes for {n} firms this year",
                field=f"earlier_classes_by_year[{y}]",
                hint_zh="先用 align_classes 按信用代码对齐",
                hint_en="align them by credit code with align_classes first",
            )
        same = pc.fill_null(pc.equal(arr, label), False).to_numpy(zero_copy_only=False)
        alive &= same.astype(bool)
        count += alive
        y -= 1
    return count


def align_classes(codes: object, other_codes: object, other_classes: object) -> pa.Array:
    """Another year's classes re-ordered to ``codes`` (null for firms not in it).

    Parameters
    ----------
    codes : sequence of str, shape (n_firms,)
        This year's credit codes.
    other_codes, other_classes : sequence of str, shape (m,)
        Another run's credit codes and final classes.

    Returns
    -------
    pyarrow.StringArray, shape (n_firms,)
    """
    here = as_string_array(codes, name="codes")
    there = as_string_array(other_codes, name="other_codes")
    cls = as_string_array(other_classes, name="other_classes")
    idx = pc.index_in(here, value_set=there)
    return cls.take(idx)
