"""The schemes that need no protocol library: none, inherit, basic, bearer, API key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory


class NoAuth(Scheme):
    id = "none"
    label = "No auth"
    help = "Send the request without credentials."

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> None:
        return None


class InheritAuth(Scheme):
    id = "inherit"
    label = "Inherit"
    help = ("Use the auth of the folder or collection the request belongs to. This request "
            "is not in a collection, so it inherits nothing and is sent without auth.")

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> None:
        return None


class BasicScheme(Scheme):
    id = "basic"
    label = "Basic"
    help = "HTTP Basic (RFC 7617): user name and password in every request, base64-encoded."
    fields = (
        Field("username", "User name", required=True),
        Field("password", "Password", FieldKind.SECRET),
    )

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        return deferred.httpx.BasicAuth(values["username"], values["password"])


def _bearer_class() -> AuthFactory:
    class HeaderAuth(deferred.httpx.Auth):
        """Sets one header to a fixed value, inside the auth flow."""

        def __init__(self, name: str, value: str) -> None:
            self._name, self._value = name, value

        def auth_flow(self, request: httpx.Request):
            request.headers[self._name] = self._value
            yield request

    return HeaderAuth


class BearerScheme(Scheme):
    id = "bearer"
    label = "Bearer token"
    help = "Sends `Authorization: Bearer <token>` (RFC 6750); the prefix can be changed."
    fields = (
        Field("token", "Token", FieldKind.SECRET, required=True),
        Field("prefix", "Prefix", default="Bearer",
              help="The word before the token; empty sends the token alone."),
    )

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        prefix = str(values["prefix"]).strip()
        token = str(values["token"])
        return _bearer_class()("Authorization", f"{prefix} {token}" if prefix else token)


class ApiKeyScheme(Scheme):
    id = "apikey"
    label = "API key"
    help = "Sends a key in a header, a query parameter or a cookie."
    fields = (
        Field("name", "Key name", required=True, placeholder="X-API-Key"),
        Field("value", "Key", FieldKind.SECRET, required=True),
        Field("location", "Send it in", FieldKind.CHOICE, default="header",
              choices=("header", "query", "cookie")),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        name = str(self.values(values)["name"])
        if name and any(c in name for c in " :;=\r\n"):
            problems.append(f"Key name {name!r} may not contain spaces, colons, semicolons "
                            "or equals signs.")
        return problems

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        name, value, location = str(values["name"]), str(values["value"]), values["location"]
        if location == "header":
            return _bearer_class()(name, value)

        class ApiKeyAuth(deferred.httpx.Auth):
            def auth_flow(self, request: httpx.Request):
                if location == "query":
                    request.url = request.url.copy_add_param(name, value)
                else:
                    cookie = request.headers.get("Cookie")
                    pair = f"{name}={value}"
                    request.headers["Cookie"] = f"{cookie}; {pair}" if cookie else pair
                yield request

        if location not in ("query", "cookie"):
            raise AuthError(f"An API key cannot be sent in {location!r}.")
        return ApiKeyAuth()
