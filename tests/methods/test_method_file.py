"""Both method kinds share one base (MethodFile): text, sha256, file and name, nothing else.

The base adds no field, so what a run records does not move: a firm run
stores the file's SHA-256, a city-index run hashes ``model_dump_json()``.
Both are pinned here for every shipped file. Editing a shipped method file
changes its hashes on purpose (a new method version); update the pins then.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib

import pydantic
import pytest

from fenghuang.methods import (
    CityIndexMethod,
    Method,
    list_methods,
    load_method,
    method_sha256,
    method_text,
    parse_method,
)
from fenghuang.methods._base import MethodFile

# name: (sha256 of the file, sha256 of model_dump_json())
PINNED = {
    "four-dimension": (
        "18be438cc3d1a534aa76e31feb7792824162be50895a9d2299707e38dff02ff2",
        "a6c3139f282c6dc3c03c07e1e5ac146f20875f5db43c032cb03e97368dd0e5d5",
    ),
    "huaian": (
        "d20da676c48b29d020fe61310b4e6fe8bf2fb9f5a7253a76dccac868e436dd2f",
        "f2163842fd0c4246893cb021aa3eba8d70bfe1d810cc870c524c9b43dddc3609",
    ),
    "huangyan-2022": (
        "93c374893c0604ac57ef17a16b54754a6ce318dffe9abfd482e6a7063aacb677",
        "b4f4e0fcbf8445c07212cdf4a31f95c29e2ebd02099474395276e76274f6a876",
    ),
    "jingde": (
        "1c09adababdcc7364dc900c240cfa199fdc73a038bb330c7ccad4ac3e01912ab",
        "7524923b4b1c2386613b94043870f10768b57c17131f07e6a144f56d785dd22a",
    ),
    "kaihua-2014": (
        "e858a3948ea2639a356a2e5244bfab72c14c1b992ba814af209523cab810c7a4",
        "643f2069a0496e949f07a5c3fd8cfd2eaaefac8dda7f75818700eb622561c255",
    ),
    "pingxiang-4heroes": (
        "f37d608e3eb3f1518aec1d195e3a817301cd890f8ef91560b6ab22074b597b0b",
        "01f38236e47623beea16a52fd4b1aa7bd0e684c344c9f92f3e2fb01efa49fb32",
    ),
    "pressure-capacity": (
        "62fb8ef0d42804377600b05208144b61226e618269a78afeb0dee2a5fcb76734",
        "fe3958a504c169c0f4dc9241ab1f07f00f0af1e4989b8fa813aaa387ea380b18",
    ),
    "zhejiang-2018": (
        "aff3f26bcbe189d71cb9fde322cbf0240b9126fac8d26ed89970d770ea623533",
        "c4373528d170f00c733ad02262ac43e36e61fd8b67cc075e1f812d0a2b1a95c8",
    ),
}


def test_every_shipped_method_is_pinned() -> None:
    assert {m.name for m in list_methods(None)} == set(PINNED)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_hashes_recorded_by_runs_are_unchanged(name: str) -> None:
    m = load_method(name, kind=None)
    file_hash, dump_hash = PINNED[name]
    assert m.sha256 == method_sha256(name) == file_hash
    assert hashlib.sha256(m.text.encode("utf-8")).hexdigest() == file_hash
    assert hashlib.sha256(m.model_dump_json().encode()).hexdigest() == dump_hash


@pytest.mark.parametrize(("name", "cls"), [("jingde", Method), ("four-dimension", CityIndexMethod)])
def test_both_kinds_share_the_base_and_keep_their_own_fields(
    name: str, cls: type[MethodFile]
) -> None:
    m = load_method(name, kind=None)
    assert isinstance(m, cls) and isinstance(m, MethodFile)
    assert cls.__pydantic_complete__  # no model_rebuild needed
    assert list(cls.model_fields)[:2] == ["kind", "meta"]  # the base adds no field
    assert not set(MethodFile.model_fields)
    assert (m.name, m.text, m.file) == (name, method_text(name), str(m.file))
    assert m.file.endswith(f"{name}.toml")
    dump = m.model_dump()
    assert not {"text", "sha256", "file", "_text", "_sha256", "_file"} & set(dump)
    copy = m.model_copy()
    assert (copy.text, copy.sha256, copy.file) == (m.text, m.sha256, m.file)
    # a model validated directly (not through the loader) has no file behind it
    bare = cls.model_validate(tomllib.loads(method_text(name)))
    assert (bare.name, bare.text, bare.sha256, bare.file) == (name, "", "", "")
    assert bare.model_dump() == dump


def test_the_text_is_read_only_and_parse_method_names_the_file() -> None:
    m = parse_method(method_text("kaihua-2014"), file="stored-with-run-42")
    assert m.file == "stored-with-run-42" and m.name == "kaihua-2014"
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        m.text = "x"  # type: ignore[misc]
    assert m.text == method_text("kaihua-2014")


def test_the_city_index_schema_imports_and_validates_alone() -> None:
    # The shared base names Meta only for the type checker: a fresh interpreter that imports
    # the city-index schema first validates without resolving any forward reference.
    code = (
        "import tomllib\n"
        "from fenghuang.methods._index_schema import CityIndexMethod\n"
        "from fenghuang.methods import method_text\n"
        "m = CityIndexMethod.model_validate(tomllib.loads(method_text('pressure-capacity')))\n"
        "print(m.name, m.sha256 == '')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["pressure-capacity", "True"]
