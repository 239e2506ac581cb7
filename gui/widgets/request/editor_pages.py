"""The request editor's pages that are built when first needed: the Headers table (and
the headers Gatepost adds under it), the Body editor and the Settings form.

Every widget under the application's style sheet costs start-up time and, in each open
tab, memory (about 20 KiB each, issue 17); these pages are not on screen when a tab
opens, so until one is needed the request's values wait in `_pending_*` and `spec()`
returns them as they came.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ... import deferred
from ...core.model import Row
from ..kvtable import KeyValueTable
from ..rowtable import VALUE
from .options_form import OptionsForm

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QScrollArea, QWidget

    from ...core.model import Body, Options
    from .added_headers import AddedHeaders
    from .body_editor import BodyEditor


class LazyPages:
    """Mixed into RequestEditor, whose __init__ sets the fields named here."""

    _headers: KeyValueTable | None
    _pending_headers: list[Row]
    _body: BodyEditor | None
    _pending_body: Body
    _body_page: QWidget
    _options: OptionsForm | None
    _pending_options: Options | None
    _settings_page: QScrollArea
    _headers_page: QWidget
    _marked: bool
    _omit: list[str]
    added_headers: AddedHeaders | None
    scope_provider: Any
    edited: SignalInstance

    @property
    def headers(self) -> KeyValueTable:
        """The Headers tab's table, built on first use with the rows it was given."""
        if self._headers is None:
            table = self._headers = KeyValueTable("headersTable", "Headers")
            table.set_rows(self._pending_headers)
            self._headers_page.layout().insertWidget(0, table, 2)
            table.edited.connect(self._update_counts)
            table.edited.connect(self._mark_variables)
            table.edited.connect(self.edited)
            if self._marked:
                table.mark_variables(self.scope_provider() if self.scope_provider else {})
        return self._headers

    def _header_rows(self) -> list[Row]:
        if self._headers is not None:
            return self._headers.rows()
        return [replace(row) for row in self._pending_headers]

    @property
    def body(self) -> BodyEditor:
        """The Body tab's editor, built on first use."""
        if self._body is None:
            body = self._body = deferred.body_editor.BodyEditor()
            body.set_body(self._pending_body)
            self._body_page.layout().addWidget(body)
            body.edited.connect(self._update_counts)
            body.problem.connect(self.show_problems)
            body.edited.connect(self._mark_variables)
            body.edited.connect(self.edited)
            if self._marked:
                body.mark_variables(self.scope_provider() if self.scope_provider else {})
        return self._body

    @property
    def options(self) -> OptionsForm:
        """The Settings tab's form, built on first use with the options it was given."""
        if self._options is None:
            form = self._options = OptionsForm()
            form.setObjectName("optionsForm")
            if self._pending_options is not None:
                form.set_options(self._pending_options)
            self._settings_page.setWidget(form)
            form.changed.connect(self.edited)
        return self._options

    def _show_added(self) -> AddedHeaders:
        """The headers Gatepost adds, under the table, built on first use."""
        self.headers  # noqa: B018 - the table over it is built first
        if self.added_headers is None:
            self.added_headers = deferred.added_headers.AddedHeaders(
                self.spec, lambda: self.scope_provider() if self.scope_provider else {})
            self._headers_page.layout().addWidget(self.added_headers, 3)
            self.added_headers.show()
            self.edited.connect(self.added_headers.schedule)
            self.added_headers.send_toggled.connect(self._send_added)
            self.added_headers.override_requested.connect(self._override_added)
        return self.added_headers

    def _send_added(self, name: str, send: bool) -> None:
        omit = [n for n in self._omit if n != name]
        self._omit = omit if send else [*omit, name]
        self.edited.emit()

    def _override_added(self, name: str, value: str) -> None:
        """A row of that name to type into, its value selected: sent instead of the
        added one (http/build.py: a typed header replaces a default of its name)."""
        self.headers.set_rows([*self.headers.rows(), Row(name, value)])
        self.headers.edited.emit()
        row = len(self.headers.rows()) - 1
        self.headers.setFocus()
        self.headers.setCurrentCell(row, VALUE)
        self.headers.editItem(self.headers.item(row, VALUE))
