"""The auth schemes: built-in ones and plug-ins from the entry-point group `gatepost.auth`.

A plug-in entry point may name a `Scheme` instance or subclass, or an `httpx.Auth`
subclass that declares `gatepost_label` and `gatepost_fields` (docs/auth-plugins.md).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import (
    Action,
    AuthClassScheme,
    AuthContext,
    AuthError,
    Field,
    FieldKind,
    Interaction,
    Scheme,
)

if TYPE_CHECKING:
    import httpx

    from ..model import AuthConfig

__all__ = ["Action", "AuthContext", "AuthError", "Field", "FieldKind", "Interaction", "Scheme",
           "build_auth", "get", "plugin_errors", "schemes", "secret_values"]

ENTRY_POINT_GROUP = "gatepost.auth"
#: Built-in schemes by id (each class's `id`), in the picker's order. `get` imports only
#: the module of the scheme asked for: a window showing Bearer and inherited requests
#: does not load OAuth, JOSE, AWS or Kerberos code, nor look for plug-ins.
_BUILTIN = {
    "none": (".simple", "NoAuth"), "inherit": (".simple", "InheritAuth"),
    "basic": (".simple", "BasicScheme"), "digest": (".digest", "DigestScheme"),
    "netrc": (".netrc", "NetrcScheme"), "bearer": (".simple", "BearerScheme"),
    "apikey": (".simple", "ApiKeyScheme"), "oauth1": (".oauth1", "OAuth1Scheme"),
    "oauth2": (".oauth2.scheme", "OAuth2Scheme"), "aws-sigv4": (".aws", "AWSSigV4Scheme"),
    "jwt-bearer": (".jwt_bearer", "JwtBearerScheme"), "hawk": (".hawk", "HawkScheme"),
    "edgegrid": (".edgegrid", "EdgeGridScheme"), "asap": (".asap", "AsapScheme"),
    "ntlm": (".optional", "NtlmScheme"), "kerberos": (".optional", "KerberosScheme"),
}
_errors: list[str] = []


def _plugin(name: str, obj: Any) -> Scheme:
    if isinstance(obj, Scheme):
        scheme = obj
    elif isinstance(obj, type) and issubclass(obj, Scheme):
        scheme = obj()
    elif isinstance(obj, type) and issubclass(obj, deferred.httpx.Auth):
        scheme = AuthClassScheme(name, obj)
    elif deferred.requests_adapter.is_requests_auth(obj):
        scheme = deferred.requests_adapter.scheme_for_requests_auth(name, obj)
    else:
        raise TypeError(f"{obj!r} is neither a gatepost Scheme, an httpx.Auth subclass nor "
                        "a requests.auth.AuthBase subclass")
    scheme.id = scheme.id or name
    return scheme


@cache
def _builtin(scheme_id: str) -> Scheme:
    """One instance per built-in scheme, whether reached by `get` or `schemes`."""
    module, name = _BUILTIN[scheme_id]
    return getattr(import_module(module, __name__), name)()


@cache
def schemes() -> dict[str, Scheme]:
    """Every scheme by id, built-ins first, in the picker's order."""
    found: dict[str, Scheme] = {scheme_id: _builtin(scheme_id) for scheme_id in _BUILTIN}
    for ep in sorted(deferred.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            scheme = _plugin(ep.name, ep.load())
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not stop the app
            _errors.append(f"The auth plug-in {ep.name!r} ({ep.value}) did not load: {exc}")
            continue
        if scheme.id in found:
            _errors.append(f"The auth plug-in {ep.name!r} was ignored: the scheme id "
                           f"{scheme.id!r} is taken.")
            continue
        found[scheme.id] = scheme
    return found


def plugin_errors() -> list[str]:
    schemes()
    return list(_errors)


def get(scheme_id: str) -> Scheme:
    if scheme_id in _BUILTIN:
        return _builtin(scheme_id)
    try:
        return schemes()[scheme_id]
    except KeyError:
        raise AuthError(f"Unknown auth scheme {scheme_id!r}; known: "
                        f"{', '.join(schemes())}.") from None


def secret_values(config: AuthConfig) -> tuple[str, ...]:
    """The secret values filled in, for masking wherever they might appear."""
    try:
        scheme = get(config.scheme)
    except AuthError:
        return ()
    return tuple(str(config.values[n]) for n in scheme.secret_names() if config.values.get(n))


def build_auth(config: AuthConfig, context: AuthContext | None = None) -> httpx.Auth | None:
    """The httpx.Auth for a request's auth config; AuthError when it cannot work."""
    scheme = get(config.scheme)
    if not scheme.available():
        raise AuthError(f"{scheme.label} is not installed: {scheme.install_hint}")
    problems = scheme.check(config.values)
    if problems:
        raise AuthError(f"{scheme.label}: " + " ".join(problems))
    if context is None:
        return scheme.build(config.values)
    return scheme.build(config.values, context=context)
