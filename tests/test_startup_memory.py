"""What the window loads before it is needed costs memory for as long as it runs
(docs/benchmarks.md): each test runs a fresh interpreter and checks that a piece stays
out until it is used."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(code: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=120).stdout


def test_pyside_feature_check_keeps_no_module_source(tmp_path: Path) -> None:
    # PySide6 reads the source of each module imported after it into linecache; with the
    # check replaced, a module is still told apart by whether it mentions PySide6.
    (tmp_path / "plain_mod.py").write_text("X = 1\n" * 2000)
    (tmp_path / "qt_mod.py").write_text("from PySide6.QtCore import QObject\n")
    out = run(f"""
        import sys, linecache
        sys.path.insert(0, {str(tmp_path)!r})
        from PySide6.QtWidgets import QApplication
        from gui import qtsource
        assert qtsource.install()
        import plain_mod, qt_mod
        import shibokensupport.feature as feature
        print(any("plain_mod" in f for f in linecache.cache),
              feature.pyside_feature_dict.get("plain_mod"),
              feature.pyside_feature_dict.get("qt_mod"))
    """)
    assert out.split() == ["False", "-1", "0"]


def test_opening_a_collection_does_not_load_the_yaml_writer(tmp_path: Path) -> None:
    path = tmp_path / "c"
    run("from gui.core.collections.manage import new_collection; "
        f"new_collection({str(path)!r}, 'C')")
    out = run(f"""
        import sys
        from gui.core.collections.manage import open_collection
        collection, problems = open_collection({str(path)!r})
        print(collection.name, not problems, "ruamel.yaml" in sys.modules)
    """)
    assert out.split() == ["C", "True", "False"]  # reading needs libyaml alone
