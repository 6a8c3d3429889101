from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenghuang.sources import (
    CHARSET,
    credit_check_char,
    credit_code_checks,
    credit_code_problem,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)

# Published codes of real firms (check characters verified by hand against the standard).
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L"]

body = st.text(alphabet=CHARSET, min_size=9, max_size=9).map(lambda s: "91360300" + s)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None
    assert make_credit_code(code[:17]) == code


def test_hand_computed_check_character() -> None:
    # 9 1 3 5 0 1 0 0 M(21) 0 0 0 1 0 0 Y(30) 4 with weights 1,3,9,…:
    # Σ = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3
    assert credit_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y44", "E-ROW-CREDIT-CODE-CHECK"),
        ("91110000600037341M", "E-ROW-CREDIT-CODE-CHECK"),
        ("91350100M000100Y4", "E-ROW-CREDIT-CODE-FORMAT"),  # 17 characters
        ("91350100M000100Y433", "E-ROW-CREDIT-CODE-FORMAT"),
        ("91350100I000100Y43", "E-ROW-CREDIT-CODE-FORMAT"),  # I is not allowed
        ("913501O0M000100Y43", "E-ROW-CREDIT-CODE-FORMAT"),  # letter in the division code
        ("", "E-ROW-CREDIT-CODE-FORMAT"),
    ],
)
def test_bad_codes(code: str, problem: str) -> None:
    assert credit_code_problem(code) == problem


def test_normalisation_accepts_full_width_and_lower_case() -> None:
    assert is_valid_credit_code(" ９１３５０１００m０００１００y４３ ")
    assert normalize_credit_code("９１ab") == "91AB"


@given(body)
def test_generated_codes_are_valid(b: str) -> None:
    code = make_credit_code(b)
    assert len(code) == 18 and code.startswith(b)
    assert credit_code_problem(code) is None


@given(body, st.integers(0, 17), st.sampled_from(CHARSET))
def test_every_single_substitution_is_caught(b: str, pos: int, ch: str) -> None:
    code = make_credit_code(b)
    mutated = code[:pos] + ch + code[pos + 1 :]
    if mutated == code:
        return
    assert credit_code_problem(mutated) is not None


@given(body, st.integers(0, 16))
def test_adjacent_transpositions_are_caught(b: str, pos: int) -> None:
    code = make_credit_code(b)
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    if swapped == code:
        return
    assert credit_code_problem(swapped) is not None


def test_make_credit_code_refuses_bad_bodies() -> None:
    with pytest.raises(ValueError):
        make_credit_code("91350100M000100")
    with pytest.raises(ValueError):
        make_credit_code("91350100M000100YO")


def test_a_trailing_newline_is_no_valid_code() -> None:
    # re.match with "$" accepted "…43\n"; the SQL and vectorised checks never did
    assert credit_code_problem("91350100M000100Y43\n") == "E-ROW-CREDIT-CODE-FORMAT"


_near_codes = st.one_of(
    body.map(make_credit_code),  # valid
    # any last character: the right one about once in 31 (what the SQL test of the
    # check character, removed with that SQL, covered)
    st.tuples(body, st.sampled_from(CHARSET)).map(lambda t: make_credit_code(t[0])[:17] + t[1]),
    st.text(alphabet=CHARSET + "IOSVZa1０ 中\n", min_size=16, max_size=19),
    st.text(max_size=20),  # anything, multi-byte characters included
)


@settings(deadline=None)  # the first pa.array of a process imports pandas (seconds)
@given(st.lists(st.one_of(st.none(), _near_codes), max_size=40))
def test_vectorised_checks_equal_the_scalar_check(codes: list[str | None]) -> None:
    arr = pa.array(codes, pa.string())
    # sliced: an array with an offset into its buffers reads the right codes
    for a, part in ((arr, codes), (arr.slice(1), codes[1:])):
        fmt, good = credit_code_checks(a)
        want = [None if c is None else credit_code_problem(c) for c in part]
        assert fmt.tolist() == [
            c is not None and w != "E-ROW-CREDIT-CODE-FORMAT"
            for c, w in zip(part, want, strict=True)
        ]
        assert good.tolist() == [
            c is not None and w is None for c, w in zip(part, want, strict=True)
        ]


def test_vectorised_checks_of_chunked_and_empty_arrays() -> None:
    chunked = pa.chunked_array([["91350100M000100Y43"], ["91350100M000100Y44", None]])
    fmt, good = credit_code_checks(chunked)
    assert fmt.tolist() == [True, True, False]
    assert good.tolist() == [True, False, False]
    fmt, good = credit_code_checks(pa.array([], pa.string()))
    assert fmt.size == good.size == 0
