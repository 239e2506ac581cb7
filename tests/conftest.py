import gc
import os

# Before anything imports Qt: with no display, pytest-qt would abort the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from gui.core.http.engine import Engine
from tests.servers import httpbin_server, oddities_server, silent_server

pytest_plugins = ["tests.secret_service", "tests.oidc_fixture", "tests.kerberos_fixture",
                  "tests.keys"]


@pytest.fixture(autouse=True, scope="session")
def collect_on_the_main_thread():
    """As the app does (gui/gcguard.py): no cyclic collection in server or worker
    threads, where it would destroy Qt objects off the GUI thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True, scope="session")
def _close_the_window_engine():
    """The window's engine lives for the process; close its connections at the end."""
    yield
    from gui import worker

    if worker._engine is not None:
        worker._engine.close()
        worker._engine = None


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A modal dialog offscreen waits for a click that never comes: answer every one
    with its safe choice (Discard, Cancel, nothing chosen). A test that expects a dialog
    patches it itself, after this fixture."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    safe = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: safe)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder: nothing touches the user's files."""
    path = tmp_path / "gatepost-data"
    monkeypatch.setenv("GATEPOST_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def httpbin_url():
    with httpbin_server() as url:
        yield url


@pytest.fixture
def silent_url():
    with silent_server() as url:
        yield url


@pytest.fixture
def engine():
    with Engine() as e:
        yield e


@pytest.fixture(scope="session")
def tls_ca():
    import trustme

    return trustme.CA()


@pytest.fixture
def tls_context(tls_ca):
    """A client context that trusts the test CA (proxies and tunnels to TLS servers)."""
    import ssl

    context = ssl.create_default_context()
    tls_ca.configure_trust(context)
    return context


@pytest.fixture(scope="session")
def tls_url(tls_ca):
    """httpbin over TLS with a throw-away certificate for 127.0.0.1 and localhost."""
    import ssl

    cert = tls_ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    with httpbin_server(ssl_context=context) as url:
        yield url


@pytest.fixture(scope="session")
def odd_url():
    with oddities_server() as url:
        yield url


@pytest.fixture
def window(qtbot):
    """A main window that keeps nothing across restarts, shown offscreen."""
    from gui.widgets.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    if w.job is not None:
        w.cancel()


@pytest.fixture
def echo_unmasked(monkeypatch):
    """For tests that check what a server received by reading httpbin's echo of the
    request: the record masks a secret that comes back in a response body
    (gui/core/http/hops.py), so the echo would only say `****`."""
    from gui.core.http import hops

    monkeypatch.setattr(hops, "MASKED_BODY_LIMIT", -1)
