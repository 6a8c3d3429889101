from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenghuang.sources import normalize_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("萍乡市（江西）安源陶瓷有限公司", "萍乡市(江西)安源陶瓷有限公司"),
        ("萍乡市（江西）安源陶瓷有限公司", "萍乡市江西安源陶瓷有限公司"),
        ("安源陶瓷有限责任公司", "安源陶瓷有限公司"),
        ("安源 陶瓷 有限公司", "安源陶瓷有限公司"),
        ("ＡＢＣ化工有限公司", "abc化工有限公司"),
        ("安源陶瓷【萍乡】有限公司", "安源陶瓷(萍乡)有限公司"),
        ("\u3000安源陶瓷有限公司\t", "安源陶瓷有限公司"),
    ],
)
def test_variants_share_one_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("安源陶瓷股份有限公司", "安源陶瓷有限公司"),
        ("安源陶瓷有限公司芦溪分公司", "安源陶瓷有限公司"),
        ("安源陶瓷有限公司", "安源电瓷有限公司"),
    ],
)
def test_different_firms_stay_apart(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


def test_blank() -> None:
    assert normalize_name(None) == "" and normalize_name("") == ""


@given(st.text(max_size=40))
def test_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once
