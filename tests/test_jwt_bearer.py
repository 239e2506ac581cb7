"""JWT Bearer: tokens verified with joserfc and the public key, sent to a real httpbin."""

import json
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from gui.core.auth import AuthError
from gui.core.auth.jwt_bearer import JwtBearerScheme
from gui.core.model import RequestSpec
from tests.keys import public_pem

SECRET = "a-long-enough-hmac-secret-0123456789"
CLAIMS = {"issuer": "gatepost-tests", "subject": "user-42", "audience": "https://api.test",
          "lifetime": "120", "extra_claims": '{"scope": "read write", "n": 7}',
          "kid": "key-1"}


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "p256": ec.generate_private_key(ec.SECP256R1()),
            "p384": ec.generate_private_key(ec.SECP384R1()),
            "ed25519": ed25519.Ed25519PrivateKey.generate()}


def sign(values: dict, url: str = "https://api.test/x") -> httpx.Request:
    auth = JwtBearerScheme().build(values)
    return next(auth.sync_auth_flow(httpx.Request("GET", url)))


def token_of(request: httpx.Request, name: str = "Authorization", prefix: str = "Bearer "):
    value = request.headers[name]
    assert value.startswith(prefix)
    return value[len(prefix):]


def verify(token: str, key, algorithm: str):
    decoded = jwt.decode(token, key, algorithms=[algorithm])
    claims, header = decoded.claims, decoded.header
    assert header == {"alg": algorithm, "typ": "JWT", "kid": "key-1"}
    assert claims["iss"] == "gatepost-tests" and claims["sub"] == "user-42"
    assert claims["aud"] == "https://api.test"
    assert claims["scope"] == "read write" and claims["n"] == 7
    now = int(time.time())
    assert claims["iat"] == claims["nbf"] and abs(claims["iat"] - now) <= 2
    assert claims["exp"] == claims["iat"] + 120
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": "gatepost-tests"},
                          aud={"essential": True, "value": "https://api.test"}
                          ).validate(claims)
    return claims


def test_hs256_verifies_with_the_secret():
    request = sign({**CLAIMS, "algorithm": "HS256", "secret": SECRET})
    verify(token_of(request), OctKey.import_key(SECRET.encode()), "HS256")


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_hmac_algorithms(algorithm):
    request = sign({**CLAIMS, "algorithm": algorithm, "secret": SECRET})
    verify(token_of(request), OctKey.import_key(SECRET.encode()), algorithm)


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512", "PS256"])
def test_rsa_algorithms_verify_with_the_public_key(key_file, keys, algorithm):
    request = sign({**CLAIMS, "algorithm": algorithm, "private_key_file": key_file("rsa")})
    verify(token_of(request), RSAKey.import_key(public_pem(keys["rsa"])), algorithm)


def test_rs256_with_an_encrypted_key(key_file, keys):
    request = sign({**CLAIMS, "algorithm": "RS256", "key_passphrase": "open sesame",
                    "private_key_file": key_file("rsa", b"open sesame")})
    verify(token_of(request), RSAKey.import_key(public_pem(keys["rsa"])), "RS256")


@pytest.mark.parametrize(("algorithm", "key"), [("ES256", "p256"), ("ES384", "p384")])
def test_ec_algorithms_verify_with_the_public_key(key_file, keys, algorithm, key):
    request = sign({**CLAIMS, "algorithm": algorithm, "private_key_file": key_file(key)})
    verify(token_of(request), ECKey.import_key(public_pem(keys[key])), algorithm)


def test_eddsa_verifies_with_the_public_key(key_file, keys):
    request = sign({**CLAIMS, "algorithm": "EdDSA", "private_key_file": key_file("ed25519")})
    import warnings

    from joserfc.errors import SecurityWarning

    with warnings.catch_warnings():  # joserfc: "EdDSA is deprecated via RFC 9864"
        warnings.simplefilter("ignore", SecurityWarning)
        verify(token_of(request), OKPKey.import_key(public_pem(keys["ed25519"])), "EdDSA")
    assert any("RFC 9864" in n for n in JwtBearerScheme().notes({"algorithm": "EdDSA"}))


def test_a_fresh_token_for_every_request(engine, httpbin_url):
    auth = JwtBearerScheme().build({**CLAIMS, "secret": SECRET})
    first = engine.send(RequestSpec(url=f"{httpbin_url}/bearer"), auth=auth)
    second = engine.send(RequestSpec(url=f"{httpbin_url}/bearer"), auth=auth)
    assert first.response.status == second.response.status == 200
    assert len(auth.secrets) == 2 and auth.secrets[0] != auth.secrets[1]
    key = OctKey.import_key(SECRET.encode())
    jtis = {verify(token, key, "HS256")["jti"] for token in auth.secrets}
    assert len(jtis) == 2
    # The token is a credential: the record masks it in the request.
    for ex, token in zip((first, second), auth.secrets, strict=True):
        assert token not in json.dumps([h.request.headers for h in ex.hops])


def test_header_name_prefix_and_typ(echo_unmasked, engine, httpbin_url):
    values = {"secret": SECRET, "header_name": "X-Api-Token", "prefix": "", "typ": "",
              "kid": ""}
    request = sign(values)
    assert "Authorization" not in request.headers
    decoded = jwt.decode(request.headers["X-Api-Token"], OctKey.import_key(SECRET.encode()),
                         algorithms=["HS256"])
    assert decoded.header == {"alg": "HS256"}
    assert set(decoded.claims) == {"iat", "nbf", "exp", "jti"}
    assert decoded.claims["exp"] - decoded.claims["iat"] == 300  # the default lifetime
    request = sign({"secret": SECRET, "prefix": "JWT"})
    assert request.headers["Authorization"].startswith("JWT ey")
    auth = JwtBearerScheme().build(values)
    ex = engine.send(RequestSpec(url=f"{httpbin_url}/headers"), auth=auth)
    assert ex.response.status == 200
    assert json.loads(ex.response.body)["headers"]["X-Api-Token"] == auth.secrets[0]
    assert auth.secrets[0] not in json.dumps(ex.hops[0].request.headers)


def test_extra_claims_do_not_override_the_times():
    problems = JwtBearerScheme().check({"secret": SECRET, "extra_claims": '{"exp": 1}'})
    assert problems == ["Extra claims may not set exp, iat, nbf or jti: Gatepost sets them "
                        "for every request."]


def test_an_audience_list_in_the_extra_claims():
    request = sign({"secret": SECRET, "extra_claims": '{"aud": ["a", "b"]}'})
    claims = jwt.decode(token_of(request), OctKey.import_key(SECRET.encode()),
                        algorithms=["HS256"]).claims
    assert claims["aud"] == ["a", "b"]


def check(**values):
    return JwtBearerScheme().check(values)


def test_check_accepts_good_values(key_file):
    assert check(secret=SECRET) == []
    assert check(algorithm="ES256", private_key_file=key_file("p256")) == []


def test_check_missing_secret_or_key():
    assert check() == ["HS256 needs a Secret."]
    assert check(algorithm="HS512") == ["HS512 needs a Secret."]
    assert check(algorithm="RS256") == ["RS256 needs a Private key file."]


def test_check_key_files(tmp_path, key_file):
    missing = tmp_path / "nope.pem"
    assert check(algorithm="RS256", private_key_file=str(missing)) == [
        f"The JWT key file {missing} cannot be read (No such file or directory)."]
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n")
    assert check(algorithm="ES256", private_key_file=str(garbage)) == [
        f"The JWT key file {garbage} does not hold a PEM private key."]
    rsa_file = key_file("rsa")
    assert check(algorithm="ES256", private_key_file=rsa_file) == [
        f"The key in {rsa_file} does not fit ES256, which needs an EC key on the P-256 "
        "curve."]
    p384 = key_file("p384")
    assert check(algorithm="ES256", private_key_file=p384) == [
        f"The key in {p384} does not fit ES256, which needs an EC key on the P-256 curve."]
    assert check(algorithm="RS256", private_key_file=p384) == [
        f"The key in {p384} does not fit RS256, which needs an RSA key."]
    assert check(algorithm="EdDSA", private_key_file=rsa_file) == [
        f"The key in {rsa_file} does not fit EdDSA, which needs an Ed25519 or Ed448 key."]


def test_check_passphrases(key_file):
    encrypted = key_file("rsa", b"right horse")
    assert check(algorithm="RS256", private_key_file=encrypted) == [
        f"The JWT key file {encrypted} is encrypted: enter its passphrase."]
    problems = check(algorithm="RS256", private_key_file=encrypted,
                     key_passphrase="wrong battery")
    assert problems == [f"The Key passphrase for the JWT key file {encrypted} is wrong."]
    plain = key_file("rsa")
    assert check(algorithm="RS256", private_key_file=plain, key_passphrase="staple") == [
        f"The JWT key file {plain} is not encrypted: leave the Key passphrase empty."]


def test_check_claims_and_lifetime():
    not_object = 'Extra claims must be a JSON object, e.g. {"scope": "read"}.'
    assert check(secret=SECRET, extra_claims="[1, 2]") == [not_object]
    assert check(secret=SECRET, extra_claims="{scope: read}") == [not_object]
    for lifetime in ("0", "-5", "soon", "", "nan", "inf"):
        assert check(secret=SECRET, lifetime=lifetime) == [
            "Lifetime must be a positive number of seconds."], lifetime
    assert check(secret=SECRET, lifetime="90.5") == []
    assert check(secret=SECRET, header_name="Bad Name") == [
        "Header name must be one word, without spaces or colons."]


def test_messages_never_hold_a_secret(keys, key_file):
    secret = public_pem(keys["rsa"])
    problems = check(secret=secret)
    assert problems == ["The JWT Secret cannot be used as an HMAC secret (it is empty or is "
                        "a public key)."]
    encrypted = key_file("rsa", b"right horse")
    for p in check(algorithm="RS256", private_key_file=encrypted, key_passphrase="hunter22"):
        assert "hunter22" not in p
    assert any("112 bits" in n for n in JwtBearerScheme().notes({"secret": "short"}))


def test_build_refuses_what_check_reports(tmp_path):
    with pytest.raises(AuthError, match="HS256 needs a Secret"):
        JwtBearerScheme().build({})
    with pytest.raises(AuthError, match="Lifetime"):
        JwtBearerScheme().build({"secret": SECRET, "lifetime": "x"})
    with pytest.raises(AuthError, match="cannot be read"):
        JwtBearerScheme().build({"algorithm": "PS256",
                                 "private_key_file": str(tmp_path / "none.pem")})
