"""The floor: a bare PySide6 QMainWindow, probed exactly like gatepost (gui/_bench.py)."""

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def rss_kib() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.painted)
        return False

    def painted(self):
        print("painted", flush=True)
        if os.environ.get("GATEPOST_BENCH_STARTUP") == "idle":
            QTimer.singleShot(1500, self.idle)
        else:
            app.quit()

    def idle(self):
        print(f"rss {rss_kib()}", flush=True)
        app.quit()


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 800)  # as the main window
if os.environ.get("GATEPOST_BENCH_STARTUP"):  # benchmarks/startup.py; desktop.py watches
    probe = FirstPaint()
    window.installEventFilter(probe)
window.show()
app.exec()
