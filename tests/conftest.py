import gc
import os

# Before anything imports Qt: with no display, pytest-qt would abort the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from gui.core.engine import Engine
from tests.servers import httpbin_server, oddities_server, silent_server

pytest_plugins = ["tests.secret_service"]


@pytest.fixture(autouse=True, scope="session")
def collect_on_the_main_thread():
    """As the app does (gui/gcguard.py): no cyclic collection in server or worker
    threads, where it would destroy Qt objects off the GUI thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    gc.collect()


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
