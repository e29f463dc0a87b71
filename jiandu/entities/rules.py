"""Hard rules applied after scoring: they hold whatever the model's weights say.

Masked names (张某, 李某1, 王××) are never linked on the name alone. A probabilistic link with a
masked mention on either side is kept only when, besides a compatible surname,

* both birth dates are known and equal, and
* both sexes are known and equal, **or** both districts are known and equal.

`masked_link_allowed` is the one place that says so; the clustering step calls it for every
probabilistic pair that involves a masked mention, so a high match weight cannot bypass it.
Reviewer judgements (``same``) are the only way to link a masked mention without this evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

MASKED_RULE = "masked_rule"


def surname_compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal surnames, or a masked surname (欧) that starts the other's full name (欧阳娜)."""
    sa, sb = a.get("surname"), b.get("surname")
    if not sa or not sb:
        return False
    if sa == sb:
        return True
    name_a, name_b = a.get("normalized_name") or "", b.get("normalized_name") or ""
    return bool((a.get("masked") and name_b.startswith(sa)) or (b.get("masked") and name_a.startswith(sb)))


def _known_equal(a: Mapping[str, Any], b: Mapping[str, Any], column: str) -> bool:
    va, vb = a.get(column), b.get(column)
    return va is not None and vb is not None and va == vb


def masked_link_allowed(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when a pair may be linked probabilistically under the masked-name rule.

    Pairs with no masked side are always allowed here (the threshold decides).
    """
    if not (a.get("masked") or b.get("masked")):
        return True
    return (
        surname_compatible(a, b)
        and _known_equal(a, b, "birth_date")
        and (_known_equal(a, b, "sex") or _known_equal(a, b, "district"))
    )


def masked_rule(mentions: pa.Table, left: pa.Array, right: pa.Array) -> npt.NDArray[np.bool_]:
    """`masked_link_allowed` for many pairs at once: mention rows ``left[i]`` and ``right[i]``.

    Vectorised with Arrow; pairs whose surnames differ fall back to `surname_compatible`.
    """
    def side(column: str, idx: pa.Array) -> pa.Array:
        return pc.take(mentions.column(column), idx)

    def known_equal(column: str) -> pa.Array:
        return pc.fill_null(pc.equal(side(column, left), side(column, right)), False)

    masked_l, masked_r = side("masked", left), side("masked", right)
    any_masked = pc.fill_null(pc.or_(masked_l, masked_r), False)
    evidence = pc.and_(known_equal("birth_date"),
                       pc.or_(known_equal("sex"), known_equal("district")))
    same_surname = known_equal("surname")
    rule = pc.fill_null(pc.or_(pc.invert(any_masked), pc.and_(evidence, same_surname)), False)
    allowed = rule.to_numpy(zero_copy_only=False).astype(bool)
    check = pc.and_(pc.and_(any_masked, evidence), pc.invert(same_surname))
    todo = pc.indices_nonzero(check).to_pylist()
    if todo:  # only these pairs become Python values
        columns = ("masked", "surname", "normalized_name")
        picked = pa.array(todo, pa.int64())
        rows_l = {c: side(c, pc.take(left, picked)).to_pylist() for c in columns}
        rows_r = {c: side(c, pc.take(right, picked)).to_pylist() for c in columns}
        for k, i in enumerate(todo):
            a = {c: rows_l[c][k] for c in columns}
            b = {c: rows_r[c][k] for c in columns}
            allowed[i] = surname_compatible(a, b)
    return allowed
