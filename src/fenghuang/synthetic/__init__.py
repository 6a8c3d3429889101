"""fenghuang.synthetic."""

__all__: list[str] = []
