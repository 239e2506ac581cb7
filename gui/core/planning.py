"""What planning a send works out about a collection and a request, apart from the
Workspace's state (gui/core/workspace.py): where a collection's secrets and proxy password
live on this machine, and which fields use a variable nobody defined."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import deferred
from .variables import unknown_variables

if TYPE_CHECKING:
    from .collections.model import Collection, RequestItem
    from .http.proxies import ProxySettings
    from .model import RequestSpec
    from .variables import UnresolvedVariable


def proxy_of(collection: Collection) -> ProxySettings | None:
    """A copy of the collection's proxy settings for sending (see collection_proxy)."""
    if collection.proxy is None:
        return None
    settings = copy.copy(collection.proxy)
    settings.keychain_key = deferred.proxies.collection_password_key(namespace(collection))
    settings.owner = f"the collection {collection.name!r}"
    return settings


def namespace(collection: Collection) -> str:
    """The keychain namespace of a collection's secrets on this machine."""
    return getattr(collection, "namespace", None) or collection.id


def unknown_message(exc: UnresolvedVariable, spec: RequestSpec,
                    item: RequestItem | None, scope: Mapping[str, str]) -> str:
    """The PlanError of variables nobody defined: their names, the fields and the file."""
    names = ", ".join("{{" + n + "}}" for n in exc.names)
    where = unknown_fields(spec, scope)
    place = f" in {', '.join(where)}" if where else ""
    if item is not None:
        place += f" of {item.path}"
    return (f"Not sent: unknown variable {names}{place}. Define it in Variables… "
            "(globals, the collection or the environment).")


def unknown_fields(spec: RequestSpec, scope: Mapping[str, str]) -> list[str]:
    """The fields of a request that use a variable `scope` does not define, named as a
    person finds them in the editor (url, params.page, headers.X-Id, body, auth.token)."""
    fields: list[tuple[str, str]] = [("url", spec.url)]
    fields += [(f"params.{r.name or '?'}", r.name + r.value) for r in spec.params if r.enabled]
    fields += [(f"headers.{r.name or '?'}", r.name + r.value) for r in spec.headers
               if r.enabled]
    fields += [("body", spec.body.text + spec.body.path + spec.body.content_type)]
    fields += [(f"body.{r.name or '?'}", r.name + r.value) for r in spec.body.rows
               if r.enabled]
    fields += [(f"auth.{k}", v) for k, v in spec.auth.values.items() if isinstance(v, str)]
    return [name for name, text in fields if unknown_variables(text, scope)]
