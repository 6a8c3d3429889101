"""fenghuang.sources."""

__all__: list[str] = []
