"""HTTP Digest (RFC 7616) on httpx.DigestAuth, with its limits turned into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import deferred
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
        class Digest(deferred.httpx.DigestAuth):
            # httpx unpacks each parameter as name=value without checking: a bare token
            # (`Digest realm="x", nonce`) or an empty value ends in ValueError/IndexError.
            def _parse_challenge(self, request, response, auth_header):
                try:
                    return super()._parse_challenge(request, response, auth_header)
                except (ValueError, IndexError) as exc:
                    raise AuthError(
                        "The server's Digest challenge could not be read: a parameter of "
                        "it is not in the form name=value. The raw header is in the "
                        "History tab.") from exc

            # httpx raises NotImplementedError for auth-int and a bare KeyError for an
            # algorithm it lacks; both become a sentence naming what the server asked.
            def _build_auth_header(self, request, challenge):
                try:
                    return super()._build_auth_header(request, challenge)
                except deferred.httpx.ProtocolError as exc:
                    # The one ProtocolError here: a qop that is neither auth nor auth-int.
                    qop = (challenge.qop or b"").decode("latin-1")
                    raise AuthError(f"The server's Digest challenge asks for qop {qop!r}, "
                                    "which is neither auth nor auth-int.") from exc
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
