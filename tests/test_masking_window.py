"""Copy as curl and Sent requests from the window: nothing of the request as resolved."""

import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt

from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec
from gui.core.storage.history import SentRequests
from tests.secret_forms import leaks


def test_copy_as_curl_and_sent_requests_hold_no_secret(qtbot, window, httpbin_url):
    token = "tok-en/+ s3cret"
    url = f"{httpbin_url}/redirect-to?url=/anything&status_code=307"
    window.editor.set_spec(RequestSpec(
        "POST", url, body=Body(BodyKind.RAW, text=f"token={token}", content_type="text/plain"),
        auth=AuthConfig("bearer", {"token": token})))
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=30000)
    assert window.last_exchange.response.status == 200

    curl = window.response.curl()
    assert curl.startswith(f"curl -L '{url}' ") and "--data-raw 'token=****'" in curl, curl
    assert "-H 'Authorization: Bearer ****'" in curl and not leaks(curl, [token])

    store = SentRequests()  # the data folder's, as the window's
    qtbot.waitUntil(lambda: store.path.exists() and store.count() == 1, timeout=10000)
    with closing(sqlite3.connect(store.path)) as db:
        dump = "\n".join(db.iterdump())
    assert "/redirect-to?url=/anything" in dump and not leaks(dump, [token])
