"""gui/core must run without Qt: in the CLI, in CI, on a machine with no display."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "gui" / "core"


def test_no_core_module_imports_qt():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in
                          ("PySide6", "shiboken6", "PyQt5", "PyQt6")]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [".".join(("gui", "core", *p.relative_to(CORE).with_suffix("").parts))
               for p in CORE.rglob("*.py") if p.stem != "__init__"]
    code = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names_resolve():
    import gui.core

    for name in gui.core.__all__:
        assert getattr(gui.core, name) is not None
