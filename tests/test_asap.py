"""Atlassian ASAP: tokens signed by Gatepost (joserfc), verified by atlassian-jwt-auth's
JWTAuthVerifier in a receiver on 127.0.0.1 and with the public key through joserfc."""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest
from atlassian_jwt_auth import JWTAuthVerifier
from atlassian_jwt_auth.key import BasePublicKeyRetriever
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from gui.core.auth import AuthError
from gui.core.auth.asap import AsapScheme
from gui.core.model import AuthConfig, RequestSpec
from tests.keys import public_pem
from tests.servers import handler_server

ISSUER, KID, AUDIENCE = "gatepost-tests", "gatepost-tests/key-1", "their-service"


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "other-rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "p256": ec.generate_private_key(ec.SECP256R1()),
            "p384": ec.generate_private_key(ec.SECP384R1())}


class StaticRetriever(BasePublicKeyRetriever):
    """Public keys by key id, as a key repository would serve them."""

    def __init__(self, by_kid: dict[str, str]) -> None:
        self.by_kid = by_kid

    def retrieve(self, key_identifier, **kwargs) -> str:
        return self.by_kid[key_identifier.key_id]


class AsapReceiver(BaseHTTPRequestHandler):
    """200 and the claims when atlassian-jwt-auth's verifier accepts the bearer token for
    the audience `their-service` (a jti seen before is refused), 401 and why otherwise."""

    verifier: JWTAuthVerifier

    def handle_any(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = self.verifier.verify_jwt(token, AUDIENCE)
        except Exception as exc:  # noqa: BLE001 - any refusal is a 401 with its reason
            self.reply(401, {"error": f"{type(exc).__name__}: {exc}"})
        else:
            self.reply(200, claims)

    do_GET = do_POST = handle_any

    def reply(self, status: int, doc: dict) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def asap_server(public_keys: dict[str, str]) -> Iterator[str]:
    verifier = JWTAuthVerifier(StaticRetriever(public_keys), check_jti_uniqueness=True)
    handler = type("Receiver", (AsapReceiver,), {"verifier": verifier})
    with handler_server(handler) as url:
        yield url


@pytest.fixture(scope="module")
def asap_url(keys):
    with asap_server({KID: public_pem(keys["rsa"]), f"{ISSUER}/ec256": public_pem(keys["p256"]),
                      f"{ISSUER}/ec384": public_pem(keys["p384"]),
                      ISSUER: public_pem(keys["rsa"])}) as url:
        yield url


def values(key_file, **more) -> dict:
    return {"issuer": ISSUER, "kid": KID, "audience": AUDIENCE,
            "private_key_file": key_file("rsa"), **more}


def send(engine, url: str, auth_values: dict):
    ex = engine.send(RequestSpec(url=url, auth=AuthConfig("asap", auth_values)))
    assert ex.error is None, ex.error
    return ex.response.status, json.loads(ex.response.body)


@pytest.mark.parametrize(("algorithm", "key", "kid"), [
    ("RS256", "rsa", KID), ("RS384", "rsa", KID), ("RS512", "rsa", KID),
    ("PS256", "rsa", KID), ("ES256", "p256", f"{ISSUER}/ec256"),
    ("ES384", "p384", f"{ISSUER}/ec384"),
])
def test_the_atlassian_verifier_accepts_each_algorithm(engine, asap_url, key_file, algorithm,
                                                      key, kid):
    status, claims = send(engine, f"{asap_url}/x", values(
        key_file, algorithm=algorithm, kid=kid, private_key_file=key_file(key)))
    assert status == 200, claims
    assert claims["iss"] == claims["sub"] == ISSUER and claims["aud"] == AUDIENCE


def test_claims_and_header_verified_with_joserfc(keys, key_file):
    auth = AsapScheme().build(values(key_file, extra_claims='{"scope": "read", "n": 7}'))
    before = int(time.time())
    token = auth.token()
    after = int(time.time()) + 1
    decoded = jwt.decode(token, RSAKey.import_key(public_pem(keys["rsa"])),
                         algorithms=["RS256"])
    assert decoded.header == {"alg": "RS256", "kid": KID, "typ": "JWT"}
    claims = decoded.claims
    assert before <= claims["iat"] <= after and claims["nbf"] == claims["iat"]
    assert claims["exp"] == claims["iat"] + 60  # the default lifetime
    assert (claims["iss"], claims["sub"], claims["aud"]) == (ISSUER, ISSUER, AUDIENCE)
    assert claims["scope"] == "read" and claims["n"] == 7
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER},
                          aud={"essential": True, "value": AUDIENCE}).validate(claims)


def test_es256_verified_with_joserfc(keys, key_file):
    auth = AsapScheme().build(values(key_file, algorithm="ES256", kid=f"{ISSUER}/ec256",
                                     private_key_file=key_file("p256")))
    decoded = jwt.decode(auth.token(), ECKey.import_key(public_pem(keys["p256"])),
                         algorithms=["ES256"])
    assert decoded.header["kid"] == f"{ISSUER}/ec256"


def test_subject_audience_list_and_lifetime(keys, key_file):
    auth = AsapScheme().build(values(key_file, subject="user-7", audience="a, b",
                                     lifetime="3600"))
    claims = jwt.decode(auth.token(), RSAKey.import_key(public_pem(keys["rsa"])),
                        algorithms=["RS256"]).claims
    assert claims["sub"] == "user-7" and claims["aud"] == ["a", "b"]
    assert claims["exp"] - claims["iat"] == 3600
    verifier = JWTAuthVerifier(StaticRetriever({KID: public_pem(keys["rsa"])}),
                               subject_should_match_issuer=False)
    assert verifier.verify_jwt(auth.token(), "b")["sub"] == "user-7"
    assert AsapScheme().notes(values(key_file, subject="user-7")) == [
        "The subject differs from the issuer: receivers using atlassian-jwt-auth's defaults "
        "refuse such tokens."]
    assert AsapScheme().notes(values(key_file, subject=ISSUER)) == []


def test_an_encrypted_key(engine, asap_url, key_file):
    status, _ = send(engine, f"{asap_url}/x", values(
        key_file, private_key_file=key_file("rsa", b"open sesame"),
        key_passphrase="open sesame"))
    assert status == 200


def test_a_key_the_receiver_does_not_know_gets_401(engine, asap_url, key_file):
    status, doc = send(engine, f"{asap_url}/x", values(
        key_file, private_key_file=key_file("other-rsa")))
    assert status == 401 and "Signature" in doc["error"]


def test_a_fresh_token_for_every_request_and_masked(engine, asap_url, key_file):
    auth = AsapScheme().build(values(key_file))
    jtis = set()
    for _ in range(2):
        ex = engine.send(RequestSpec(url=f"{asap_url}/again"), auth=auth)
        assert ex.response.status == 200  # the receiver refuses a jti it has seen
        jtis.add(json.loads(ex.response.body)["jti"])
        assert dict(ex.hops[0].request.headers)["Authorization"] == "Bearer ****"
    assert len(jtis) == 2 and len(set(auth.secrets)) == 2
    # Through the spec, too: the scheme's tokens are masked by the engine.
    ex = engine.send(RequestSpec(url=f"{asap_url}/spec", auth=AuthConfig("asap",
                                                                          values(key_file))))
    assert ex.response.status == 200
    assert dict(ex.hops[0].request.headers)["Authorization"] == "Bearer ****"


def check(**values):
    return AsapScheme().check(values)


def test_required_fields():
    assert check() == ["Issuer (iss) is required.", "Key id (kid) is required.",
                       "Audience (aud) is required.", "Private key is required."]


def test_key_ids(key_file):
    assert check(**values(key_file, kid=ISSUER)) == []
    assert check(**values(key_file, kid="someone-else/key-1")) == [
        f"Key id must be the issuer or start with {ISSUER}/: ASAP receivers refuse a key "
        "the issuer does not own."]
    for bad in ("../key", "/abs/key", "a//b", "has space", "a/./b"):
        assert check(**values(key_file, kid=bad)) == [
            "Key id may hold only letters, digits and _ . - + / and must be a relative path "
            "such as issuer/key-1."], bad


def test_lifetime_and_audience(key_file):
    for bad in ("0", "3601", "-5", "60.5", "soon", ""):
        assert check(**values(key_file, lifetime=bad)) == [
            "Lifetime must be a whole number of seconds from 1 to 3600."], bad
    assert check(**values(key_file, audience=" , ")) == ["Audience (aud) names no audience."]


def test_extra_claims(key_file):
    assert check(**values(key_file, extra_claims="{scope: read}")) == [
        "The extra claims are not a JSON object: Expecting property name enclosed in double "
        "quotes (line 1, column 2)."]
    assert check(**values(key_file, extra_claims="[1]")) == [
        "The extra claims are not a JSON object: it is an array."]
    assert check(**values(key_file, extra_claims='{"exp": 1}')) == [
        "Extra claims may not set iss, sub, aud, iat, nbf, exp, jti: they come from the "
        "fields or are set for every request."]
    with pytest.raises(AuthError, match=r"^Atlassian ASAP: The extra claims are not a JSON "
                                        r"object: it is a string\.$"):
        AsapScheme().build(values(key_file, extra_claims='"x"'))


def test_key_files(tmp_path, key_file):
    missing = tmp_path / "nope.pem"
    assert check(**values(key_file, private_key_file=str(missing))) == [
        f"The ASAP private key file {missing} cannot be read (No such file or directory)."]
    encrypted = key_file("rsa", b"right horse")
    assert check(**values(key_file, private_key_file=encrypted,
                          key_passphrase="wrong battery")) == [
        f"The Key passphrase for the ASAP private key file {encrypted} is wrong."]
    assert check(**values(key_file, private_key_file=encrypted)) == [
        f"The ASAP private key file {encrypted} is encrypted: enter its passphrase."]
    p256 = key_file("p256")
    assert check(**values(key_file, private_key_file=p256)) == [
        f"The key in {p256} does not fit RS256, which needs an RSA key."]
    rsa_file = key_file("rsa")
    assert check(**values(key_file, algorithm="ES384", private_key_file=rsa_file)) == [
        f"The key in {rsa_file} does not fit ES384, which needs an EC key on the P-384 curve."]
    assert check(**values(key_file, algorithm="HS256")) == [
        "Algorithm must be one of RS256, RS384, RS512, PS256, ES256, ES384."]
    with pytest.raises(AuthError,
                       match=r"^Atlassian ASAP: The ASAP private key file .* cannot be read"):
        AsapScheme().build(values(key_file, private_key_file=str(missing)))


def test_the_engine_sends_nothing_for_bad_input(engine, asap_url, key_file):
    spec = RequestSpec(url=f"{asap_url}/x", auth=AuthConfig(
        "asap", values(key_file, key_passphrase="not-encrypted-so-wrong")))
    ex = engine.send(spec)
    assert ex.hops == [] and ex.error.kind == "invalid_request"
    assert "is not encrypted: leave the Key passphrase empty" in ex.error.message
    assert "not-encrypted-so-wrong" not in ex.error.message
