"""The menu bar (File, Edit, View, Request, Help) and every window shortcut, each an
action with an objectName (tests and the Keyboard shortcuts list find them by it).
A mixin of MainWindow."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__, deferred
from . import theme
from .icons import icon as make_icon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

Keys = QKeySequence.StandardKey
#: Zoom steps: the application font's point size moves by one point, within these.
ZOOM_RANGE = (7, 24)


class MenusMixin:
    def _action(self, menu: QMenu, text: str, name: str, slot: Callable[[], object],
                keys: tuple = (), icon: str = "") -> QAction:
        action = QAction(text, self)  # type: ignore[arg-type]
        action.setObjectName(name)
        sequences: list[QKeySequence] = []
        for key in keys:
            for seq in (QKeySequence.keyBindings(key) if isinstance(key, Keys)
                        else [QKeySequence(key)]):
                # A platform's standard key can repeat an explicit one (Quit is Ctrl+Q on
                # X11): one sequence twice on an action is ambiguous and never fires.
                if seq not in sequences:
                    sequences.append(seq)
        if sequences:
            action.setShortcuts(sequences)
        if icon:
            action.setIcon(make_icon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # type: ignore[attr-defined]  # shortcuts work menu closed
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()  # type: ignore[attr-defined]
        bar.setObjectName("menuBar")
        a = self._action
        file = bar.addMenu("&File")
        a(file, "&New request", "actionNewRequest", self.new_tab, (Keys.New,), "file-plus")
        a(file, "New &collection…", "actionNewCollection", self.new_collection_dialog,
          ("Ctrl+Shift+N",), "folder-plus")
        a(file, "&Open collection…", "actionOpenCollection", self.open_collection_dialog,
          (Keys.Open,), "folder-open")
        a(file, "&Import…", "actionImport", self.import_files, ("Ctrl+I",), "download")
        a(file, "&Export… (Postman v2.1)", "actionExport", self.export_selected, icon="upload")
        file.addSeparator()
        a(file, "&Save", "actionSave", self.save_current, (Keys.Save,), "save")
        a(file, "&Close tab", "actionCloseTab", self.close_current, (Keys.Close,), "x")
        file.addSeparator()
        quit_action = a(file, "&Quit", "actionQuit", self.close, (Keys.Quit, "Ctrl+Q"),
                        "log-out")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit = bar.addMenu("&Edit")
        a(edit, "Focus the &URL", "actionFocusUrl", self.focus_url, ("Ctrl+L",))
        a(edit, "&Find in the response", "actionFind", self.find_in_response, (Keys.Find,),
          "search")
        a(edit, "&Go to request…", "actionQuickSwitch", self.quick_switch,
          ("Ctrl+P", "Ctrl+K"), "command")
        edit.addSeparator()
        a(edit, "&Variables and environments…", "actionVariables", self.edit_variables,
          icon="braces")
        a(edit, "C&ertificates…", "actionCertificates", self.edit_certificates,
          icon="shield-check")
        a(edit, "C&ookies…", "actionCookies", self.edit_cookies, icon="cookie")
        a(edit, "&Proxy…", "actionProxy", self.edit_proxy, icon="globe")
        edit.addSeparator()
        a(edit, "Collection &settings…", "actionCollectionSettings",
          self.collection_settings, icon="settings")

        view = bar.addMenu("&View")
        appearance = view.addMenu("&Appearance")
        appearance.setObjectName("menuAppearance")
        group = QActionGroup(self)  # type: ignore[arg-type]

        # No icons here: in a menu an icon takes the place of the check mark, and which
        # appearance is on is what this menu has to show.
        for mode, text in ((theme.SYSTEM, "Follow the &system"), (theme.LIGHT, "&Light"),
                           (theme.DARK, "&Dark")):
            action = a(appearance, text, f"actionAppearance{mode.title()}",
                       lambda m=mode: self.set_appearance(m))
            action.setCheckable(True)
            action.setChecked(theme.mode() == mode)
            action.setData(mode)
            group.addAction(action)
        self._appearance_group = group
        view.addSeparator()
        a(view, "Zoom &in", "actionZoomIn", lambda: self.zoom(1), (Keys.ZoomIn, "Ctrl+="),
          "zoom-in")
        a(view, "Zoom &out", "actionZoomOut", lambda: self.zoom(-1), (Keys.ZoomOut,),
          "zoom-out")
        a(view, "&Actual size", "actionZoomReset", lambda: self.zoom(0), ("Ctrl+0",))
        view.addSeparator()
        a(view, "&Next tab", "actionNextTab", lambda: self.step_tab(1),
          (Keys.NextChild, "Ctrl+PgDown"))
        # Ctrl+Shift+Tab first, as people say it: X11's own binding is the same keys
        # spelt Ctrl+Shift+Backtab (the key event Shift+Tab makes there).
        a(view, "&Previous tab", "actionPreviousTab", lambda: self.step_tab(-1),
          ("Ctrl+Shift+Tab", Keys.PreviousChild, "Ctrl+PgUp"))
        a(view, "&Collections", "actionShowCollections",
          lambda: self.left.setCurrentIndex(0), ("Ctrl+Shift+C",), "layers")
        a(view, "&Sent requests", "actionShowSent",
          lambda: self.left.setCurrentWidget(self._sent_page), ("Ctrl+Shift+H",), "history")

        request = bar.addMenu("&Request")
        a(request, "&Send", "actionSend", self.send_or_cancel, ("Ctrl+Return", "Ctrl+Enter"),
          "send")
        a(request, "&Cancel", "actionCancel", self.cancel, ("Escape",), "circle-stop")
        a(request, "Copy as c&url", "actionCopyCurl", self.copy_curl, ("Ctrl+Shift+U",),
          "copy")
        a(request, "Copy as &Python (httpx)", "actionCopyPython",
          lambda: self.tab.copy_python(), icon="copy")
        a(request, "Save exchange as &HAR…", "actionSaveHar", lambda: self.tab.save_har(),
          icon="download")

        help_menu = bar.addMenu("&Help")
        a(help_menu, "&Keyboard shortcuts", "actionShortcuts", self.show_shortcuts,
          (Keys.HelpContents, "Ctrl+/"), "keyboard")
        a(help_menu, "&About Gatepost", "actionAbout", self.about, icon="info")

    # -- what the actions do ------------------------------------------------------------

    def set_appearance(self, mode: str) -> None:
        theme.apply(QApplication.instance(), mode)  # type: ignore[arg-type]
        for action in self._appearance_group.actions():
            action.setChecked(action.data() == theme.mode())

    def zoom(self, step: int) -> None:
        """Larger or smaller text everywhere (0: the platform's size again)."""
        app = QApplication.instance()
        base = app.property("gatepostBaseFont")
        if base is None:
            base = app.font().pointSizeF()
            app.setProperty("gatepostBaseFont", base)
        font = app.font()
        size = base if step == 0 else font.pointSizeF() + step
        font.setPointSizeF(min(max(size, ZOOM_RANGE[0]), ZOOM_RANGE[1]))
        app.setFont(font)

    def export_selected(self) -> object:
        """File → Export…: the collection or folder selected in the sidebar (a selected
        request's folder), else the current tab's collection or the only one open, as
        the tree's Export… does."""
        model = deferred.collection_model
        selected = self.sidebar.selected()
        if isinstance(selected, model.RequestItem):
            selected = selected.parent
        opened = self.sidebar.collections
        obj = selected if isinstance(selected, model.Collection | model.Folder) else \
            self.current_collection() or (opened[0] if len(opened) == 1 else None)
        if obj is None:
            self.statusBar().showMessage(
                "Select the collection or folder to export in the sidebar first." if opened
                else "Open a collection first; File → Export… then writes it as a "
                "Postman v2.1 file.")
            return None
        return self.export_postman(obj)

    def step_tab(self, step: int) -> None:
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)

    def focus_url(self) -> None:
        self.editor.url.setFocus()
        self.editor.url.selectAll()

    def find_in_response(self) -> None:
        view = self.response.body_view
        self.response.tabs.setCurrentWidget(view)
        view.open_find()

    def copy_curl(self) -> None:
        self.response.copy_curl()
        self.statusBar().showMessage("Copied the final request as curl (secrets masked)."
                                     if self.response.curl() else "Nothing sent yet.")

    def quick_switch(self) -> None:
        requests = [r for c in self.sidebar.collections for r in c.requests()]
        chosen = deferred.quick_switcher.QuickSwitcher.choose(self, requests)
        if chosen is not None:
            self.open_request(chosen)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) of every action that has keys, in menu order."""
        native = QKeySequence.SequenceFormat.NativeText
        out = []
        for action in self.actions():
            keys = list(dict.fromkeys(k.toString(native).replace("Backtab", "Tab")
                                      for k in action.shortcuts()))
            if keys:
                out.append((action.text().replace("&", "").rstrip("…"), ", ".join(keys)))
        return out

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td>{what}</td><td style='padding-left:16px'><b>{keys}</b>"
                       "</td></tr>" for what, keys in self.shortcuts())
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                          f"<table>{rows}</table>", parent=self)  # type: ignore[arg-type]
        box.setObjectName("shortcutsList")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def about(self) -> None:
        QMessageBox.about(self, "About Gatepost",  # type: ignore[arg-type]
                          f"<b>Gatepost {__version__}</b><br>A desktop HTTP client that "
                          "shows every hop of an exchange.<br><br>Icons: Lucide (ISC "
                          "licence).")
