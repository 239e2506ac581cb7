"""The collection tree in memory: Collection > Folder > RequestItem, plus environments.

Every object remembers what its file held when it was read or last written (`DiskState`):
a save compares against it to find a file someone changed meanwhile, and an object
whose file did not parse carries its problem and is never written over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import deferred
from ..model import Assertion, AuthConfig, Capture, RequestSpec, Row
from ..variables import Variable

if TYPE_CHECKING:
    from ..http.proxies import ProxySettings
    from ..tls.config import CaBundle, ClientCert

#: The version written in collection.yaml; a newer one is opened but never written.
FORMAT_VERSION = 1
COLLECTION_FILE = "collection.yaml"
FOLDER_FILE = "folder.yaml"
REQUEST_SUFFIX = ".request.yaml"
ENVIRONMENTS_DIR = "environments"


@dataclass
class LoadProblem:
    """A file that could not be read as it should; `line` is 1-based or None."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class CollectionError(Exception):
    """A collection operation that cannot be done; the message names the file."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class ConflictError(CollectionError):
    """The file changed on disk since it was read: reload it or overwrite knowingly."""


class BrokenFileError(CollectionError):
    """The file did not parse when it was read, so it is never written over."""


@dataclass(eq=False)
class DiskState:
    #: sha256 of the bytes last read or written; None when there is no file yet.
    digest: str | None = None
    #: Why the file could not be read; such a file is never overwritten.
    problem: LoadProblem | None = None


@dataclass(eq=False)
class RequestItem:
    path: Path
    name: str
    spec: RequestSpec = field(default_factory=RequestSpec)
    #: Stable id for keychain entries; None in a hand-made file until one is needed.
    id: str | None = None
    parent: Folder | None = field(default=None, repr=False)
    disk: DiskState = field(default_factory=DiskState, repr=False)
    #: Checks on the response and values taken from it (gui/core/runner). Kept on the
    #: item, not the spec: the editor's spec is the request sent, these are the tests.
    assertions: list[Assertion] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return self.path.name


@dataclass(eq=False)
class Folder:
    path: Path
    name: str
    headers: list[Row] = field(default_factory=list)
    #: "inherit" (the default) takes the parent's auth.
    auth: AuthConfig = field(default_factory=lambda: AuthConfig("inherit"))
    id: str | None = None
    #: The explicit order of children by file name, as written; None sorts by name.
    order: list[str] | None = None
    children: list[Folder | RequestItem] = field(default_factory=list)
    parent: Folder | None = field(default=None, repr=False)
    #: Set on the root folder only.
    collection: Collection | None = field(default=None, repr=False)
    disk: DiskState = field(default_factory=DiskState, repr=False)
    #: What the folder is for, in the person's words (Markdown welcome); "" when none.
    #: The root folder's is the collection's own `description`, not this one.
    description: str = ""

    @property
    def filename(self) -> str:
        return self.path.name

    def walk(self) -> list[Folder | RequestItem]:
        """Every folder and request below this one, depth first."""
        out: list[Folder | RequestItem] = []
        for child in self.children:
            out.append(child)
            if isinstance(child, Folder):
                out.extend(child.walk())
        return out


@dataclass(eq=False)
class Environment:
    path: Path
    name: str
    variables: list[Variable] = field(default_factory=list)
    collection: Collection | None = field(default=None, repr=False)
    disk: DiskState = field(default_factory=DiskState, repr=False)

    @property
    def slug(self) -> str:
        return self.path.name.removesuffix(".yaml")


@dataclass(eq=False)
class Collection:
    path: Path
    id: str
    name: str
    headers: list[Row] = field(default_factory=list)
    auth: AuthConfig = field(default_factory=AuthConfig)
    variables: list[Variable] = field(default_factory=list)
    environments: list[Environment] = field(default_factory=list)
    #: The collection's own folder; its `order` is written in collection.yaml.
    # None only until __post_init__ makes it: every Collection has its root folder.
    root: Folder = field(default=None, repr=False)  # type: ignore[assignment]
    #: Client certificates and CA bundles for this collection's requests, before the
    #: global ones (gui/core/collections/tls.py); paths relative to the collection folder allowed.
    client_certs: list[ClientCert] = field(default_factory=list)
    ca_bundles: list[CaBundle] = field(default_factory=list)
    #: The collection's own proxy (`proxy:` in collection.yaml), instead of the global
    #: settings; None: the global ones. Its password is in the keychain, never here
    #: (gui/core/proxies.collection_password_key).
    proxy: ProxySettings | None = None
    #: What the collection is for, in the person's words (Markdown welcome); "" when none.
    description: str = ""
    version: int = FORMAT_VERSION
    disk: DiskState = field(default_factory=DiskState, repr=False)
    #: Set by `colowners.bind` when the collection is opened; see `namespace`.
    _namespace: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.root is None:
            self.root = Folder(self.path, self.name)
        self.root.collection = self

    @property
    def namespace(self) -> str:
        """The first part of every keychain key of this collection on this machine
        (gui/core/collections/owners.py), never its `id`, which any file can copy. Bound by the
        opener; a collection nobody bound binds now by the headless rule, so that an
        id another folder owns is refused (OwnerConflict) rather than used."""
        if self._namespace is None:
            # owners imports this module (and yamlio): through deferred, no cycle.
            deferred.collection_owners.bind(self)
        assert self._namespace is not None
        return self._namespace

    @namespace.setter
    def namespace(self, value: str) -> None:
        self._namespace = value

    @property
    def settings_path(self) -> Path:
        return self.path / COLLECTION_FILE

    def requests(self) -> list[RequestItem]:
        return [item for item in self.root.walk() if isinstance(item, RequestItem)]


def collection_of(obj: Folder | RequestItem | Environment | Collection) -> Collection:
    """The collection an object belongs to (it must be attached to one)."""
    if isinstance(obj, Collection):
        return obj
    if isinstance(obj, Environment):
        found = obj.collection
    else:
        node = obj if isinstance(obj, Folder) else obj.parent
        while node is not None and node.parent is not None:
            node = node.parent
        found = node.collection if node is not None else None
    if found is None:
        raise CollectionError(f"{obj.path} is not part of an open collection.", obj.path)
    return found


def settings_path(obj: Folder | RequestItem | Environment | Collection) -> Path:
    """The file an object's own data is written to."""
    if isinstance(obj, Folder):
        if obj.collection is not None:
            return obj.collection.settings_path
        return obj.path / FOLDER_FILE
    if isinstance(obj, Collection):
        return obj.settings_path
    return obj.path
