"""Cookies…: the cookie jars, by domain. Add, edit, delete one, clear a domain or all.

One jar for the requests outside collections and one per open collection (by its
keychain namespace). A jar is read from disk (and its key from the keychain) in a worker
thread, and written the same way after each change; the change itself is in memory, so
the list answers at once. Sends in flight keep using the same jar object.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import tasks
from ...core.http.cookiejar import CookieJar
from ...core.http.cookierules import Cookie, ascii_host, problem

if TYPE_CHECKING:
    from ...core.storage.cookiestore import JarStore

COLUMNS = ["Domain / name", "Value", "Path", "Expires", "Secure", "HttpOnly", "SameSite",
           "Subdomains"]
ROLE = Qt.ItemDataRole.UserRole


#: Loads and saves of jars, one at a time and in order (gui/tasks.py).
LANE = "cookies"


def _expiry(cookie: Cookie) -> str:
    if cookie.expires is None:
        return "session (kept until deleted)"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(cookie.expires))


class CookieEditor(QDialog):
    """One cookie's fields; OK only when the cookie can be kept (core.http.cookierules.problem)."""

    def __init__(self, cookie: Cookie | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit cookie" if cookie else "Add cookie")
        self.setObjectName("cookieEditor")
        self._original = cookie
        cookie = cookie or Cookie("", "", "", "/")
        form = QFormLayout(self)
        self.name = QLineEdit(cookie.name, objectName="cookieName", accessibleName="Name")
        self.value = QLineEdit(cookie.value, objectName="cookieValue", accessibleName="Value")
        self.domain = QLineEdit(cookie.domain, objectName="cookieDomain",
                                accessibleName="Domain")
        self.subdomains = QCheckBox("Also sent to its subdomains", objectName="cookieSubdomains",
                                    checked=not cookie.host_only)
        self.path = QLineEdit(cookie.path, objectName="cookiePath", accessibleName="Path")
        self.session = QCheckBox("Session cookie (no expiry)", objectName="cookieSession",
                                 checked=cookie.expires is None)
        self.expires = QDateTimeEdit(objectName="cookieExpires", accessibleName="Expires")
        self.expires.setCalendarPopup(True)
        self.expires.setDateTime(QDateTime.fromSecsSinceEpoch(int(
            cookie.expires if cookie.expires is not None else time.time() + 86400)))
        self.expires.setEnabled(cookie.expires is not None)
        self.session.toggled.connect(lambda on: self.expires.setEnabled(not on))
        self.secure = QCheckBox("Secure (https, and this machine, only)",
                                objectName="cookieSecure", checked=cookie.secure)
        self.http_only = QCheckBox("HttpOnly", objectName="cookieHttpOnly",
                                   checked=cookie.http_only)
        self.same_site = QComboBox(objectName="cookieSameSite", accessibleName="SameSite")
        self.same_site.addItems(["(not set)", "Strict", "Lax", "None"])
        self.same_site.setCurrentText(cookie.same_site or "(not set)")
        for label, widget in (("Name:", self.name), ("Value:", self.value),
                              ("Domain:", self.domain), ("", self.subdomains),
                              ("Path:", self.path), ("", self.session),
                              ("Expires:", self.expires), ("", self.secure),
                              ("", self.http_only), ("SameSite:", self.same_site)):
            form.addRow(label, widget)
        self.problem = QLabel(objectName="cookieProblem", wordWrap=True)
        self.problem.setProperty("tone", "error")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for edit in (self.name, self.value, self.domain, self.path):
            edit.textChanged.connect(self._check)
        self._check()

    def cookie(self) -> Cookie:
        now = time.time()
        same_site = self.same_site.currentText()
        return Cookie(
            name=self.name.text().strip(), value=self.value.text(),
            domain=ascii_host(self.domain.text().lstrip(".")) or self.domain.text().strip(),
            path=self.path.text().strip() or "/", host_only=not self.subdomains.isChecked(),
            secure=self.secure.isChecked(), http_only=self.http_only.isChecked(),
            same_site="" if same_site.startswith("(") else same_site,
            expires=None if self.session.isChecked() else float(
                self.expires.dateTime().toSecsSinceEpoch()),
            created=self._original.created if self._original else now, last_access=now)

    def _check(self) -> None:
        why = problem(self.cookie())
        self.problem.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    def accept(self) -> None:
        if problem(self.cookie()) is None:
            super().accept()


class CookiesDialog(QDialog):
    """`jars` are (label, namespace) pairs, the first shown first."""

    def __init__(self, store: JarStore, jars: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cookies")
        self.setObjectName("cookiesDialog")
        self.resize(900, 520)
        self._store = store
        self.jar: CookieJar | None = None
        #: Loads and saves whose answer this dialog still wants.
        self._pending: list[tasks.Task] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Jar:"))
        self.jars = QComboBox(objectName="cookieJars", accessibleName="Cookie jar")
        for label, namespace in jars:
            self.jars.addItem(label, namespace)
        self.jars.currentIndexChanged.connect(self.reload)
        top.addWidget(self.jars, 1)
        layout.addLayout(top)
        self.tree = QTreeWidget(objectName="cookiesTree", accessibleName="Cookies by domain")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit())
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.tree, 1)
        self.note = QLabel(objectName="cookiesNote", wordWrap=True)
        self.note.setProperty("tone", "muted")
        layout.addWidget(self.note)
        buttons = QHBoxLayout()
        self.add_button = self._button(buttons, "Add…", "addCookie", self.add)
        self.edit_button = self._button(buttons, "Edit…", "editCookie", self.edit)
        self.delete_button = self._button(buttons, "Delete", "deleteCookie", self.delete)
        self.clear_domain_button = self._button(buttons, "Clear domain", "clearDomain",
                                                self.clear_domain)
        self.clear_all_button = self._button(buttons, "Clear all", "clearAll", self.clear_all)
        buttons.addStretch(1)
        self._button(buttons, "Refresh", "refreshCookies", self.reload)
        self._button(buttons, "Close", "closeCookies", self.accept)
        layout.addLayout(buttons)
        self.reload()

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Callable) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # -- loading and saving, in the dialog's worker -----------------------------------

    def reload(self) -> None:
        namespace = self.jars.currentData()
        self.jar = None
        self.tree.clear()
        self.note.setText("Reading the jar…")
        self._enable()
        store = self._store
        self._pending.append(tasks.run(lambda _task: store.jar(namespace),
                                       lambda jar: self._loaded(namespace, jar),
                                       lane_name=LANE))

    def _loaded(self, namespace: str, jar: CookieJar) -> None:
        if namespace != self.jars.currentData():
            return  # another jar was chosen meanwhile
        self.jar = jar
        self.note.setText(jar.note or "Stored encrypted in your data folder; the key is "
                          "in your system keychain.")
        self._fill()

    def _save(self) -> None:
        jar, store = self.jar, self._store
        if jar is not None:
            self._pending.append(tasks.run(lambda _task: store.save(jar) or "", self._saved,
                                           lane_name=LANE))
        self._fill()

    def _saved(self, problem_text: str) -> None:
        if problem_text:
            self.note.setText(problem_text)

    def wait(self, msecs: int = 5000) -> bool:
        return tasks.wait(LANE, msecs)

    def done(self, result: int) -> None:
        tasks.wait(LANE, 5000)  # a save in progress finishes
        for task in self._pending:
            task.cancel()  # no answer reaches a closed dialog
        super().done(result)

    # -- the list ---------------------------------------------------------------------

    def _fill(self) -> None:
        selected = self._selected()
        self.tree.clear()
        if self.jar is None:
            return
        domains: dict[str, QTreeWidgetItem] = {}
        for cookie in self.jar.all():
            parent = domains.get(cookie.domain)
            if parent is None:
                parent = domains[cookie.domain] = QTreeWidgetItem(self.tree, [cookie.domain])
                parent.setData(0, ROLE, cookie.domain)
                parent.setExpanded(True)
            item = QTreeWidgetItem(parent, [
                cookie.name, cookie.value, cookie.path, _expiry(cookie),
                "yes" if cookie.secure else "", "yes" if cookie.http_only else "",
                cookie.same_site, "" if cookie.host_only else "yes"])
            item.setData(0, ROLE, cookie)
            if selected is not None and isinstance(selected, Cookie) and \
                    selected.key == cookie.key:
                self.tree.setCurrentItem(item)
        for parent in domains.values():
            parent.setText(0, f"{parent.data(0, ROLE)} ({parent.childCount()})")
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        self._enable()

    def _selected(self) -> Cookie | str | None:
        item = self.tree.currentItem()
        return item.data(0, ROLE) if item is not None else None

    def _enable(self) -> None:
        chosen = self._selected()
        loaded = self.jar is not None
        self.add_button.setEnabled(loaded)
        self.edit_button.setEnabled(isinstance(chosen, Cookie))
        self.delete_button.setEnabled(isinstance(chosen, Cookie))
        self.clear_domain_button.setEnabled(chosen is not None)
        self.clear_all_button.setEnabled(loaded and self.tree.topLevelItemCount() > 0)

    # -- changes ------------------------------------------------------------------------

    def editor(self, cookie: Cookie | None) -> CookieEditor:
        """The form for a cookie (tests fill it in and accept it)."""
        return CookieEditor(cookie, self)

    def add(self) -> None:
        chosen = self._selected()
        domain = chosen if isinstance(chosen, str) else (
            chosen.domain if isinstance(chosen, Cookie) else "")
        editor = self.editor(Cookie("", "", domain, "/") if domain else None)
        editor.setWindowTitle("Add cookie")
        editor._original = None
        if editor.exec() and self.jar is not None:
            self.jar.put(editor.cookie())
            self._save()

    def edit(self) -> None:
        chosen = self._selected()
        if not isinstance(chosen, Cookie) or self.jar is None:
            return
        editor = self.editor(chosen)
        if editor.exec():
            self.jar.put(editor.cookie(), replacing=chosen)
            self._save()

    def delete(self) -> None:
        chosen = self._selected()
        if isinstance(chosen, Cookie) and self.jar is not None:
            self.jar.delete(chosen)
            self._save()

    def clear_domain(self) -> None:
        chosen = self._selected()
        if chosen is None or self.jar is None:
            return
        domain = chosen if isinstance(chosen, str) else chosen.domain
        if QMessageBox.question(
                self, "Clear domain", f"Delete every cookie of {domain} and its subdomains "
                "in this jar?") != QMessageBox.StandardButton.Yes:
            return
        self.jar.clear(domain)
        self._save()

    def clear_all(self) -> None:
        if self.jar is None or QMessageBox.question(
                self, "Clear all", f"Delete every cookie in the jar of "
                f"{self.jars.currentText()}?") != QMessageBox.StandardButton.Yes:
            return
        self.jar.clear()
        self._save()
