"""Atlassian ASAP (Authentication for Services): a short-lived JWT, fresh for every request.

ASAP (https://s2sauth.bitbucket.io/spec/) is a profile of JWT; the token is signed by
joserfc, with the key loaded by JWT Bearer's `load_private_key` (so the same messages
for a missing, unreadable, encrypted or mismatched key file). What the profile adds, as
atlassian-jwt-auth implements it on both sides (its signer and `JWTAuthVerifier`):

- header: `alg` and `kid`. The key id is required, may hold only letters, digits and
  `_ . - + /`, must be a normalised relative path, and must be the issuer or start with
  the issuer and `/`: receivers look the public key up by it and refuse a key the issuer
  does not own.
- claims: the extra claims (a JSON object), then `iss`, `sub` (the subject, else the
  issuer: receivers by default refuse a subject that differs from the issuer), `aud`
  (one audience, or a list when several are given separated by commas), and, anew for
  every request the auth flow signs, `iat` = `nbf` = now, `exp` = now + lifetime (at
  most one hour, which receivers enforce) and a random `jti`.
- sent as `Authorization: Bearer <token>`; each token is listed in the auth's `secrets`
  so that the record masks it.

The algorithms offered are those ASAP permits that the shared key loader knows:
RS256/384/512, PS256, ES256 and ES384.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme
from .jwt_bearer import load_private_key

#: How messages name the key file.
KEY_FILE = "ASAP private key file"

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
MAX_LIFETIME = 3600
#: Claims Gatepost sets from the fields or for every request; extra claims may not.
OWN_CLAIMS = ("iss", "sub", "aud", "iat", "nbf", "exp", "jti")
_KID = re.compile(r"^[\w.\-+/]+$")


def _lifetime(value: Any) -> int | None:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    seconds = int(text)
    return seconds if 0 < seconds <= MAX_LIFETIME else None


def _extra_claims(text: str) -> dict[str, Any]:
    """The extra claims, {} when empty. ValueError, with a reason, when they are not a
    JSON object."""
    if not text.strip():
        return {}
    try:
        claims = json.loads(text)
    except ValueError as exc:
        reason = getattr(exc, "msg", str(exc))
        raise ValueError(f"{reason} (line {getattr(exc, 'lineno', 1)}, column "
                         f"{getattr(exc, 'colno', 1)})") from None
    if not isinstance(claims, dict):
        kind = ("an array" if isinstance(claims, list) else "a string"
                if isinstance(claims, str) else "null" if claims is None
                else "true or false" if isinstance(claims, bool) else "a number")
        raise ValueError(f"it is {kind}")
    return claims


def _kid_problem(kid: str, issuer: str) -> str | None:
    if not _KID.match(kid) or os.path.normpath(kid) != kid or kid.startswith("/") \
            or ".." in kid:
        return ("Key id may hold only letters, digits and _ . - + / and must be a "
                "relative path such as issuer/key-1.")
    if issuer and kid != issuer and not kid.startswith(f"{issuer}/"):
        return (f"Key id must be the issuer or start with {issuer}/: ASAP receivers refuse "
                "a key the issuer does not own.")
    return None


def _audience(text: str) -> str | list[str]:
    names = [a.strip() for a in text.split(",") if a.strip()]
    return names[0] if len(names) == 1 else names


@cache
def _auth_class() -> AuthFactory:
    class AsapAuth(deferred.httpx.Auth):
        """Puts a freshly signed ASAP token in the Authorization header of each request."""

        def __init__(self, key: Any, algorithm: str, kid: str, claims: dict[str, Any],
                     lifetime: int) -> None:
            self.key, self.algorithm, self.kid = key, algorithm, kid
            self.claims, self.lifetime = claims, lifetime
            #: Every token signed, for masking in the record.
            self.secrets: list[str] = []

        def token(self, now: float | None = None) -> str:
            issued = int(time.time() if now is None else now)
            claims = {**self.claims, "iat": issued, "nbf": issued,
                      "exp": issued + self.lifetime, "jti": secrets.token_urlsafe(16)}
            try:
                token = deferred.jwt.encode({"alg": self.algorithm, "kid": self.kid},
                                            claims, self.key, algorithms=[self.algorithm])
            except (deferred.jose_errors.JoseError, ValueError, TypeError) as exc:
                raise AuthError(f"ASAP cannot sign with {self.algorithm}: {exc}") from None
            self.secrets.append(token)
            return token

        def auth_flow(self, request: httpx.Request):
            request.headers["Authorization"] = f"Bearer {self.token()}"
            yield request

    return AsapAuth


class AsapScheme(Scheme):
    id = "asap"
    label = "Atlassian ASAP"
    help = ("Atlassian ASAP (service-to-service JWT): a token signed with your PEM private "
            "key for every request, with iss, sub, aud, a key id and a lifetime of at most "
            "an hour, sent as `Authorization: Bearer <token>`.")
    fields = (
        Field("issuer", "Issuer (iss)", required=True, placeholder="my-service"),
        Field("kid", "Key id (kid)", required=True, placeholder="my-service/key-1",
              help="The issuer, or the issuer then / and the key's name."),
        Field("audience", "Audience (aud)", required=True, placeholder="their-service",
              help="The receiving service; several separated by commas."),
        Field("subject", "Subject (sub)", help="Empty: the issuer."),
        Field("lifetime", "Lifetime (seconds)", default="60",
              help="exp is the time of sending plus this many seconds (at most 3600)."),
        Field("private_key_file", "Private key", FieldKind.FILE, required=True,
              help="PEM file with the private key: RSA for RS*/PS256, EC P-256 or P-384 "
                   "for ES256/ES384."),
        Field("key_passphrase", "Key passphrase", FieldKind.SECRET,
              help="Only if the key file is encrypted."),
        Field("algorithm", "Algorithm", FieldKind.CHOICE, default="RS256",
              choices=ALGORITHMS),
        Field("extra_claims", "Extra claims", placeholder='{"scope": "read"}',
              help="A JSON object of further claims."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        values = self.values(values)
        issuer = str(values["issuer"] or "").strip()
        kid = str(values["kid"] or "").strip()
        if kid:
            problem = _kid_problem(kid, issuer)
            if problem:
                problems.append(problem)
        if str(values["audience"] or "").strip() and not _audience(str(values["audience"])):
            problems.append("Audience (aud) names no audience.")
        if _lifetime(values["lifetime"]) is None:
            problems.append(f"Lifetime must be a whole number of seconds from 1 to "
                            f"{MAX_LIFETIME}.")
        try:
            claims = _extra_claims(str(values["extra_claims"] or ""))
        except ValueError as exc:
            problems.append(f"The extra claims are not a JSON object: {exc}.")
        else:
            if set(claims) & set(OWN_CLAIMS):
                problems.append("Extra claims may not set " + ", ".join(OWN_CLAIMS) +
                                ": they come from the fields or are set for every request.")
        path = str(values["private_key_file"] or "").strip()
        algorithm = str(values["algorithm"])
        if path and algorithm in ALGORITHMS:
            try:
                load_private_key(path, str(values["key_passphrase"] or ""), algorithm,
                                 KEY_FILE)
            except AuthError as exc:
                problems.append(str(exc))
        return problems

    def notes(self, values: dict[str, Any]) -> list[str]:
        values = self.values(values)
        subject = str(values["subject"] or "").strip()
        if subject and subject != str(values["issuer"] or "").strip():
            return ["The subject differs from the issuer: receivers using "
                    "atlassian-jwt-auth's defaults refuse such tokens."]
        return []

    def build(self, values: dict[str, Any],
              context: AuthContext | None = None) -> httpx.Auth:
        problems = self.check(values)
        if problems:
            raise AuthError(f"{self.label}: " + " ".join(problems))
        values = self.values(values)
        algorithm = str(values["algorithm"])
        key = load_private_key(str(values["private_key_file"]).strip(),
                               str(values["key_passphrase"] or ""), algorithm, KEY_FILE)
        issuer = str(values["issuer"]).strip()
        claims = {**_extra_claims(str(values["extra_claims"] or "")), "iss": issuer,
                  "sub": str(values["subject"] or "").strip() or issuer,
                  "aud": _audience(str(values["audience"]))}
        lifetime = _lifetime(values["lifetime"])
        assert lifetime is not None  # check() said so
        return _auth_class()(key, algorithm, str(values["kid"]).strip(), claims, lifetime)
