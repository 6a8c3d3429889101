"""fenghuang.monitor."""

__all__: list[str] = []
