"""The warehouse: an embedded DuckDB store with versioned schema."""

from fenghuang.warehouse._store import Store, default_store_path

__all__ = ["Store", "default_store_path"]
