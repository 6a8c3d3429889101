"""fenghuang.evaluation."""

__all__: list[str] = []
