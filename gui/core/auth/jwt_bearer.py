"""JWT Bearer: a JSON Web Token signed by Gatepost, fresh for every request.

The token is built and signed by joserfc (`joserfc.jwt.encode`); nothing here signs by
hand. This module only assembles the header and the claims, and loads the key so that a
missing, unreadable or mismatched key file, or a wrong passphrase, is reported before
sending:

- header: `alg`, `typ` (default `JWT`; empty leaves it out) and `kid` if set;
- claims: the extra claims (a JSON object), then `iss`, `sub`, `aud` from their fields
  when filled in, then `iat` and `nbf` = now, `exp` = now + lifetime and a random `jti`,
  computed anew for every request the auth flow signs (a retried or redirected request
  gets a new token too). An audience list can be given in the extra claims as `"aud"`
  with the Audience field left empty.

HS256/384/512 sign with the secret (its UTF-8 bytes); the others with the private key in
a PEM file: RSA for RS*/PS256, EC P-256 for ES256, EC P-384 for ES384, Ed25519 or Ed448
for EdDSA. Each signed token is listed in the auth's `secrets`, so that the record masks
it like any other bearer credential.
"""

from __future__ import annotations

import json
import math
import secrets
import time
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme
from .keys import load_pem_private_key

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
ALGORITHMS = (*HMAC_ALGORITHMS, "RS256", "RS384", "RS512", "PS256", "ES256", "ES384",
              "EdDSA")
#: Claims computed for every request; the extra claims may not set them.
TIME_CLAIMS = ("exp", "iat", "nbf", "jti")
#: What each non-HMAC algorithm needs, for messages.
KEY_NEEDS = {
    "RS256": "an RSA key", "RS384": "an RSA key", "RS512": "an RSA key",
    "PS256": "an RSA key", "ES256": "an EC key on the P-256 curve",
    "ES384": "an EC key on the P-384 curve", "EdDSA": "an Ed25519 or Ed448 key",
}


def _key_fits(algorithm: str, key: Any) -> bool:
    if algorithm.startswith(("RS", "PS")):
        return isinstance(key, deferred.rsa.RSAPrivateKey)
    if algorithm in ("ES256", "ES384"):
        curve = deferred.ec.SECP256R1 if algorithm == "ES256" else deferred.ec.SECP384R1
        return isinstance(key, deferred.ec.EllipticCurvePrivateKey) and isinstance(key.curve, curve)
    return isinstance(key, deferred.ed25519.Ed25519PrivateKey | deferred.ed448.Ed448PrivateKey)


def load_private_key(path: str, passphrase: str, algorithm: str,
                     what: str = "JWT key file") -> Any:
    """The joserfc key for the PEM private key in `path`. AuthError, naming the file,
    when it cannot be read, is not a PEM private key, needs another passphrase, or is
    the wrong type for `algorithm`."""
    key = load_pem_private_key(path, passphrase, what, "Key passphrase")
    if not _key_fits(algorithm, key):
        raise AuthError(f"The key in {path} does not fit {algorithm}, which needs "
                        f"{KEY_NEEDS[algorithm]}.")
    serialization = deferred.serialization
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    kind = deferred.jwk.RSAKey if algorithm.startswith(("RS", "PS")) else \
        deferred.jwk.ECKey if algorithm.startswith("ES") else deferred.jwk.OKPKey
    return kind.import_key(pem)


def _hmac_key(secret: str) -> Any:
    with warnings.catch_warnings():
        # A short secret is allowed (notes() says so); joserfc would warn.
        warnings.simplefilter("ignore", deferred.jose_errors.SecurityWarning)
        try:
            return deferred.jwk.OctKey.import_key(secret.encode("utf-8"))
        except ValueError:
            raise AuthError("The JWT Secret cannot be used as an HMAC secret (it is empty "
                            "or is a public key).") from None


def _lifetime(value: Any) -> float | None:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def _extra_claims(text: str) -> dict[str, Any] | None:
    """The extra claims, {} when empty; None when they are not a JSON object."""
    if not text.strip():
        return {}
    try:
        claims = json.loads(text)
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


@cache
def _auth_class() -> AuthFactory:
    class JwtBearerAuth(deferred.httpx.Auth):
        """Puts a freshly signed JWT in a header of each request it is given."""

        def __init__(self, key: Any, algorithm: str, header: dict[str, Any],
                     claims: dict[str, Any], lifetime: float, header_name: str,
                     prefix: str) -> None:
            self.key, self.algorithm = key, algorithm
            self.header, self.claims, self.lifetime = header, claims, lifetime
            self.header_name, self.prefix = header_name, prefix
            #: Every token signed, for masking in the record.
            self.secrets: list[str] = []

        def token(self, now: float | None = None) -> str:
            issued = int(time.time() if now is None else now)
            claims = {**self.claims, "iat": issued, "nbf": issued,
                      "exp": issued + math.ceil(self.lifetime),
                      "jti": secrets.token_urlsafe(16)}
            with warnings.catch_warnings():
                # joserfc warns that EdDSA is superseded (RFC 9864); it is still what
                # servers verify, and the user chose it.
                warnings.simplefilter("ignore", deferred.jose_errors.SecurityWarning)
                try:
                    token = deferred.jwt.encode(self.header, claims, self.key,
                                                algorithms=[self.algorithm],
                                                default_type=None)
                except (deferred.jose_errors.JoseError, ValueError, TypeError) as exc:
                    raise AuthError(f"JWT Bearer cannot sign with {self.algorithm}: "
                                    f"{exc}") from None
            self.secrets.append(token)
            return token

        def auth_flow(self, request: httpx.Request):
            token = self.token()
            request.headers[self.header_name] = f"{self.prefix} {token}" if self.prefix \
                else token
            yield request

    return JwtBearerAuth


class JwtBearerScheme(Scheme):
    id = "jwt-bearer"
    label = "JWT Bearer"
    help = ("Signs a JSON Web Token for every request (joserfc) and sends it as "
            "`Authorization: Bearer <token>`: HS256/384/512 with a secret, RS/PS/ES/EdDSA "
            "with a PEM private key. iat, nbf, exp and jti are set anew each time.")
    fields = (
        Field("algorithm", "Algorithm", FieldKind.CHOICE, default="HS256",
              choices=ALGORITHMS),
        Field("secret", "Secret", FieldKind.SECRET,
              help="The HMAC secret, for HS256, HS384 and HS512."),
        Field("private_key_file", "Private key", FieldKind.FILE,
              help="PEM file with the private key, for the RS, PS, ES and EdDSA "
                   "algorithms."),
        Field("key_passphrase", "Key passphrase", FieldKind.SECRET,
              help="Only if the key file is encrypted."),
        Field("issuer", "Issuer (iss)"),
        Field("subject", "Subject (sub)"),
        Field("audience", "Audience (aud)"),
        Field("lifetime", "Lifetime (seconds)", default="300",
              help="exp is the time of sending plus this many seconds."),
        Field("extra_claims", "Extra claims", placeholder='{"scope": "read"}',
              help="A JSON object of further claims."),
        Field("kid", "Key id (kid)", help="Put in the token's header if set."),
        Field("typ", "Type (typ)", default="JWT",
              help="The header's typ; empty leaves it out."),
        Field("header_name", "Header name", default="Authorization"),
        Field("prefix", "Prefix", default="Bearer",
              help="The word before the token; empty sends the token alone."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        values = self.values(values)
        algorithm = str(values["algorithm"])
        if algorithm in HMAC_ALGORITHMS:
            if not values["secret"]:
                problems.append(f"{algorithm} needs a Secret.")
            else:
                try:
                    _hmac_key(str(values["secret"]))
                except AuthError as exc:
                    problems.append(str(exc))
        elif algorithm in ALGORITHMS:
            path = str(values["private_key_file"] or "").strip()
            if not path:
                problems.append(f"{algorithm} needs a Private key file.")
            else:
                try:
                    load_private_key(path, str(values["key_passphrase"] or ""), algorithm)
                except AuthError as exc:
                    problems.append(str(exc))
        if _lifetime(values["lifetime"]) is None:
            problems.append("Lifetime must be a positive number of seconds.")
        claims = _extra_claims(str(values["extra_claims"] or ""))
        if claims is None:
            problems.append('Extra claims must be a JSON object, e.g. {"scope": "read"}.')
        elif set(claims) & set(TIME_CLAIMS):
            problems.append("Extra claims may not set exp, iat, nbf or jti: Gatepost sets "
                            "them for every request.")
        name = str(values["header_name"]).strip()
        if not name or any(c in name for c in " :\r\n"):
            problems.append("Header name must be one word, without spaces or colons.")
        return problems

    def notes(self, values: dict[str, Any]) -> list[str]:
        values = self.values(values)
        notes = []
        if values["algorithm"] in HMAC_ALGORITHMS and 0 < len(
                str(values["secret"] or "").encode("utf-8")) < 14:
            notes.append("The Secret is shorter than 112 bits (14 bytes): it is easy to "
                         "guess.")
        if values["algorithm"] == "EdDSA":
            notes.append("RFC 9864 deprecates the EdDSA algorithm name in favour of "
                         "Ed25519; use it only if the server asks for EdDSA.")
        return notes

    def build(self, values: dict[str, Any],
              context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        algorithm = str(values["algorithm"])
        if algorithm not in ALGORITHMS:
            raise AuthError(f"Unknown JWT algorithm {algorithm!r}.")
        if algorithm in HMAC_ALGORITHMS:
            if not values["secret"]:
                raise AuthError(f"{algorithm} needs a Secret.")
            key = _hmac_key(str(values["secret"]))
        else:
            path = str(values["private_key_file"] or "").strip()
            if not path:
                raise AuthError(f"{algorithm} needs a Private key file.")
            key = load_private_key(path, str(values["key_passphrase"] or ""), algorithm)
        lifetime = _lifetime(values["lifetime"])
        if lifetime is None:
            raise AuthError("Lifetime must be a positive number of seconds.")
        extra = _extra_claims(str(values["extra_claims"] or ""))
        if extra is None:
            raise AuthError('Extra claims must be a JSON object, e.g. {"scope": "read"}.')
        claims = {k: v for k, v in extra.items() if k not in TIME_CLAIMS}
        for claim, field in (("iss", "issuer"), ("sub", "subject"), ("aud", "audience")):
            if str(values[field] or "").strip():
                claims[claim] = str(values[field]).strip()
        header: dict[str, Any] = {"alg": algorithm}
        if str(values["typ"] or "").strip():
            header["typ"] = str(values["typ"]).strip()
        if str(values["kid"] or "").strip():
            header["kid"] = str(values["kid"]).strip()
        name = str(values["header_name"]).strip() or "Authorization"
        return _auth_class()(key, algorithm, header, claims, lifetime, name,
                             str(values["prefix"] or "").strip())
