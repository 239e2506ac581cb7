"""HTTP Digest (RFC 7616) on httpx.DigestAuth, with its limits turned into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import AuthContext, AuthError, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx

SUPPORTED = "MD5, MD5-sess, SHA, SHA-sess, SHA-256, SHA-256-sess, SHA-512, SHA-512-sess"


class DigestScheme(Scheme):
    id = "digest"
    label = "Digest"
    help = (f"HTTP Digest (RFC 7616). The server's challenge picks the algorithm ({SUPPORTED}) "
            "and qop (auth). Not supported by httpx: qop auth-int and SHA-512-256.")
    fields = (
        Field("username", "User name", required=True),
        Field("password", "Password", FieldKind.SECRET),
    )

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        import httpx

        class Digest(httpx.DigestAuth):
            # httpx raises NotImplementedError for auth-int and a bare KeyError for an
            # algorithm it lacks; both become a sentence naming what the server asked.
            def _build_auth_header(self, request, challenge):  # type: ignore[no-untyped-def]
                try:
                    return super()._build_auth_header(request, challenge)
                except KeyError as exc:
                    raise AuthError(
                        f"The server asked for Digest algorithm {challenge.algorithm}, which "
                        f"httpx does not support ({SUPPORTED} are).") from exc
                except NotImplementedError as exc:
                    raise AuthError(
                        "The server asked for Digest qop auth-int, which httpx does not "
                        "support.") from exc

        values = self.values(values)
        return Digest(values["username"], values["password"])
