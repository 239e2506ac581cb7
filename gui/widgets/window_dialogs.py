"""The window's settings dialogs: variables, cookie jars, certificates (global and a
collection's own). A mixin of MainWindow."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from .. import deferred, tasks, worker
from .window_collections import STORE_LOCK

if TYPE_CHECKING:
    from ..core.collections.model import Collection
    from ..core.storage.cookiestore import JarStore
    from .dialogs.certificates import CertificatesDialog
    from .dialogs.cookies import CookiesDialog


class DialogsMixin:
    def edit_variables(self) -> None:
        """Variables…: once the secret values it shows are read (in a worker)."""
        collection = self.current_collection()
        self.with_secrets(lambda: self._open_variables(collection), collection)

    def _open_variables(self, collection: Collection | None) -> None:
        try:
            dialogs = deferred.variables_dialog
        except ImportError:
            self.statusBar().showMessage("The variables editor is not available.")
            return
        dialog = dialogs.VariablesDialog(collection, self.globals(), self.store(), self)
        self.add_run_variables(dialog)
        if dialog.exec():
            self.workspace.set_globals(None)
            self._update_environments()

    def cookie_jars(self) -> JarStore:
        """The cookie jars of this window's requests (gui/core/storage/cookiestore.py); called
        from workers too."""
        store = self.store()
        with STORE_LOCK:
            if self._cookie_jars is None:
                self._cookie_jars = deferred.cookiestore.JarStore(store)
            return self._cookie_jars

    def edit_cookies(self) -> CookiesDialog:
        """Open the cookie manager (not modal: requests can be sent meanwhile)."""

        jars = [("Requests outside collections", deferred.scratch.SCRATCH)]
        # Bound when opened; reading `namespace` of one that is not would bind it here.
        jars += [(c.name, c._namespace) for c in self.sidebar.collections if c._namespace]
        current = self.current_collection()
        dialog = deferred.cookies_dialog.CookiesDialog(self.cookie_jars(), jars, self)
        if current is not None:
            dialog.jars.setCurrentIndex(max(dialog.jars.findData(current.namespace), 0))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def edit_certificates(self) -> CertificatesDialog | None:
        """Open the Certificates settings; returns the dialog once it is closed."""

        store = self.store()
        try:
            # The file, and the passphrases from the keychain, read in a worker.
            settings = tasks.call(
                lambda _task: _probed(store, lambda: deferred.tls_config.load(store)),
                tasks.KEYCHAIN)
        except deferred.tls_config.TlsSetupError as exc:
            if QMessageBox.question(
                    self, "Certificates", f"{exc}\n\nStart from empty settings? The file "
                    "is replaced only when you press OK.") != QMessageBox.StandardButton.Yes:
                return None
            settings = deferred.tls_config.TlsSettings()
        dialog = deferred.certificates_dialog.CertificatesDialog(settings, store, self)
        if dialog.exec():
            worker.reload_tls_settings()
            self.statusBar().showMessage("Certificate settings saved; new connections use "
                                         "them.")
        return dialog

    def edit_collection_certificates(self, collection: Collection
                                     ) -> CertificatesDialog | None:
        """Open a collection's own certificates; returns the dialog once it is closed."""

        store = self.store()

        def save(edited: Any) -> None:
            # Called by the dialog, which waits open for the outcome: the file and the
            # keychain are written in workers, the question asked here between them.
            previous = (list(collection.client_certs), list(collection.ca_bundles))
            old_ids = {c.id for c in collection.client_certs}
            deferred.collection_tls.apply(collection, edited)
            try:
                try:
                    tasks.call(lambda _task: deferred.manage.save_collection(collection),
                               tasks.KEYCHAIN)
                except deferred.manage.ConflictError:
                    if QMessageBox.question(
                            self, "Certificates",
                            f"{collection.settings_path} changed on disk since it was read. "
                            "Overwrite it with these certificates? Its other changes on "
                            "disk would be lost.") != QMessageBox.StandardButton.Yes:
                        raise deferred.manage.CollectionError(
                            "collection.yaml changed on disk and was left as it is; "
                            "reload the collection or overwrite it") from None
                    tasks.call(
                        lambda _task: deferred.manage.save_collection(collection, force=True),
                        tasks.KEYCHAIN)
            except BaseException:
                collection.client_certs, collection.ca_bundles = previous
                raise
            tasks.call(lambda _task: deferred.collection_tls.store_passphrases(
                collection, edited, old_ids, store), tasks.KEYCHAIN)
            # New passphrases and files apply from the next connection on.
            worker.reload_tls_settings()

        # The passphrases it shows are read from the keychain in a worker first.
        settings = tasks.call(
            lambda _task: _probed(
                store, lambda: deferred.collection_tls.for_editing(collection, store)),
            tasks.KEYCHAIN)
        dialog = deferred.certificates_dialog.CertificatesDialog(
            settings, store, self, collection=collection.name, save_handler=save,
            resolve=lambda s: deferred.collection_tls.resolved(s, collection))
        if dialog.exec():
            self.statusBar().showMessage(f"Certificates of {collection.name} saved; new "
                                         "connections use them.")
        return dialog


def _probed(store: Any, read: Callable[[], Any]) -> Any:
    """`read()`, the keychain set up first: the Certificates dialog says where
    passphrases are kept (`store.problem`), which would otherwise probe it there."""
    _ = store.problem
    return read()
