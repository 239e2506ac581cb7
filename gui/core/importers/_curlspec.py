"""A curl command's options as the request curl would send (see curl.py)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from ..model import AuthConfig, Body, BodyKind, RequestSpec, Row
from ..urls import query_pairs
from ._curlargs import CurlError

#: Options about curl's own output: nothing to do with what is sent.
_OUTPUT = frozenset("""
silent show-error verbose include output write-out dump-header cookie-jar remote-name
remote-name-all remote-header-name progress-bar no-progress-meter no-buffer create-dirs
remote-time styled-output trace trace-ascii stderr fail fail-with-body fail-early globoff
disable xattr help version manual
""".split())
#: Accepted as they are: Gatepost already behaves so, or they only tune curl.
_SAME = frozenset("""
compressed http1.1 tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 ssl ssl-reqd ipv4 ipv6 path-as-is
raw tr-encoding tcp-nodelay tcp-fastopen no-keepalive no-sessionid no-alpn no-npn
false-start keepalive-time expect100-timeout post301 post302 post303 retry retry-delay
retry-max-time limit-rate speed-limit speed-time ssl-no-revoke suppress-connect-headers
junk-session-cookies
""".split())
_TLS_FILES = {"cacert": "a CA bundle", "capath": "a CA folder", "cert": "a client certificate",
              "key": "a client certificate's key", "cert-type": "a client certificate type",
              "key-type": "a key type", "pass": "a key passphrase"}
_PROXY = frozenset({"proxy", "proxy-user", "proxy-header", "proxy-cacert", "proxy-cert",
                    "proxy-key", "proxy-insecure", "proxytunnel", "proxy-basic",
                    "proxy-digest", "proxy-ntlm", "proxy-negotiate", "proxy-anyauth"})


@dataclass
class ParsedCurl:
    spec: RequestSpec
    #: What could not be carried over, one sentence each, naming the option.
    notices: list[str] = field(default_factory=list)


class _Build:
    def __init__(self, opts: list[tuple[str, str | None]], rest: list[str]) -> None:
        self.opts, self.notices = opts, []
        if rest:
            self.notices.append(f"The shell command goes on after curl ({' '.join(rest)[:60]}"
                                "); that part was ignored.")
        self.spec = RequestSpec()
        self.headers: list[Row] = []
        self.data: list[str] = []
        self.files: list[str] = []
        self.form: list[Row] = []
        self.cookies: list[str] = []
        self.urls: list[str] = []
        self.query: list[str] = []
        self.json = False
        self.flags: set[str] = set()
        self.method = ""
        self.user: str | None = None
        self.sigv4 = ""
        self.upload = ""

    def note(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def run(self) -> ParsedCurl:
        for name, value in self.opts:
            self._option(name, value)
        if not self.urls:
            raise CurlError("The curl command has no URL.")
        if len(self.urls) > 1:
            self.note(f"curl would fetch {len(self.urls)} URLs; the first was kept "
                      f"({self.urls[0]}).")
        spec = self.spec
        url = self.urls[0]
        if self.upload and url.split("?")[0].endswith("/"):
            url += quote(self.upload.replace("\\", "/").rsplit("/", 1)[-1])
        if "get" in self.flags and self.data:
            self.query += self.data
            self.data, self.files = [], []
        if self.query:
            url += ("&" if "?" in url.split("#")[0] else "?") + "&".join(self.query)
        spec.url = url
        spec.params = [Row(n, v) for n, v in query_pairs(url)]
        spec.options.follow_redirects = bool(self.flags & {"location", "location-trusted"})
        self._body()
        self._auth()
        if self.cookies:
            self.headers.append(Row("Cookie", "; ".join(self.cookies)))
        spec.headers = self.headers
        spec.method = self.method or self._default_method()
        return ParsedCurl(spec, self.notices)

    def _default_method(self) -> str:
        if "head" in self.flags:
            return "HEAD"
        if "get" in self.flags:
            return "GET"
        if self.upload:
            return "PUT"
        return "POST" if self.spec.body.kind is not BodyKind.NONE else "GET"

    # -- options --------------------------------------------------------------------

    def _option(self, name: str, value: str | None) -> None:
        if value is None:
            self._flag(name)
        elif name == "url":
            self.urls.append(value)
        elif name == "request":
            self.method = value.upper()
        elif name == "header":
            self._header(value)
        elif name in ("data", "data-ascii"):
            self._data(value, strip_file=True)
        elif name == "data-binary":
            self._data(value, strip_file=False)
        elif name == "data-raw":
            self.data.append(value)
        elif name == "data-urlencode":
            self._urlencode(value, self.data, name)
        elif name == "url-query":
            self._urlencode(value.removeprefix("+") if value.startswith("+") else value,
                            self.query, name, raw=value.startswith("+"))
        elif name == "json":
            self.json = True
            self._data(value, strip_file=False)
        elif name in ("form", "form-string"):
            self._form(value, literal=name == "form-string")
        elif name == "user":
            self.user = value
        elif name == "cookie":
            if "=" in value:
                self.cookies.append(value.strip().rstrip(";"))
            else:
                self.note(f"-b {value}: curl reads cookies from that file; Gatepost does "
                          "not read it. Add the cookies as a Cookie header.")
        elif name == "user-agent":
            self.headers.append(Row("User-Agent", value))
        elif name == "referer":
            if value.removesuffix(";auto"):
                self.headers.append(Row("Referer", value.removesuffix(";auto")))
        elif name == "range":
            self.headers.append(Row("Range", f"bytes={value}"))
        elif name == "oauth2-bearer":
            self.spec.auth = AuthConfig("bearer", {"token": value, "prefix": "Bearer"})
        elif name == "aws-sigv4":
            self.sigv4 = value
        elif name == "max-redirs":
            self.spec.options.max_redirects = int(self._number(name, value, int))
        elif name == "max-time":
            self.spec.options.max_time = self._number(name, value, float)
        elif name == "connect-timeout":
            self.spec.options.timeouts.connect = self._number(name, value, float)
        elif name == "upload-file":
            self.upload = value
            self.files.append(value)
        elif name in _TLS_FILES:
            shown = value if name not in ("pass", "cert") else value.split(":")[0]
            if name == "pass":
                shown = "****"
            self.note(f"--{name} {shown}: {_TLS_FILES[name]} is set under Certificates… "
                      "(per host), not per request; add it there.")
        elif name in _PROXY:
            shown = _without_userinfo(value) if name == "proxy" else "…"
            self.note(f"--{name} {shown}: proxies are not supported yet; the request is "
                      "sent directly.")
        elif name not in _OUTPUT and name not in _SAME:
            self.note(f"--{name} is not supported by Gatepost; it was ignored.")

    def _flag(self, name: str) -> None:
        if name.startswith("no-"):
            self.flags.discard(name[3:])
            return
        self.flags.add(name)
        if name == "insecure":
            self.spec.options.verify_tls = False
        elif name in ("http2", "http2-prior-knowledge"):
            self.spec.options.http2 = True
        elif name == "location-trusted":
            self.note("--location-trusted: Gatepost sends credentials to the first host "
                      "only, also after a redirect.")
        elif name == "http3":
            self.note("--http3: Gatepost speaks HTTP/1.1 and HTTP/2; HTTP/3 is not used.")
        elif name == "http1.0":
            self.note("--http1.0: Gatepost sends HTTP/1.1.")
        elif name == "anyauth":
            self.note("--anyauth: Gatepost does not probe; -u is sent as Basic. Choose the "
                      "scheme in the Auth tab.")
        elif name == "netrc-optional" or name == "netrc":
            self.spec.auth = AuthConfig("netrc", {})
        elif name in _PROXY:
            self.note(f"--{name}: proxies are not supported yet; the request is sent "
                      "directly.")
        elif name not in _OUTPUT and name not in _SAME and name not in (
                "get", "head", "location", "digest", "basic", "ntlm", "negotiate"):
            self.note(f"--{name} is not supported by Gatepost; it was ignored.")

    def _number(self, name: str, value: str, kind: type) -> int | float:
        try:
            number = kind(value)
        except ValueError:
            raise CurlError(f"--{name} needs a number, not {value!r}.") from None
        if number < 0:
            raise CurlError(f"--{name} needs a number of 0 or more, not {value!r}.")
        return number

    def _header(self, value: str) -> None:
        if value.startswith("@"):
            self.note(f"-H {value}: curl reads headers from that file; Gatepost does not "
                      "read it.")
            return
        name, colon, rest = value.partition(":")
        if not colon:
            if name.endswith(";"):  # curl's way to send a header with no value
                self.headers.append(Row(name[:-1].strip(), ""))
            else:
                self.note(f"-H {value!r} is not a header (no colon); it was ignored.")
            return
        if not rest.strip():
            # curl: "Name:" removes a header curl would add.
            self.note(f"-H {value!r} removes a header in curl; Gatepost cannot leave out "
                      f"{name.strip()}, so it may still be sent.")
            return
        self.headers.append(Row(name.strip(), rest.strip()))

    def _data(self, value: str, strip_file: bool) -> None:
        if value.startswith("@"):
            if value == "@-":
                self.note("-d @-: curl reads the body from its standard input; the body "
                          "is left empty.")
                return
            self.files.append(value[1:])
            if strip_file:
                self.note(f"-d {value}: curl leaves out the file's line breaks; Gatepost "
                          "sends the file as it is (use --data-binary for the same bytes).")
            return
        self.data.append(value)

    def _urlencode(self, value: str, into: list[str], option: str,
                   raw: bool = False) -> None:
        if raw:
            into.append(value)
            return
        name, eq, content = value.partition("=")
        at = name.find("@") if not eq else -1
        if at >= 0 or (not eq and value.startswith("@")):
            self.note(f"--{option} {value}: curl reads and encodes that file; Gatepost does "
                      "not read it, so it was left out.")
            return
        if not eq:
            into.append(_encode(value))
        elif not name:
            into.append(_encode(content))
        else:
            into.append(f"{name}={_encode(content)}")

    def _form(self, value: str, literal: bool) -> None:
        name, eq, content = value.partition("=")
        if not eq:
            raise CurlError(f"-F {value!r} is not name=content.")
        if literal or not content.startswith(("@", "<")):
            if not literal and ";type=" in content:
                self.note(f"-F {name}: the part's ;type= is not kept.")
                content = content.split(";type=")[0]
            self.form.append(Row(name, content))
            return
        path, *extras = content[1:].split(";")
        if extras:
            self.note(f"-F {name}: {';'.join(extras)} is not kept (Gatepost names the part "
                      "after the file and guesses its type).")
        if content.startswith("<"):
            self.note(f"-F {name}=<{path}: curl sends the file's text as a plain field; "
                      "Gatepost uploads it as a file.")
        self.form.append(Row(name, path, True, True))

    # -- body and auth ---------------------------------------------------------------

    def _body(self) -> None:
        spec = self.spec
        content_type = next((r.value for r in self.headers
                             if r.name.lower() == "content-type"), "")
        if self.form:
            if self.data or self.files:
                self.note("-F and -d together: curl refuses this; the form was kept.")
            spec.body = Body(BodyKind.MULTIPART, rows=self.form)
            return
        if self.json:
            for name, value in (("Content-Type", "application/json"),
                                ("Accept", "application/json")):
                if not any(r.name.lower() == name.lower() for r in self.headers):
                    self.headers.append(Row(name, value))
            content_type = content_type or "application/json"
        content_type = content_type or "application/x-www-form-urlencoded"
        if self.files and not self.data and len(self.files) == 1:
            spec.body = Body(BodyKind.FILE, path=self.files[0], content_type=content_type)
            if not self.upload and not any(r.name.lower() == "content-type"
                                           for r in self.headers):
                self.headers.append(Row("Content-Type", content_type))
            return
        if self.files:
            self.note(f"The body mixes files ({', '.join(self.files)}) and text; only the "
                      "text was kept.")
        if not self.data:
            return
        # curl joins -d pieces with &, but --json pieces with nothing.
        text = ("" if self.json else "&").join(self.data)
        if "json" in content_type.lower() and _is_json(text):
            spec.body = Body(BodyKind.JSON, text=text)
        else:
            spec.body = Body(BodyKind.RAW, text=text, content_type=content_type)

    def _auth(self) -> None:
        header = next((r for r in self.headers if r.name.lower() == "authorization"), None)
        if self.user is None:
            if header is not None:
                auth = _from_header(header.value)
                if auth is not None:
                    self.spec.auth = auth
                    self.headers.remove(header)
            return
        user, colon, password = self.user.partition(":")
        if self.sigv4:
            region, service = _sigv4_scope(self.sigv4, self.urls[0])
            self.spec.auth = AuthConfig("aws-sigv4", {
                "access_key": user, "secret_key": password, "region": region,
                "service": service})
            if not region or not service:
                self.note(f"--aws-sigv4 {self.sigv4}: enter the region and the service "
                          "in the Auth tab.")
            return
        if "negotiate" in self.flags:
            self.spec.auth = AuthConfig("kerberos", {})
            return
        scheme = "ntlm" if "ntlm" in self.flags else "digest" if "digest" in self.flags \
            else "basic"
        if not colon:
            self.note(f"-u {user}: curl would ask for the password; enter it in the Auth "
                      "tab.")
        self.spec.auth = AuthConfig(scheme, {"username": user, "password": password})


def _encode(text: str) -> str:
    """As curl's --data-urlencode: + for a space, lower-case hex, -._~ kept."""
    encoded = quote(text, safe=" ").replace(" ", "+")
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _without_userinfo(url: str) -> str:
    return re.sub(r"(?<=://)[^@/]*@", "", url) if "@" in url else url


def _from_header(value: str) -> AuthConfig | None:
    """A literal Basic or Bearer Authorization header as the scheme that sends it, so
    the credential lives in a secret field (the keychain), not in a header row."""
    kind, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if not credentials or "{{" in credentials:
        return None
    if kind.lower() == "bearer":
        return AuthConfig("bearer", {"token": credentials, "prefix": kind})
    if kind.lower() == "basic":
        try:
            user, colon, password = base64.b64decode(credentials, validate=True).decode(
                "utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return AuthConfig("basic", {"username": user, "password": password}) if colon else None
    return None


def _sigv4_scope(option: str, url: str) -> tuple[str, str]:
    """--aws-sigv4 "aws:amz[:region[:service]]"; missing parts from the host name as
    curl does (service.region.amazonaws.com)."""
    parts = option.split(":")
    region = parts[2] if len(parts) > 2 else ""
    service = parts[3] if len(parts) > 3 else ""
    try:
        labels = (urlsplit(url if "://" in url else "http://" + url).hostname or "").split(".")
    except ValueError:
        labels = []
    if not service and labels:
        service = labels[0]
    if not region and len(labels) > 1:
        region = labels[1]
    return region, service
