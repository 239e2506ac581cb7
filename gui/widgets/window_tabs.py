"""The window's request tabs: opening a request (once), a new one, titles with the
method's badge, closing one (asking to save unsaved changes), and closing the window
with them. A mixin of MainWindow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from .. import deferred
from .icons import method_badge
from .request.tab import RequestTab

if TYPE_CHECKING:
    from ..core.collections.model import RequestItem
    from .request.editor import RequestEditor


class TabsMixin:
    def built_editors(self) -> Iterator[RequestEditor]:
        """The editors of the open tabs that have one: a tab a session reopened behind
        is given the window's state when it builds its editor (RequestTab.when_built)."""
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.built:
                yield tab.editor

    def _retitle(self, tab: RequestTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.title())
            method = tab.method()
            if self.tabs.tabBar().tabData(index) != method:  # not on every keystroke
                self.tabs.tabBar().setTabData(index, method)
                self.tabs.setTabIcon(index, method_badge(method))
            self.tabs.setTabToolTip(index, str(tab.item.path) if tab.item else
                                    "Not in a collection; kept across restarts")

    def open_request(self, item: RequestItem, behind: bool = False) -> RequestTab:
        """The request's tab, opened if it is not, and brought to the front unless
        `behind` (a session's tabs: built when first shown)."""
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is item:
                if not behind:
                    self.tabs.setCurrentIndex(i)
                return tab
        if item.disk.problem is not None:
            QMessageBox.warning(self, "Cannot open", f"{item.path} {item.disk.problem.message}"
                                ". The file is left as it is.")
        return self._add_tab(item, lazy=behind)

    def new_tab(self) -> RequestTab:
        """Ctrl+N: a new request in the folder selected in the sidebar, else scratch-like."""

        selected = self.sidebar.selected()
        folder = (selected.root if isinstance(selected, deferred.collection_model.Collection)
                  else selected)
        if isinstance(folder, deferred.collection_model.Folder):
            item = self.sidebar.new_request(folder, "New request")
            if item is not None:
                return self.open_request(item)
        self.tabs.setCurrentIndex(0)
        return self.scratch

    def close_current(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int, confirm: bool = True) -> bool:
        tab = self.tabs.widget(index)
        if not isinstance(tab, RequestTab) or index == 0:
            return False
        if tab.dirty() and confirm:
            answer = QMessageBox.question(
                self, "Unsaved changes", f"Save the changes to {tab.item.name}?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard |
                QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not self.save_tab(tab):
                return False
        if tab.job is not None:
            tab.cancel()
        if tab.item is not None:
            self.watcher.removePath(str(tab.item.path))
        self.tabs.removeTab(index)
        tab.deleteLater()
        return True

    def _tab_changed(self, _index: int) -> None:
        self._update_environments()
        tab = self.tabs.currentWidget()
        focus = QApplication.focusWidget()
        if isinstance(tab, RequestTab) and (focus is None or tab.isAncestorOf(focus)):
            # Qt hands focus to the page's first control, the method box; the URL is
            # where a person types next, as in a browser's new tab. A tab not built yet
            # (one behind the session's) gets it when shown, not built for it now.
            tab.when_built(lambda: tab.editor.url.setFocus()
                           if self.tabs.currentWidget() is tab else None)

    def closeEvent(self, event) -> None:
        for i in range(self.tabs.count() - 1, 0, -1):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.dirty():
                self.tabs.setCurrentIndex(i)
                answer = QMessageBox.question(
                    self, "Unsaved changes", f"Save the changes to {tab.item.name}?",
                    QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard |
                    QMessageBox.StandardButton.Cancel)
                if answer == QMessageBox.StandardButton.Cancel or (
                        answer == QMessageBox.StandardButton.Save and not self.save_tab(tab)):
                    event.ignore()
                    return
        if self.persistence is not None:
            self.save()
            self._save_session()
            self.persistence.wait(5000)
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.job is not None:
                tab.cancel()
        self.close_runners()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
