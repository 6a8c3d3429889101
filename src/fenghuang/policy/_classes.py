"""Which class's policies each firm gets (own class, ``treat_as`` or the not-rated rule).

Vectorised: the work per firm is one dictionary encoding; the rules run once
per distinct (class, rated) pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fenghuang.errors import InputError
from fenghuang.methods._policy import PolicySet

__all__ = ["PolicyClasses", "as_string_array", "credit_codes", "policy_classes", "require_column"]


def as_string_array(values: object, *, name: str) -> pa.Array:
    """Class labels (list, numpy array, Arrow array or chunked array) as one Arrow string array."""
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks()
    elif isinstance(values, pa.Array):
        arr = values
    else:
        try:
            arr = pa.array(list(values) if not isinstance(values, np.ndarray) else values)  # type: ignore[call-overload]
        except (TypeError, pa.ArrowException) as exc:
            raise InputError(
                "E-POLICY-INPUT",
                zh=f"{name} 须为类别标签序列",
                en=f"{name} must be a sequence of class labels",
                field=name,
            ) from exc
    if pa.types.is_null(arr.type):
        arr = arr.cast(pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise InputError(
            "E-POLICY-INPUT",
            zh=f"{name} 须为文本类别标签，实际为 {arr.type}",
            en=f"{name} must hold text class labels, got {arr.type}",
            field=name,
        )
    return arr


def require_column(
    table: pa.Table,
    name: str,
    *,
    code: str = "E-POLICY-INPUT",
    zh_table: str = "评价结果",
    en_table: str = "results",
) -> pa.ChunkedArray:
    """``table``'s column ``name``, or an :class:`InputError` naming the missing column."""
    if name not in table.column_names:
        raise InputError(
            code,
            zh=f"{zh_table}缺少 {name} 列",
            en=f"{en_table} have no {name} column",
            field=name,
        )
    return table.column(name)


def credit_codes(results: pa.Table) -> pa.Array:
    """The results' ``credit_code`` column as one string array (null as ``""``)."""
    column = require_column(results, "credit_code")
    return pc.fill_null(as_string_array(column, name="credit_code"), "")


@dataclass(frozen=True)
class PolicyClasses:
    """Per firm, the class whose policies apply.

    Attributes
    ----------
    group : ndarray of int64, shape (n_firms,)
        Index into ``label`` / ``prefix_zh`` / ``prefix_en``.
    label : list of str
        Per group, the class whose policies apply (``""``: none).
    original : list of str
        Per group, the firm's own ``class_final`` (``""`` when null).
    prefix_zh, prefix_en : list of str
        Per group, why another class applies (``""`` when it is the firm's own).
    """

    group: npt.NDArray[np.int64]
    label: list[str]
    original: list[str]
    prefix_zh: list[str]
    prefix_en: list[str]

    def firm_labels(self) -> pa.Array:
        """The applying class per firm, as an Arrow string array."""
        return pa.array(self.label, pa.string()).take(pa.array(self.group))

    def groups_of(self, labels: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Per firm, whether its applying class is one of ``labels``."""
        hit = np.array([lab in labels and lab != "" for lab in self.label], dtype=bool)
        return hit[self.group] if len(hit) else np.zeros(len(self.group), dtype=bool)


def policy_classes(results: pa.Table, policies: PolicySet) -> PolicyClasses:
    """The class whose policies apply to each firm of ``results``.

    Parameters
    ----------
    results : pyarrow.Table
        With ``class_final`` and optionally ``rated`` (missing: all rated).
    policies : PolicySet

    Returns
    -------
    PolicyClasses
    """
    column = require_column(results, "class_final")
    cls = pc.fill_null(as_string_array(column, name="class_final"), "")
    enc = pc.dictionary_encode(cls)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = [str(v) for v in enc.dictionary.to_pylist()]
    if "rated" in results.column_names:
        rated = pc.fill_null(results.column("rated"), True).to_numpy(zero_copy_only=False)
        not_rated = ~rated.astype(bool)
    else:
        not_rated = np.zeros(len(codes), dtype=bool)
    group = codes * 2 + not_rated.astype(np.int64)
    label, original, pzh, pen = [], [], [], []
    for g in range(2 * len(values)):
        own = values[g // 2]
        unrated = bool(g % 2)
        original.append(own)
        if own in policies.treat_as:
            eff = policies.treat_as[own]
            if unrated:
                pzh.append(policies.not_rated_zh or f"不定等级，参照{eff}类")
                pen.append(policies.not_rated_en or f"not rated, treated as class {eff}")
            else:
                pzh.append(f"{own}类参照{eff}类")
                pen.append(f"class {own} treated as class {eff}")
        elif unrated and policies.not_rated:
            eff = policies.not_rated
            pzh.append(policies.not_rated_zh or f"不定等级，参照{eff}类")
            pen.append(policies.not_rated_en or f"not rated, treated as class {eff}")
        elif unrated:
            eff = ""
            pzh.append("不定等级，不适用差别化政策")
            pen.append("not rated, no differentiated policy")
        else:
            eff = own
            pzh.append("")
            pen.append("")
        label.append(eff)
    return PolicyClasses(group, label, original, pzh, pen)
