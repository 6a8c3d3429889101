"""The ``[policies]`` part of a method file: differentiated prices and measures by class.

Placeholder: the policy work fills in the models (surcharges on power,
water, gas and sewage; consecutive-year escalation; quotas and priorities;
incentives and restrictions). A method file's ``policies`` table is parsed
into :class:`PolicySet`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["PolicySet"]


class PolicySet(BaseModel):
    """All differentiated policies of a method (empty: none)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
