"""Any `requests` auth handler (`requests.auth.AuthBase`) as an `httpx.Auth`.

Users already own handlers written for requests: requests-oauthlib, requests-aws4auth,
edgegrid-python, their company's own. `RequestsAuthAdapter` runs one unchanged: for each
request it builds a `requests.PreparedRequest` from the httpx request (method, URL,
headers, body; hence `requires_request_body = True`), calls the handler with it, and
carries back what the handler changed: the URL, the headers it set, changed or removed,
and the body. Headers are handed over as requests holds them (one value per name;
repeated headers joined with ", "); a header the handler leaves alone is left exactly as
it was, repeats included.

Handlers that answer challenges are refused. requests' own `HTTPDigestAuth`,
requests-ntlm and requests-kerberos do not sign the request they are given: they
register a `response` hook, and when the 401 arrives the hook sends the answer itself,
through the connection adapter of the `requests.Session` that sent the first request
(`r.connection.send(...)`), then fixes up `response.history`. That second request never
passes through httpx, so Gatepost could neither show it as a hop in History nor apply the
request's TLS, proxy, timeout and cancel settings to it, and the hook needs a requests
`Response` with a live connection that Gatepost does not have. Rather than send half a
handshake, the adapter refuses such a handler with an AuthError before anything is sent,
and names the native schemes that do the same work as real hops (Digest, NTLM, Kerberos).
The one exception is a hook known to do nothing but sign a redirect again
(`REDIRECT_ONLY_HOOKS`, e.g. edgegrid-python's): the engine already runs the auth flow
for every redirect to the same origin, so that hook is dropped and the handler runs.

A handler that raises is reported as an AuthError naming it; nothing is sent.

Plug-ins: `scheme_for_requests_auth(name, cls)` makes a `Scheme` of an `AuthBase`
subclass that declares `gatepost_label`, `gatepost_help` and `gatepost_fields` exactly
as an httpx.Auth plug-in does (docs/auth-plugins.md): Gatepost calls the class with one
keyword argument per field and wraps the handler in the adapter. requests is an optional
dependency (`pip install 'gatepost[requests]'`); this module imports it only when used.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthClassScheme, AuthContext, AuthError, Scheme

if TYPE_CHECKING:
    import httpx
    from requests import PreparedRequest
    from requests.structures import CaseInsensitiveDict

    from .base import AuthFactory

INSTALL_HINT = "pip install 'gatepost[requests]'"
#: Response hooks (module.qualname) that only re-sign a redirect: Gatepost signs each
#: same-origin redirect hop through the auth flow anyway, so they are safe to drop.
REDIRECT_ONLY_HOOKS = frozenset({"akamai.edgegrid.edgegrid.EdgeGridAuth.handle_redirect"})


def is_requests_auth(obj: Any) -> bool:
    """Whether `obj` is a `requests.auth.AuthBase` subclass (without importing requests
    when it is not already loaded: a class that is one has loaded it)."""
    return isinstance(obj, type) and any(
        c.__module__ == "requests.auth" and c.__name__ == "AuthBase" for c in obj.__mro__)


def _handler_name(handler: Any) -> str:
    return getattr(handler, "gatepost_label", None) or type(handler).__name__


def _hook_name(hook: Any) -> str:
    return f"{getattr(hook, '__module__', '')}.{getattr(hook, '__qualname__', '')}"


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise AuthError("The requests auth handler set a body Gatepost cannot send "
                    f"({type(body).__name__}); only text or bytes bodies are carried back.")


@cache
def _auth_class() -> AuthFactory:
    class RequestsAuthAdapter(deferred.httpx.Auth):
        """Runs a `requests.auth.AuthBase` handler on each httpx request it is given."""

        requires_request_body = True

        def __init__(self, handler: Any, label: str | None = None) -> None:
            self.handler = handler
            self.label = label or _handler_name(handler)

        def prepared(self, request: httpx.Request) -> PreparedRequest:
            """The httpx request as requests would hand it to an auth handler."""
            prepared = deferred.requests.PreparedRequest()
            prepared.method = request.method
            prepared.url = str(request.url)
            headers: CaseInsensitiveDict[str | bytes] = \
                deferred.requests_structures.CaseInsensitiveDict()
            for name in request.headers:  # one name per key, repeats joined by ", "
                headers[name] = request.headers[name]
            prepared.headers = headers
            prepared.body = request.content or None
            prepared.hooks = deferred.requests_hooks.default_hooks()
            return prepared

        def auth_flow(self, request: httpx.Request):
            yield self.apply(request)

        def apply(self, request: httpx.Request) -> httpx.Request:
            """Call the handler and carry its changes back into `request` (the same
            object, so that the engine records it as the request, not an extra hop)."""
            prepared = self.prepared(request)
            before = dict(prepared.headers.lower_items())
            try:
                result = self.handler(prepared)
            except AuthError:
                raise
            except Exception as exc:  # noqa: BLE001 - any handler failure is the user's
                raise AuthError(f"The requests auth handler {self.label} failed: "
                                f"{type(exc).__name__}: {exc}") from None
            if result is not None:
                prepared = result
            if any(_hook_name(h) not in REDIRECT_ONLY_HOOKS
                   for h in prepared.hooks.get("response") or ()):
                raise AuthError(
                    f"The requests auth handler {self.label} registers a response hook "
                    "(to answer a challenge or re-sign a redirect behind the scenes), which "
                    "Gatepost cannot drive: every request it sends must be a hop you can "
                    "see in History. For challenges use the Digest, NTLM or Kerberos "
                    "scheme; redirects are re-signed by Gatepost itself.")
            url = _text(prepared.url or "")
            if url != str(request.url):
                try:
                    request.url = deferred.httpx.URL(url)
                except deferred.httpx.InvalidURL as exc:
                    raise AuthError(f"The requests auth handler {self.label} produced an "
                                    f"invalid URL: {exc}") from None
            after = {k: _text(v) for k, v in prepared.headers.lower_items()}
            for name in before.keys() - after.keys():
                del request.headers[name]
            for name, value in prepared.headers.items():
                if before.get(name.lower()) != _text(value):
                    request.headers[name] = _text(value)
            body = _body_bytes(prepared.body)
            if body != request.content:
                _set_content(request, body)
            return request

    return RequestsAuthAdapter


def _set_content(request: httpx.Request, body: bytes) -> None:
    """Replace the body of `request` in place, with a matching Content-Length."""
    request.stream = deferred.httpx.ByteStream(body)
    request._content = body  # what Request.read() caches; httpx is pinned <0.29
    if body or request.method not in ("GET", "HEAD", "OPTIONS"):
        request.headers["Content-Length"] = str(len(body))
    else:
        request.headers.pop("Content-Length", None)


def adapt(handler: Any, label: str | None = None) -> httpx.Auth:
    """An httpx.Auth that runs the requests auth handler `handler`."""
    return _auth_class()(handler, label)


class RequestsAuthScheme(AuthClassScheme):
    """A plug-in that is a `requests.auth.AuthBase` subclass, declared like an httpx one
    (AuthClassScheme); each send wraps a new handler in the adapter."""

    install_hint = INSTALL_HINT

    def available(self) -> bool:
        return deferred.optional("requests")

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        try:
            handler = self.cls(**self.values(values))
        except AuthError:
            raise
        except Exception as exc:  # noqa: BLE001 - a plug-in's failure is reported, not raised
            raise AuthError(f"{self.label} could not be set up: {type(exc).__name__}: "
                            f"{exc}") from None
        return adapt(handler, self.label)


def scheme_for_requests_auth(name: str, cls: type[Any]) -> Scheme:
    """The scheme for the `gatepost.auth` entry point `name` naming the requests auth
    handler class `cls`."""
    if not is_requests_auth(cls):
        raise TypeError(f"{cls!r} is not a requests.auth.AuthBase subclass")
    return RequestsAuthScheme(name, cls)
