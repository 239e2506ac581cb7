"""Gatepost in the desktop's application menu: resources/gatepost.desktop, and what
`sh resources/setup.sh app` does with it (its install_desktop_entry, run on its own here:
the whole script installs packages)."""

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "resources" / "gatepost.desktop"


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_entry_names_the_program_and_our_icon():
    e = entry(ENTRY)
    assert e["Type"] == "Application" and e["Name"] == "Gatepost"
    assert e["Icon"] == "gatepost" and e["Terminal"] == "false"
    # The window says it is gatepost.desktop (gui/app.py), so the task bar matches them.
    assert e["StartupWMClass"] == "gatepost"
    assert "Development;" in e["Categories"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils is not installed")
def test_the_entry_is_valid():
    result = subprocess.run(["desktop-file-validate", str(ENTRY)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def install(tmp_path: Path, make_applications: bool) -> subprocess.CompletedProcess:
    script = (ROOT / "resources" / "setup.sh").read_text()
    start = script.index("install_desktop_entry() {")
    function = script[start:script.index("\n}\n", start) + 3]
    home = tmp_path / "home"
    (home / ".local" / "share").mkdir(parents=True)
    if make_applications:
        (home / ".local" / "share" / "applications").mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["sh", "-euc", function + "install_desktop_entry"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)


def test_setup_installs_the_entry_with_this_checkouts_program(tmp_path):
    result = install(tmp_path, True)
    assert result.returncode == 0, result.stderr
    data = tmp_path / "home" / ".local" / "share"
    installed = entry(data / "applications" / "gatepost.desktop")
    assert installed["Exec"] == f'"{ROOT}/.venv/bin/gatepost"'
    assert installed["TryExec"] == f"{ROOT}/.venv/bin/gatepost"
    assert installed["Icon"] == "gatepost"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "gatepost.svg"
    assert icon.read_bytes() == (ROOT / "gui" / "resources" / "gatepost.svg").read_bytes()
    assert "delete both to remove it" in result.stderr
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate",
                                str(data / "applications" / "gatepost.desktop")],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout


def test_setup_leaves_a_machine_without_a_desktop_alone(tmp_path):
    result = install(tmp_path, False)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "home" / ".local" / "share").iterdir()) == []
