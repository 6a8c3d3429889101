"""Firms that share a parcel, scored as one unit where the method says so.

With ``combine_shared_parcels = true`` in the method file and the year's
parcels passed to :func:`~fenghuang.evaluation.evaluate`, firms linked by a
shared parcel (a parcel row with ``share`` below 1, or one parcel used by
several firms) form one unit, transitively (connected components of the
firm–parcel graph). Every numeric firm-year fact of a unit's firms is summed
(missing counts as 0; missing if all are) and each firm of the unit is
evaluated on those sums: the unit's tax per mu, value added per tce … Each
firm keeps its own register fields and flags (pool, accidents, exemption),
stays one row of the results and counts once in its pool's shares.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from fenghuang.facts import FIRM_YEAR_FIELDS

__all__ = ["combine_shared_parcels"]

_SUMMED = [
    name
    for name, f in FIRM_YEAR_FIELDS.items()
    if f.dtype in ("float64", "int64") and name not in ("year",)
]


def combine_shared_parcels(
    facts: pa.Table, parcels: pa.Table, log: list[dict[str, Any]]
) -> tuple[pa.Table, np.ndarray[Any, np.dtype[np.intp]]]:
    """Facts with each shared-parcel unit's sums in its firms' rows, and the unit of each firm.

    Returns
    -------
    facts : pyarrow.Table
        Same rows and columns; summed fields replaced for combined firms.
    unit : ndarray of int, shape (n_firms,)
        The unit index of each firm; -1 for a firm not combined.
    """
    n = facts.num_rows
    unit = np.full(n, -1, dtype=np.intp)
    if n == 0 or parcels.num_rows == 0:
        log.append({"step": "combine_shared_parcels", "units": 0, "firms": 0})
        return facts, unit
    codes = np.asarray(facts.column("credit_code").to_numpy(zero_copy_only=False)).astype(str)
    order = np.argsort(codes, kind="stable")
    pc = np.asarray(parcels.column("credit_code").to_numpy(zero_copy_only=False)).astype(str)
    pid = np.asarray(parcels.column("parcel_id").to_numpy(zero_copy_only=False)).astype(str)
    share = (
        parcels.column("share").cast(pa.float64()).fill_null(1.0).to_numpy(zero_copy_only=False)
        if "share" in parcels.column_names
        else np.ones(parcels.num_rows)
    )
    pos = np.minimum(np.searchsorted(codes[order], pc), n - 1)
    firm = order[pos]
    ok = codes[firm] == pc
    pkeys, pidx = np.unique(pid, return_inverse=True)
    users = np.bincount(pidx[ok], minlength=pkeys.size)
    shared = ok & ((share < 1.0) | (users[pidx] > 1))
    if not shared.any():
        log.append({"step": "combine_shared_parcels", "units": 0, "firms": 0})
        return facts, unit
    f, p = firm[shared], pidx[shared]
    # firms × parcels incidence; firms linked through any parcel are one component
    inc = coo_matrix((np.ones(f.size), (f, p)), shape=(n, pkeys.size)).tocsr()
    adj = inc @ inc.T
    _, comp = connected_components(adj, directed=False)
    involved = np.zeros(n, dtype=bool)
    involved[f] = True
    sizes = np.bincount(comp[involved], minlength=comp.max() + 1)
    member = involved & (sizes[comp] > 1)
    _, unit_m = np.unique(comp[member], return_inverse=True)
    unit[member] = unit_m
    k = int(unit_m.max()) + 1 if unit_m.size else 0
    out = facts
    for name in _SUMMED:
        if name not in facts.column_names:
            continue
        col = facts.column(name)
        v = col.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False).copy()
        vm = v[member]
        s = np.bincount(unit_m, weights=np.nan_to_num(vm, nan=0.0), minlength=k)
        c = np.bincount(unit_m, weights=(~np.isnan(vm)).astype(float), minlength=k)
        v[member] = np.where(c[unit_m] > 0, s[unit_m], np.nan)
        arr = pa.array(v, pa.float64(), mask=np.isnan(v)).cast(col.type)
        out = out.set_column(out.column_names.index(name), name, arr)
    log.append(
        {
            "step": "combine_shared_parcels",
            "units": k,
            "firms": int(member.sum()),
            "summed": [c for c in _SUMMED if c in facts.column_names],
        }
    )
    return out, unit
