"""gui/deferred.py: the one list of modules kept off the start-up path."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from gui import deferred

ROOT = Path(__file__).resolve().parents[1]


def test_every_name_imports_its_module():
    for name, path in deferred._MODULES.items():
        module = getattr(deferred, name)
        assert module is importlib.import_module(path)
        assert vars(deferred)[name] is module  # later uses are plain lookups


def test_each_module_is_listed_once():
    assert len(set(deferred._MODULES.values())) == len(deferred._MODULES)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_module"):
        deferred.no_such_module  # noqa: B018


def test_importing_it_imports_none_of_them():
    code = ("import sys, gui.deferred as d\n"
            "print([p for p in d._MODULES.values() if p in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_type_checkers_see_the_same_modules():
    tree = ast.parse((ROOT / "gui" / "deferred.py").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {a.asname: f"{n.module}.{a.name}" if isinstance(n, ast.ImportFrom) else a.name
            for n in block.body for a in n.names}
    assert seen == deferred._MODULES
