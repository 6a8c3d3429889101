"""The [policies] of every shipped method file: valid, cited, and naming known classes."""

from __future__ import annotations

import pytest

import fenghuang.methods as methods
from fenghuang.errors import MethodError

MARK = "# --- policies: filled in by the policy work ---"
NAMES = [m.name for m in methods.list_methods()]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_policies(name: str) -> None:
    text = methods.method_text(name)
    m = methods.load_method(name)
    p = m.policies
    assert "[policies]" in text.partition(MARK)[2], f"{name}: no [policies] after the mark"
    assert not p.is_empty()
    # the policy tables come after the mark only
    assert "[policies" not in text.partition(MARK)[0]
    known = set(m.classes.labels) | {r.label for r in m.not_rated}
    assert p.unknown_labels(known) == []
    # every not-rated label either maps to a class or gets no policy on purpose
    for label in {r.label for r in m.not_rated}:
        assert label in p.treat_as or label == "T" or p.not_rated
    # a reconstruction's policies are never presented as a city's official figures
    statuses = {s.source.status for s in p.surcharges.values()}
    statuses |= {x.source.status for x in p.priorities.values()}
    statuses |= {x.source.status for x in (*p.rewards, *p.measures)}
    if m.meta.reconstruction:
        assert statuses <= {"reconstruction", "example"}
    for s in p.surcharges.values():
        assert s.source.document or s.source.status != "official"
        assert s.source.note_zh  # says what the rate is in words


def test_policy_error_in_a_method_file_names_line_and_key_path() -> None:
    text = methods.method_text("huangyan-2022")
    head, mark, tail = text.partition(MARK)
    bad = tail.replace("rates = { C = 0.10, D = 0.30 }", "rates = { C = 0.10, D = -0.30 }", 1)
    assert bad != tail
    with pytest.raises(MethodError) as err:
        methods.parse_method(head + mark + bad, file="hy.toml")
    hit = [e for e in err.value.errors if e["path"] == "policies.surcharges.electricity.rates.D"]
    assert len(hit) == 1
    line = hit[0]["line"]
    assert "D = -0.30" in (head + mark + bad).splitlines()[line - 1]
    assert hit[0]["where"].startswith(f"hy.toml:{line}:")
