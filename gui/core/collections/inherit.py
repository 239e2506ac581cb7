"""Inheritance: headers and auth flow collection → folder → request.

Headers: the collection's enabled rows, then each folder's from the top down, then the
request's; an enabled row replaces an earlier one of the same name (case-insensitive),
so a request can override a default header. Auth: a request or folder whose scheme is
"inherit" takes the nearest parent's that is not, ending at the collection's.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..variables import resolve_spec
from .model import Collection, Folder, RequestItem, collection_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..model import AuthConfig, RequestSpec, Row

INHERIT = "inherit"


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
                merged[row.name.lower()] = copy.copy(row)
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


def copy_auth(config: AuthConfig) -> AuthConfig:
    """A copy of `config` of its own: a deepcopy of the values only (text, mostly),
    not of the dataclass (copy's reduce-and-rebuild, a few times slower)."""
    out = copy.copy(config)
    out.values = copy.deepcopy(config.values)
    return out


def working_copy(spec: RequestSpec) -> RequestSpec:
    """A copy of `spec` that resolving variables, and a run's settings (--timeout, -k),
    may change without touching `spec`: each part copied the way it is built (rows,
    body, options, timeouts), where a deepcopy walks every value (a tenth of a
    request's planning). Headers and auth are copied too, though prepare replaces them."""
    out = copy.copy(spec)
    out.params = [copy.copy(row) for row in spec.params]
    out.headers = [copy.copy(row) for row in spec.headers]
    out.body = copy.copy(spec.body)
    out.body.rows = [copy.copy(row) for row in spec.body.rows]
    out.options = copy.copy(spec.options)
    out.options.timeouts = copy.copy(spec.options.timeouts)
    out.auth = copy_auth(spec.auth)
    out.omit_headers = list(spec.omit_headers)
    return out


def prepare(item: RequestItem, scope: Mapping[str, str]) -> RequestSpec:
    """The request as it is sent: inherited headers and auth applied, variables resolved
    (UnresolvedVariable / VariableCycle). Fill secrets of the auth source first."""
    spec = working_copy(item.spec)
    spec.headers = effective_headers(item)
    spec.auth = effective_auth(item)
    if spec.auth.scheme == INHERIT:
        spec.auth.scheme = "none"
    return resolve_spec(spec, scope, in_place=True)
