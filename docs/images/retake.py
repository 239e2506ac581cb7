"""Retake the README's screenshots from the real window on an X server.

    Xvfb :95 -screen 0 1280x800x24 &
    export DISPLAY=:95 QT_QPA_PLATFORM=xcb
    .venv/bin/python docs/images/retake.py light docs/images/window.png
    .venv/bin/python docs/images/retake.py dark docs/images/window-dark.png

Needs the test set-up (`sh resources/setup.sh test`: httpbin) and ImageMagick's
`import`. A demo collection is written to a temporary folder, its "Digest after
redirect" request sent to a local httpbin, and the Timeline's 401 hop shown scrolled to
its parsed challenge. The keychain is an in-memory one: nothing reaches the user's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSplitter

from gui.core.collections import manage as col
from gui.core.model import AuthConfig, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.widgets import theme
from gui.widgets.icons import app_icon
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring
from tests.servers import httpbin_server

#: How far the hop's sections are scrolled: the challenge at the top.
SCROLL = 525


def main(mode: str, out: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="gatepost-shots-"))
    os.environ.setdefault("GATEPOST_DATA_DIR", str(work / "data"))
    keychain = MemoryKeyring()
    with httpbin_server() as url:
        c = col.new_collection(work / "demo", "Demo API")
        auth = col.new_folder(c.root, "Auth")
        col.new_request(auth, "Check headers", RequestSpec(method="HEAD", url=f"{url}/headers"))
        digest = col.new_request(auth, "Digest after redirect", RequestSpec(
            url=f"{url}/redirect-to?url=/digest-auth/auth/user/passwd",
            auth=AuthConfig("digest", {"username": "user", "password": "passwd"})))
        col.save_request(digest, SecretStore(keychain))
        col.new_request(auth, "Lock resource", RequestSpec(method="PROPFIND",
                                                           url=f"{url}/anything"))
        col.new_request(auth, "Preflight", RequestSpec(method="OPTIONS", url=f"{url}/anything"))
        for method, name in (("POST", "Create user"), ("DELETE", "Delete user"),
                             ("GET", "List users"), ("PUT", "Replace user"),
                             ("PATCH", "Update email")):
            col.new_request(c.root, name, RequestSpec(method=method,
                                                      url=f"{url}/anything/users"))
        app = QApplication(sys.argv[:1])
        app.setDesktopFileName("gatepost")
        theme.apply(app, mode)
        app.setWindowIcon(app_icon())
        w = MainWindow(None, store=SecretStore(keychain))
        w.setGeometry(0, 0, 1280, 800)
        w.show()
        opened = w.open_collection(str(c.path))
        requests = {r.name: r for r in opened.requests()}
        for name in ("List users", "Create user", "Digest after redirect"):
            w.open_request(requests[name])
        w.sidebar.tree.setCurrentItem(w.sidebar.item_for(requests["Digest after redirect"]))

        def send() -> None:
            w.send()
            QTimer.singleShot(2500, arrange)

        def arrange() -> None:
            w.response.tabs.setCurrentWidget(w.response.timeline)
            w.response.hops.selectRow(1)
            w.split.setSizes([290, 990])
            w.tab._splitter.setSizes([165, 600])
            w.response.timeline.findChild(QSplitter, "historySplitter").setSizes([160, 400])
            QTimer.singleShot(300, lambda: w.response.hop_detail.verticalScrollBar()
                              .setValue(SCROLL))
            QTimer.singleShot(900, shoot)

        def shoot() -> None:
            subprocess.run(["import", "-display", os.environ["DISPLAY"], "-window", "root",
                            "-crop", "1280x800+0+0", "+repage", out], check=True)
            app.quit()

        QTimer.singleShot(1000, send)
        app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
