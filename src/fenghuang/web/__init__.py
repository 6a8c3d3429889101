"""fenghuang.web."""

__all__: list[str] = []
