"""Akamai EdgeGrid: Gatepost's own signer against Akamai's test vectors, byte for byte
against edgegrid-python's EdgeGridAuth run through the requests adapter, and sent by the
engine to a receiver on 127.0.0.1 that checks the signature with edgegrid-python."""

import asyncio
import base64
import hashlib
import json
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import akamai.edgegrid.edgegrid as eg
import httpx
import pytest
from akamai.edgegrid import EdgeGridAuth
from requests.structures import CaseInsensitiveDict

from gui.core.auth import AuthError
from gui.core.auth import edgegrid as native
from gui.core.auth.edgegrid import EdgeGridScheme
from gui.core.auth.requests_adapter import adapt
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from tests.servers import handler_server

VECTORS = Path(__file__).parent / "data" / "edgegrid"
DATA = json.loads((VECTORS / "testdata.json").read_text())
CASES = json.loads((VECTORS / "testcases.json").read_text())
TIMESTAMP, NONCE = "20140321T19:34:21+0000", "nonce-xx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
CREDS = {"client_token": "akab-client-token-xxx", "client_secret": "c2VjcmV0LXNlY3JldA==",
         "access_token": "akab-access-token-xxx"}


def vector_values() -> dict:
    return {"client_token": DATA["client_token"], "client_secret": DATA["client_secret"],
            "access_token": DATA["access_token"],
            "headers_to_sign": ", ".join(DATA["headers_to_sign"]),
            "max_body": str(DATA["max_body"])}


def vector_request(case: dict) -> httpx.Request:
    headers = {k: v for h in case["request"].get("headers", []) for k, v in h.items()}
    return httpx.Request(case["request"]["method"],
                         urljoin(DATA["base_url"], case["request"]["path"]),
                         headers=headers, content=case["request"].get("data"))


@pytest.mark.parametrize("case", CASES, ids=[c["testName"] for c in CASES])
def test_akamai_test_vectors(case):
    auth = EdgeGridScheme().build(vector_values(), timestamp=lambda: TIMESTAMP,
                                  nonce=lambda: NONCE)
    request = vector_request(case)
    if "expectedDataToSign" in case:
        assert native.data_to_sign(request, "", auth.headers_to_sign,
                                   auth.max_body) == case["expectedDataToSign"]
    # "Header with leading and interior spaces" fails in requests (it refuses the value)
    # but httpx sends it, and Akamai's expected header still applies.
    assert auth.sign(request).headers["Authorization"] == case["expectedAuthorization"]


def test_akamai_signing_key_and_content_hash():
    assert native.signing_key(DATA["client_secret"], DATA["timestamp"]) == \
        DATA["sign_key_test"]
    assert native.content_hash("POST", b"test_body", DATA["max_body"]) == \
        DATA["content_hash_test"]


class Recorder(httpx.Auth):
    """Runs an auth and keeps the Authorization header of what it yields, as sent."""

    requires_request_body = True

    def __init__(self, inner: httpx.Auth) -> None:
        self.inner = inner
        self.headers: list[str] = []

    def auth_flow(self, request):
        for outgoing in self.inner.sync_auth_flow(request):
            self.headers.append(outgoing.headers["Authorization"])
            yield outgoing


class EdgeGridReceiver(BaseHTTPRequestHandler):
    """200 when the request's EG1 signature is what edgegrid-python computes for it with
    the receiver's copy of the credentials (timestamp and nonce taken from the header),
    401 otherwise. Path `…/sign=a,b` lists the headers to sign, `…/max=N` the max body;
    `/r?then307=LOCATION` answers a well-signed request with a 307 to LOCATION. The
    Authorization header comes back in X-Echo-Authorization, as some servers echo it,
    and each request's (path, Authorization or None) is kept in `seen`."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def read_body(self) -> bytes:
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b""
        while size := int(self.rfile.readline().split(b";")[0], 16):
            body += self.rfile.read(size)
            self.rfile.readline()
        self.rfile.readline()  # the CRLF after the last chunk (no trailers are sent)
        return body

    def handle_any(self) -> None:
        body = self.read_body()
        given = self.headers.get("Authorization", "")
        self.seen.append((self.path, self.headers.get("Authorization")))
        fields = dict(p.split("=", 1) for p in given.removeprefix("EG1-HMAC-SHA256 ")
                      .split(";") if "=" in p)
        signed = re.search(r"/sign=([^/?]*)", self.path)
        maximum = re.search(r"/max=(\d+)", self.path)
        signer = eg.EdgeGridAuthHeaders(
            CREDS["client_token"], CREDS["client_secret"], CREDS["access_token"],
            headers_to_sign=signed.group(1).split(",") if signed else (),
            max_body=int(maximum.group(1)) if maximum else 131072)

        class Prepared:  # what make_auth_header reads of a requests.PreparedRequest
            method, url = self.command, f"http://{self.headers['Host']}{self.path}"
            headers = CaseInsensitiveDict(dict(self.headers.items()))

        Prepared.body = body
        expected = signer.make_auth_header(Prepared, fields.get("timestamp", ""),
                                           fields.get("nonce", ""))
        ok = given == expected
        data = json.dumps({"ok": ok}).encode()
        to = parse_qs(urlsplit(self.path).query).get("then307")
        self.send_response((307 if to else 200) if ok else 401)
        if ok and to:
            self.send_header("Location", to[0])
        self.send_header("X-Echo-Authorization", given)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def edgegrid_url():
    with handler_server(EdgeGridReceiver) as url:
        yield url


@pytest.fixture
def fixed_reference(monkeypatch):
    """edgegrid-python's own clock and nonce, fixed (their names in
    akamai/edgegrid/edgegrid.py: eg_timestamp, new_nonce)."""
    monkeypatch.setattr(eg, "eg_timestamp", lambda: TIMESTAMP)
    monkeypatch.setattr(eg, "new_nonce", lambda: NONCE)


LONG = "0123456789" * 5  # 50 bytes
SPECS = {
    "get-query": (RequestSpec(url="{}/api/v1/items?b=2&a=x%20y&a=1"), {}),
    "get-params-in-path": (RequestSpec(url="{}/api/configs/111;222?from=1&to=%2F"), {}),
    "post-body": (RequestSpec("POST", "{}/api/v1/items",
                              body=Body(BodyKind.JSON, text='{"name": "ü", "n": [1, 2]}')),
                  {}),
    "post-longer-than-max-body": (RequestSpec("POST", "{}/max=16/upload",
                                              body=Body(BodyKind.RAW, text=LONG)),
                                  {"max_body": "16"}),
    "post-equal-to-max-body": (RequestSpec("POST", "{}/max=50/upload",
                                           body=Body(BodyKind.RAW, text=LONG)),
                               {"max_body": "50"}),
    "post-empty": (RequestSpec("POST", "{}/api/empty"), {}),
    "put-body-not-hashed": (RequestSpec("PUT", "{}/api/put",
                                        body=Body(BodyKind.RAW, text=LONG)), {}),
    "post-form": (RequestSpec("POST", "{}/api/form",
                              body=Body(BodyKind.FORM, rows=[Row("a", "1"), Row("b", "x y")])),
                  {}),
    "headers-to-sign": (RequestSpec(
        url="{}/sign=x-b,x-a,x-missing/h",
        headers=[Row("X-A", "spaced   out\t value"), Row("X-B", "two"),
                 Row("X-Other", "unsigned")]),
        {"headers_to_sign": "X-B, x-a ,X-Missing"}),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_native_equals_edgegrid_python_through_the_adapter(engine, edgegrid_url,
                                                          fixed_reference, name):
    spec, extra = SPECS[name]
    values = {**CREDS, **extra}
    names = native.parse_headers_to_sign(values.get("headers_to_sign", ""))
    max_body = int(values.get("max_body", 131072))
    sent = {}
    for which, auth in [
        ("native", EdgeGridScheme().build(values, timestamp=lambda: TIMESTAMP,
                                          nonce=lambda: NONCE)),
        ("edgegrid-python", adapt(EdgeGridAuth(CREDS["client_token"],
                                               CREDS["client_secret"],
                                               CREDS["access_token"],
                                               headers_to_sign=names,
                                               max_body=max_body))),
    ]:
        recorder = Recorder(auth)
        this = RequestSpec(spec.method, spec.url.format(edgegrid_url), headers=spec.headers,
                           body=spec.body)
        ex = engine.send(this, auth=recorder)
        assert ex.error is None, ex.error
        assert ex.response.status == 200, (which, ex.response.body)
        assert len(recorder.headers) == 1
        sent[which] = recorder.headers[0]
    assert sent["native"] == sent["edgegrid-python"]
    assert sent["native"].startswith(
        f"EG1-HMAC-SHA256 client_token={CREDS['client_token']};access_token="
        f"{CREDS['access_token']};timestamp={TIMESTAMP};nonce={NONCE};signature=")


def test_the_body_past_max_body_is_not_signed(edgegrid_url):
    auth = EdgeGridScheme().build({**CREDS, "max_body": "16"})
    with httpx.Client(auth=auth) as client:
        url = f"{edgegrid_url}/max=16/p"
        assert client.post(url, content=LONG).status_code == 200
        signed = httpx.Request("POST", url, content=LONG)
        header = auth.sign(signed).headers["Authorization"]
        # Changing a byte past the first 16 keeps the signature valid (Akamai's rule)…
        tail = client.post(url, content=LONG[:16] + "X" + LONG[17:],
                           headers={"Authorization": header}, auth=None)
        assert tail.status_code == 200
        # …changing one inside them does not.
        head = client.post(url, content="X" + LONG[1:], headers={"Authorization": header},
                           auth=None)
        assert head.status_code == 401


def test_wrong_secret_gets_401(engine, edgegrid_url):
    spec = RequestSpec(url=f"{edgegrid_url}/x",
                       auth=AuthConfig("edgegrid", {**CREDS, "client_secret": "wrong"}))
    assert engine.send(spec).response.status == 401


def test_fresh_timestamp_and_nonce_per_request(engine, edgegrid_url):
    auth = Recorder(EdgeGridScheme().build(CREDS))
    for _ in range(2):
        assert engine.send(RequestSpec(url=f"{edgegrid_url}/x"), auth=auth).response \
            .status == 200
    nonces = [re.search(r"nonce=([^;]+);", h).group(1) for h in auth.headers]
    assert len(set(nonces)) == 2
    for header in auth.headers:
        assert re.search(r"timestamp=\d{8}T\d\d:\d\d:\d\d\+0000;", header)
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                            r"[0-9a-f]{12}", re.search(r"nonce=([^;]+);", header).group(1))


def test_module_functions_can_be_replaced(monkeypatch):
    monkeypatch.setattr(native, "eg_timestamp", lambda: TIMESTAMP)
    monkeypatch.setattr(native, "new_nonce", lambda: NONCE)
    header = EdgeGridScheme().build(CREDS).sign(httpx.Request("GET", "https://h.test/"))\
        .headers["Authorization"]
    assert f"timestamp={TIMESTAMP};nonce={NONCE};" in header


def test_the_secrets_are_masked_in_the_record(engine, edgegrid_url):
    ex = engine.send(RequestSpec(url=f"{edgegrid_url}/m", auth=AuthConfig("edgegrid", CREDS)))
    assert ex.response.status == 200
    assert dict(ex.hops[0].request.headers)["Authorization"] == "EG1-HMAC-SHA256 ****"
    # Not only in the Authorization header: the receiver echoes it in a response header.
    record = json.dumps(ex.to_dict())
    assert CREDS["access_token"] not in record and CREDS["client_secret"] not in record


def test_pasted_secrets_are_masked_as_signed(engine, edgegrid_url):
    """The engine knows the values as pasted; the auth lists them as it signed them."""
    values = {k: f"  {v}\n" for k, v in CREDS.items()}
    assert EdgeGridScheme().build(values).secrets == (CREDS["client_secret"],
                                                       CREDS["access_token"])
    ex = engine.send(RequestSpec(url=f"{edgegrid_url}/m", auth=AuthConfig("edgegrid", values)))
    assert ex.response.status == 200
    echoed = dict(ex.hops[0].response.headers)["X-Echo-Authorization"]
    assert echoed.startswith(f"EG1-HMAC-SHA256 client_token={CREDS['client_token']};"
                             "access_token=****;")
    record = json.dumps(ex.to_dict())
    assert CREDS["access_token"] not in record and CREDS["client_secret"] not in record


def check(**values):
    return EdgeGridScheme().check(values)


def test_bad_input_is_refused_before_sending(engine, edgegrid_url):
    assert check(**CREDS) == []
    assert check() == ["Client token is required.", "Client secret is required.",
                       "Access token is required."]
    for bad in ("", "12k", "-1", "1.5", "²"):
        assert check(**CREDS, max_body=bad) == [
            "Max body must be a whole number of bytes, e.g. 131072."], bad
    assert check(**CREDS, headers_to_sign="X-Ok, Bad Name,") == [
        "Headers to sign: 'bad name' is not a header name."]
    assert check(**{**CREDS, "access_token": "a;b"}) == [
        "Access token may only contain printable ASCII characters other than space and ;, "
        "as EdgeGrid credentials do."]
    with pytest.raises(AuthError, match=r"^Akamai EdgeGrid: Max body must be a whole number"):
        EdgeGridScheme().build({**CREDS, "max_body": "lots"})
    spec = RequestSpec(url=f"{edgegrid_url}/x",
                       auth=AuthConfig("edgegrid", {**CREDS, "max_body": "lots"}))
    ex = engine.send(spec)
    assert ex.hops == [] and "Max body must be a whole number" in ex.error.message


def test_pasted_whitespace_around_credentials_is_ignored(engine, edgegrid_url):
    values = {k: f" {v}\n" for k, v in CREDS.items()}
    assert check(**values) == []
    ex = engine.send(RequestSpec(url=f"{edgegrid_url}/x", auth=AuthConfig("edgegrid", values)))
    assert ex.response.status == 200


BAD_CREDENTIALS = ["akab-accéss-token", "akab access", "akab-\ttab", "akab-\x7f", "akab-\u200b",
                   "akab-\udce9"]


@pytest.mark.parametrize("field", ["client_token", "client_secret", "access_token"])
@pytest.mark.parametrize("bad", BAD_CREDENTIALS, ids=ascii)
def test_non_ascii_or_spaced_credentials_are_refused_naming_the_field(engine, edgegrid_url,
                                                                     field, bad):
    label = EdgeGridScheme().field(field).label
    values = {**CREDS, field: f" {bad} "}
    assert check(**values) == [f"{label} may only contain printable ASCII characters other "
                               "than space and ;, as EdgeGrid credentials do."]
    ex = engine.send(RequestSpec(url=f"{edgegrid_url}/x", auth=AuthConfig("edgegrid", values)))
    assert ex.hops == [] and ex.error.kind == "invalid_request"
    assert f"Akamai EdgeGrid: {label} may only contain " in ex.error.message
    # Neither the value nor the character at fault, nor where it is.
    assert bad not in ex.error.message and bad[5:] not in ex.error.message
    assert "position" not in ex.error.message
    # However the auth object is made, a bad value is an AuthError before anything is sent.
    args = {**CREDS, field: bad}
    with pytest.raises(AuthError, match=f"^Akamai EdgeGrid: {label} may only contain "):
        native._auth_class()(args["client_token"], args["client_secret"],
                             args["access_token"])


def test_blank_credentials_are_required():
    assert check(**{**CREDS, "access_token": " \n"}) == ["Access token is required."]
    with pytest.raises(AuthError, match=r"^Akamai EdgeGrid: Client secret is required\.$"):
        native._auth_class()(CREDS["client_token"], "", CREDS["access_token"])
    with pytest.raises(AuthError, match=r"Headers to sign: 'bad name' is not a header name\. "
                       r"Max body must be a whole number"):
        native._auth_class()(*CREDS.values(), ["Bad Name"], -1)


def streamed(chunks, log):
    def body():
        for chunk in chunks:
            log.append(chunk)
            yield chunk
    return body()


def test_only_a_post_body_is_read_before_signing(edgegrid_url):
    auth = EdgeGridScheme().build(CREDS)
    assert auth.requires_request_body is False
    # A PUT's body is not signed: it is left to stream.
    read = []
    put = httpx.Request("PUT", f"{edgegrid_url}/put", content=streamed([b"a", b"b"], read))
    assert next(auth.sync_auth_flow(put)) is put and read == []
    with pytest.raises(httpx.RequestNotRead):
        _ = put.content
    # A POST's is hashed, so it is read first.
    post = httpx.Request("POST", f"{edgegrid_url}/post", content=streamed([b"a", b"b"], read))
    header = next(auth.sync_auth_flow(post)).headers["Authorization"]
    assert read == [b"a", b"b"] and post.content == b"ab"
    data = native.data_to_sign(post, header.split("signature=")[0], [], native.DEFAULT_MAX_BODY)
    assert data.split("\t")[5] == base64.b64encode(hashlib.sha256(b"ab").digest()).decode()
    # Both go out, streamed, and are signed right.
    with httpx.Client(auth=auth) as client:
        for method in ("PUT", "POST"):
            response = client.request(method, f"{edgegrid_url}/s",
                                      content=streamed([b"x" * 10, b"y" * 10], []))
            assert response.status_code == 200, method


def test_streamed_bodies_are_signed_right_by_an_async_client(edgegrid_url):
    auth = EdgeGridScheme().build(CREDS)

    async def body():
        yield b"x" * 10
        yield b"y" * 10

    async def send(method):
        async with httpx.AsyncClient(auth=auth) as client:
            return (await client.request(method, f"{edgegrid_url}/a", content=body())) \
                .status_code

    assert [asyncio.run(send(m)) for m in ("PUT", "POST")] == [200, 200]


def test_a_streamed_post_given_to_auth_flow_directly_is_an_auth_error():
    auth = EdgeGridScheme().build(CREDS)
    request = httpx.Request("POST", "https://h.test/", content=streamed([b"a"], []))
    with pytest.raises(AuthError, match=r"^Akamai EdgeGrid: the POST body was not read"):
        next(auth.auth_flow(request))


def adapted_edgegrid():
    return adapt(EdgeGridAuth(CREDS["client_token"], CREDS["client_secret"],
                              CREDS["access_token"]))


@pytest.mark.parametrize("make", [adapted_edgegrid, lambda: EdgeGridScheme().build(CREDS)],
                         ids=["edgegrid-python", "native"])
def test_a_same_origin_redirect_is_signed_again_for_its_path(engine, edgegrid_url, make):
    """edgegrid-python's redirect hook is dropped by the adapter: the engine runs the
    auth again for the new path, or the receiver would refuse the old signature."""
    EdgeGridReceiver.seen.clear()
    spec = RequestSpec("POST", f"{edgegrid_url}/r?then307={quote('/moved/here?q=1')}",
                       body=Body(BodyKind.RAW, text=LONG))
    ex = engine.send(spec, auth=make())
    assert ex.error is None
    assert [(h.kind.value, h.response.status) for h in ex.hops] == [("request", 307),
                                                                    ("redirect", 200)]
    (first, one), (second, two) = EdgeGridReceiver.seen
    assert first.startswith("/r?then307=") and second == "/moved/here?q=1"
    assert one and two and one != two


@pytest.mark.parametrize("make", [adapted_edgegrid, lambda: EdgeGridScheme().build(CREDS)],
                         ids=["edgegrid-python", "native"])
def test_a_cross_origin_redirect_goes_without_authorization(engine, edgegrid_url, make):
    EdgeGridReceiver.seen.clear()
    other = edgegrid_url.replace("127.0.0.1", "localhost") + "/elsewhere"
    ex = engine.send(RequestSpec(url=f"{edgegrid_url}/r?then307={quote(other)}"),
                     auth=make())
    assert ex.error is None
    assert [(h.kind.value, h.response.status) for h in ex.hops] == [("request", 307),
                                                                    ("redirect", 401)]
    assert "authorization" not in {n.lower() for n, _ in ex.hops[1].request.headers}
    assert EdgeGridReceiver.seen[1] == ("/elsewhere", None)
