"""The request's Settings tab: redirects, timeouts, the time and size limits, TLS,
HTTP/2, the cookie jar and UTF-8 header values, read into and from `Options`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from ...core.model import Options, Timeouts


class OptionsForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        # Controls at their natural width, not stretched across the window.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.follow = QCheckBox("Follow redirects", objectName="followRedirects",
                                accessibleName="Follow redirects", checked=True)
        self.max_redirects = QSpinBox(objectName="maxRedirects",
                                      accessibleName="Maximum redirects")
        self.max_redirects.setRange(0, 100)
        self.max_redirects.setValue(20)
        self.timeout = QDoubleSpinBox(objectName="timeout", accessibleName="Timeout in seconds")
        self.timeout.setRange(0, 3600)
        self.timeout.setDecimals(1)
        self.timeout.setValue(30)
        self.timeout.setSuffix(" s")
        self.timeout.setSpecialValueText("none")
        self.max_time = QDoubleSpinBox(objectName="maxTime",
                                       accessibleName="Time limit for the whole exchange")
        self.max_time.setRange(0, 86400)
        self.max_time.setDecimals(1)
        self.max_time.setValue(300)
        self.max_time.setSuffix(" s")
        self.max_time.setSpecialValueText("none")
        self.max_time.setToolTip("The whole exchange, every redirect and body included, "
                                 "stops after this long; what came is kept")
        self.max_body = QSpinBox(objectName="maxBodySize",
                                 accessibleName="Maximum response body size in megabytes")
        # Up to a terabyte: never "none", so that no server can fill the disk.
        self.max_body.setRange(1, 1 << 20)
        self.max_body.setValue(1024)
        self.max_body.setSuffix(" MB")
        self.max_body.setToolTip("A larger body (decoded or not) stops there; what came "
                                 "is kept")
        self._loaded_size: tuple[int, int | None] = (1024, 1 << 30)

        self._loaded_timeouts = Timeouts()
        self.verify = QCheckBox("Verify the server's TLS certificate", objectName="verifyTls",
                                accessibleName="Verify TLS certificate", checked=True)
        self.http2 = QCheckBox("Offer HTTP/2 (over TLS)", objectName="http2",
                               accessibleName="Offer HTTP/2")
        self.cookie_jar = QCheckBox("Send and keep cookies in the cookie jar",
                                    objectName="useCookieJar", checked=True,
                                    accessibleName="Use the cookie jar")
        self.cookie_jar.setToolTip("Off: this request neither sends the jar's cookies "
                                   "nor keeps the ones it is given (Cookies… manages the jar)")
        form.addRow(self.follow)
        form.addRow("Maximum redirects:", self.max_redirects)
        form.addRow("Timeout (connect, read, write):", self.timeout)
        form.addRow("Max time (whole exchange):", self.max_time)
        form.addRow("Max body size:", self.max_body)
        form.addRow(self.verify)
        form.addRow(self.http2)
        form.addRow(self.cookie_jar)
        self.utf8_headers = QCheckBox("Send header values as UTF-8", objectName="utf8Headers",
                                      accessibleName="Send header values as UTF-8")
        self.utf8_headers.setToolTip("Header values beyond ASCII go as UTF-8 bytes "
                                     "(Content-Disposition parameters as RFC 8187 "
                                     "name*=UTF-8''…); off: such a value is refused")
        form.addRow(self.utf8_headers)
        for box in (self.follow, self.verify, self.http2, self.cookie_jar, self.utf8_headers):
            box.toggled.connect(self.changed)
        self.max_redirects.valueChanged.connect(self.changed)
        self.timeout.valueChanged.connect(self.changed)
        self.max_time.valueChanged.connect(self.changed)
        self.max_body.valueChanged.connect(self.changed)

    def _max_body_bytes(self) -> int | None:
        # A size set in a file (no whole number of megabytes, or none) is kept as it
        # came until the box is changed.
        shown, size = self._loaded_size
        return size if shown == self.max_body.value() else self.max_body.value() << 20

    def options(self) -> Options:
        seconds = self.timeout.value() or None
        # The box shows one number; the timeouts as loaded (the defaults: 10/30/30/10)
        # are kept until it is changed, so a save never writes them out.
        loaded = self._loaded_timeouts
        timeouts = loaded if seconds == loaded.read else Timeouts.all(seconds)
        return Options(timeouts=timeouts, follow_redirects=self.follow.isChecked(),
                       max_redirects=self.max_redirects.value(),
                       verify_tls=self.verify.isChecked(), http2=self.http2.isChecked(),
                       max_time=self.max_time.value() or None,
                       max_body_size=self._max_body_bytes(),
                       use_cookie_jar=self.cookie_jar.isChecked(),
                       utf8_headers=self.utf8_headers.isChecked())

    def set_options(self, options: Options) -> None:
        size = options.max_body_size
        self.max_body.setValue(-(-size // (1 << 20)) if size is not None
                               else self.max_body.maximum())
        self._loaded_size = (self.max_body.value(), size)
        self.max_time.setValue(options.max_time or 0)
        self.follow.setChecked(options.follow_redirects)
        self.max_redirects.setValue(options.max_redirects)
        self._loaded_timeouts = options.timeouts
        self.timeout.setValue(options.timeouts.read or 0)
        self.verify.setChecked(options.verify_tls)
        self.http2.setChecked(options.http2)
        self.cookie_jar.setChecked(options.use_cookie_jar)
        self.utf8_headers.setChecked(options.utf8_headers)
