"""fenghuang.policy."""

__all__: list[str] = []
