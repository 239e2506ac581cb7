"""requests auth handlers through the adapter, sent by the engine to a real httpbin."""

import httpx
import pytest
from akamai.edgegrid import EdgeGridAuth
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from requests_oauthlib import OAuth1

from gui.core.auth import AuthError, Field, FieldKind
from gui.core.auth.oauth1 import OAuth1Scheme
from gui.core.auth.requests_adapter import adapt, is_requests_auth, scheme_for_requests_auth
from gui.core.model import Body, BodyKind, RequestSpec, Row

CREDS = {"consumer_key": "ck-4711", "consumer_secret": "cs-secret-1",
         "token": "tk-0815", "token_secret": "ts-secret-2"}
NONCE, TIMESTAMP = "91f1c0a1b2", "1700000000"


class Recorder(httpx.Auth):
    """Passes an auth flow through and keeps a copy of every request it yields, as sent."""

    requires_request_body = True

    def __init__(self, inner: httpx.Auth) -> None:
        self.inner = inner
        self.sent: list[httpx.Request] = []

    def auth_flow(self, request):
        flow = self.inner.sync_auth_flow(request)
        outgoing = next(flow)
        while True:
            self.sent.append(outgoing)
            response = yield outgoing
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return


def send(engine, spec, auth):
    recorder = Recorder(auth)
    return engine.send(spec, auth=recorder), recorder.sent


def test_basic_auth_through_the_adapter_gets_200(engine, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/basic-auth/u/pw-7")
    ex, sent = send(engine, spec, adapt(HTTPBasicAuth("u", "pw-7")))
    assert ex.error is None
    assert [(h.kind.value, h.response.status) for h in ex.hops] == [("request", 200)]
    assert sent[0].headers["Authorization"] == httpx.BasicAuth("u", "pw-7")._auth_header


def test_wrong_basic_password_is_a_401(engine, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/basic-auth/u/pw-7")
    ex, _ = send(engine, spec, adapt(HTTPBasicAuth("u", "nope")))
    assert ex.response.status == 401


def requests_oauth1(**kwargs):
    return OAuth1(CREDS["consumer_key"], CREDS["consumer_secret"], CREDS["token"],
                  CREDS["token_secret"], nonce=NONCE, timestamp=TIMESTAMP, **kwargs)


def native_oauth1(**values):
    return OAuth1Scheme().build({**CREDS, **values}, nonce=NONCE, timestamp=TIMESTAMP)


@pytest.mark.parametrize("spec", [
    RequestSpec(url="{}/anything/path?b=2&a=x%20y&a=1"),
    RequestSpec("POST", "{}/post?q=1",
                body=Body(BodyKind.FORM, rows=[Row("a", "1"), Row("b", "x y"), Row("a", "3")])),
    RequestSpec("PUT", "{}/put", body=Body(BodyKind.JSON, text='{"n": 1}')),
], ids=["get-query", "post-form", "put-json"])
def test_oauth1_through_the_adapter_matches_the_native_scheme(engine, httpbin_url, spec):
    spec.url = spec.url.format(httpbin_url)
    ex_native, native = send(engine, spec, native_oauth1())
    ex_adapted, adapted = send(engine, spec, adapt(requests_oauth1()))
    assert ex_native.error is None and ex_adapted.error is None
    assert ex_adapted.response.status == ex_native.response.status == 200
    assert len(native) == len(adapted) == 1
    header = adapted[0].headers["Authorization"].encode("latin-1")
    assert header == native[0].headers["Authorization"].encode("latin-1")
    assert header.startswith(b"OAuth ") and f'oauth_nonce="{NONCE}"'.encode() in header
    assert str(adapted[0].url) == str(native[0].url)
    assert adapted[0].content == native[0].content
    # The request itself went out once, as the request: no extra hop.
    assert [h.kind.value for h in ex_adapted.hops] == ["request"]


def test_oauth1_query_signature_matches_the_native_scheme(httpbin_url):
    from oauthlib.oauth1 import SIGNATURE_TYPE_QUERY

    url = f"{httpbin_url}/get?a=1&b=x%20y"
    native = next(native_oauth1(signature_location="query").sync_auth_flow(
        httpx.Request("GET", url)))
    adapted = next(adapt(requests_oauth1(signature_type=SIGNATURE_TYPE_QUERY)).sync_auth_flow(
        httpx.Request("GET", url)))
    assert dict(native.url.params) == dict(adapted.url.params)
    assert "Authorization" not in adapted.headers


def test_digest_is_refused_before_anything_is_sent(engine, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/digest-auth/auth/u/pw/MD5")
    ex, sent = send(engine, spec, adapt(HTTPDigestAuth("u", "pw")))
    assert ex.hops == [] and sent == []
    assert ex.error.kind == "auth"
    assert "HTTPDigestAuth registers a response hook" in ex.error.message
    assert "For challenges use the Digest, NTLM or Kerberos scheme" in ex.error.message
    with pytest.raises(AuthError, match="response hook"):
        next(adapt(HTTPDigestAuth("u", "pw")).sync_auth_flow(httpx.Request("GET", "http://x/")))


class Exploding(AuthBase):
    def __call__(self, r):
        raise RuntimeError("the token service is down")


def test_a_handler_that_raises_is_a_clear_error(engine, httpbin_url):
    ex, sent = send(engine, RequestSpec(url=f"{httpbin_url}/get"), adapt(Exploding()))
    assert ex.hops == [] and sent == []
    assert ex.error.kind == "auth"
    assert ex.error.message == ("The requests auth handler Exploding failed: RuntimeError: "
                                "the token service is down")


class Rewriting(AuthBase):
    """Changes everything the adapter carries back."""

    def __call__(self, r):
        r.url = r.url + ("&" if "?" in r.url else "?") + "sig=abc"
        r.headers["X-Signed"] = "yes"
        r.headers["X-Keep"] = "changed"
        del r.headers["X-Drop"]
        r.body = (r.body or b"") + b"&signed=1"
        return r


def test_url_headers_and_body_changes_are_carried_back(engine, httpbin_url):
    spec = RequestSpec("POST", f"{httpbin_url}/post?x=1",
                       headers=[Row("X-Keep", "orig"), Row("X-Drop", "gone"),
                                Row("X-Same", "1")],
                       body=Body(BodyKind.FORM, rows=[Row("a", "1")]))
    ex, sent = send(engine, spec, adapt(Rewriting()))
    assert ex.error is None and ex.response.status == 200
    (request,) = sent
    assert str(request.url) == f"{httpbin_url}/post?x=1&sig=abc"
    assert request.headers["X-Signed"] == "yes" and request.headers["X-Keep"] == "changed"
    assert "X-Drop" not in request.headers and request.headers["X-Same"] == "1"
    assert request.content == b"a=1&signed=1"
    assert request.headers["Content-Length"] == str(len(b"a=1&signed=1"))
    import json

    echo = json.loads(ex.response.body)
    assert echo["form"] == {"a": "1", "signed": "1"} and echo["args"]["sig"] == "abc"


class PluginAuth(AuthBase):
    gatepost_label = "Company signature"
    gatepost_fields = (Field("user", "User", required=True),
                       Field("password", "Password", FieldKind.SECRET))

    def __init__(self, user: str, password: str) -> None:
        self.inner = HTTPBasicAuth(user, password)

    def __call__(self, r):
        return self.inner(r)


def test_a_requests_handler_plugin_becomes_a_scheme(engine, httpbin_url):
    assert is_requests_auth(PluginAuth) and is_requests_auth(HTTPDigestAuth)
    assert not is_requests_auth(httpx.BasicAuth) and not is_requests_auth(PluginAuth("u", "p"))
    scheme = scheme_for_requests_auth("company-sig", PluginAuth)
    assert scheme.id == "company-sig" and scheme.label == "Company signature"
    assert scheme.available() and scheme.secret_names() == ["password"]
    assert scheme.check({}) == ["User is required."]
    auth = scheme.build({"user": "u", "password": "pw-3"})
    ex = engine.send(RequestSpec(url=f"{httpbin_url}/basic-auth/u/pw-3"), auth=auth)
    assert ex.response.status == 200
    with pytest.raises(TypeError):
        scheme_for_requests_auth("x", httpx.BasicAuth)


class NeedsConfig(AuthBase):
    gatepost_fields = (Field("region", "Region"),)

    def __init__(self, region: str) -> None:
        raise ValueError(f"unknown region {region!r}")


def test_a_plugin_whose_constructor_fails_is_an_auth_error():
    scheme = scheme_for_requests_auth("needs-config", NeedsConfig)
    with pytest.raises(AuthError, match="needs-config could not be set up: ValueError: "
                       "unknown region 'mars'"):
        scheme.build({"region": "mars"})


EDGEGRID = ("akab-client-token-xxx", "c2VjcmV0LXNlY3JldA==", "akab-access-token-xxx")


class OwnRedirectHook(EdgeGridAuth):
    """Overrides the redirect hook the adapter drops: it may do anything."""

    def handle_redirect(self, res, **_):
        return res


class ExtraHook(EdgeGridAuth):
    def __call__(self, r):
        r = super().__call__(r)
        r.register_hook("response", lambda res, **_: res)
        return r


class PlainSubclass(EdgeGridAuth):
    pass


@pytest.mark.parametrize("cls", [OwnRedirectHook, ExtraHook])
def test_an_edgegrid_handler_with_another_response_hook_is_refused(engine, httpbin_url, cls):
    """Only edgegrid-python's own handle_redirect (by module and qualified name) is known
    to do nothing but sign a redirect; an override or any other hook is refused."""
    ex, sent = send(engine, RequestSpec(url=f"{httpbin_url}/get"), adapt(cls(*EDGEGRID)))
    assert ex.hops == [] and sent == []
    assert ex.error.kind == "auth"
    assert ex.error.message.startswith(f"The requests auth handler {cls.__name__} "
                                       "registers a response hook")
    assert "redirects are re-signed by Gatepost itself" in ex.error.message


def test_an_edgegrid_subclass_keeping_its_redirect_hook_is_run(engine, httpbin_url):
    ex, sent = send(engine, RequestSpec(url=f"{httpbin_url}/get"),
                    adapt(PlainSubclass(*EDGEGRID)))
    assert ex.error is None and ex.response.status == 200
    assert sent[0].headers["Authorization"].startswith(
        f"EG1-HMAC-SHA256 client_token={EDGEGRID[0]};")
