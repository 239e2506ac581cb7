"""gui/core/deferred.py: the core's one list of modules kept off its callers' start-up."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from gui.core import deferred

ROOT = Path(__file__).resolve().parents[1]
#: Optional extras (pyproject's optional-dependencies): listed, maybe not installed.
EXTRAS = ("spnego", "httpx_gssapi", "gssapi", "requests")


def test_every_name_imports_its_module():
    for name, path in deferred._MODULES.items():
        if path.split(".")[0] in EXTRAS and not deferred.optional(path.split(".")[0]):
            continue
        module = getattr(deferred, name)
        assert module is importlib.import_module(path)
        assert vars(deferred)[name] is module  # later uses are plain lookups


def test_each_module_is_listed_once():
    assert len(set(deferred._MODULES.values())) == len(deferred._MODULES)


def test_it_lists_no_module_outside_the_core():
    # gui/deferred.py lists the widgets; a type checker over gui/core must not reach them.
    outside = [p for p in deferred._MODULES.values()
               if p.split(".")[0] == "gui" and not p.startswith("gui.core.")]
    assert outside == []


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_module"):
        deferred.no_such_module  # noqa: B018


def test_optional_says_whether_an_extra_is_installed_without_importing_it():
    assert deferred.optional("json")
    assert not deferred.optional("no_such_extra_module")


def test_importing_it_imports_none_of_them():
    code = ("import sys, gui.core.deferred as d\n"
            "print([p for p in d._MODULES.values() if p in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_type_checkers_see_the_same_modules():
    tree = ast.parse((ROOT / "gui" / "core" / "deferred.py").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {a.asname: f"{n.module}.{a.name}" if isinstance(n, ast.ImportFrom) else a.name
            for n in block.body if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names}
    assert seen == deferred._MODULES
