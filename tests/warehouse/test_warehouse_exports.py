from __future__ import annotations

import fenghuang.warehouse as wh


def test_public_names() -> None:
    assert len(set(wh.__all__)) == len(wh.__all__)
    for name in [
        "firm_facts",
        "firm_register",
        "years",
        "fact_lineage",
        "list_imports",
        "quarantine",
        "import_files",
        "correct_fact",
        "set_confirmation",
        "Store",
    ]:
        assert name in wh.__all__ and hasattr(wh, name)
