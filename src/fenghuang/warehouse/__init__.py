"""fenghuang.warehouse."""

__all__: list[str] = []
