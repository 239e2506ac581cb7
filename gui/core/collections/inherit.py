"""Inheritance: headers and auth flow collection → folder → request.

Headers: the collection's enabled rows, then each folder's from the top down, then the
request's; an enabled row replaces an earlier one of the same name (case-insensitive),
so a request can override a default header. Auth: a request or folder whose scheme is
"inherit" takes the nearest parent's that is not, ending at the collection's.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, TypeVar

from ..variables import resolve_spec
from .model import Collection, Folder, RequestItem, collection_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..model import AuthConfig, RequestSpec, Row

INHERIT = "inherit"
T = TypeVar("T")


def parents(item: Folder | RequestItem) -> list[Folder]:
    """The folders above `item`, nearest first, the root folder excluded."""
    out = []
    node = item.parent
    while node is not None and node.parent is not None:
        out.append(node)
        node = node.parent
    return out


def effective_headers(item: RequestItem) -> list[Row]:
    """The header rows sent with `item`, inherited ones first (copies)."""
    layers = [collection_of(item).headers, *(f.headers for f in reversed(parents(item))),
              item.spec.headers]
    merged: dict[str, Row] = {}
    for rows in layers:
        for row in rows:
            if row.enabled and row.name:
                merged.pop(row.name.lower(), None)  # an override goes where it is written
                merged[row.name.lower()] = _copied(row)
    return list(merged.values())


def auth_source(item: Folder | RequestItem) -> Collection | Folder | RequestItem:
    """Whose auth applies to `item`: itself, the nearest folder that does not inherit,
    or the collection. The auth panel names it ("Inherit: Basic, from folder Users")."""
    scheme = item.spec.auth.scheme if isinstance(item, RequestItem) else item.auth.scheme
    if scheme != INHERIT:
        return item
    for folder in parents(item):
        if folder.auth.scheme != INHERIT:
            return folder
    return collection_of(item)


def effective_auth(item: Folder | RequestItem) -> AuthConfig:
    source = auth_source(item)
    config = source.spec.auth if isinstance(source, RequestItem) else source.auth
    return copy_auth(config)


def _copied(obj: T) -> T:
    """A shallow copy of a model dataclass: its attributes, without copy.copy's
    reduce-and-rebuild (a few times slower, and planning does it for every row)."""
    out = object.__new__(type(obj))
    out.__dict__.update(obj.__dict__)
    return out


def copy_auth(config: AuthConfig) -> AuthConfig:
    """A copy of `config` of its own: a deepcopy of the values only (text, mostly),
    not of the dataclass."""
    out = _copied(config)
    out.values = copy.deepcopy(config.values)
    return out


def working_copy(spec: RequestSpec, headers: bool = True) -> RequestSpec:
    """A copy of `spec` that resolving variables, and a run's settings (--timeout, -k),
    may change without touching `spec`: each part copied the way it is built (rows,
    body, options, timeouts), where a deepcopy walks every value (a tenth of a
    request's planning). `headers` False: headers and auth left to the caller, who
    replaces them (`prepare`)."""
    out = _copied(spec)
    out.params = [_copied(row) for row in spec.params]
    out.body = _copied(spec.body)
    out.body.rows = [_copied(row) for row in spec.body.rows]
    out.options = _copied(spec.options)
    out.options.timeouts = _copied(spec.options.timeouts)
    out.omit_headers = list(spec.omit_headers)
    if headers:
        out.headers = [_copied(row) for row in spec.headers]
        out.auth = copy_auth(spec.auth)
    return out


def prepare(item: RequestItem, scope: Mapping[str, str]) -> RequestSpec:
    """The request as it is sent: inherited headers and auth applied, variables resolved
    (UnresolvedVariable / VariableCycle). Fill secrets of the auth source first."""
    spec = working_copy(item.spec, headers=False)
    spec.headers = effective_headers(item)
    spec.auth = effective_auth(item)
    if spec.auth.scheme == INHERIT:
        spec.auth.scheme = "none"
    return resolve_spec(spec, scope, in_place=True)
