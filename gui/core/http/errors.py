"""Map what went wrong while sending to a kind and a sentence a person can act on."""

from __future__ import annotations

import errno
import ssl

import httpx

from ..auth.base import AuthError
from ..tls.config import TlsSetupError
from .cancel import Cancelled, CancelToken
from .chain import chain as exception_chain
from .exchange import ErrorInfo, ErrorKind
from .netio import DNSError


class TooManyRedirects(Exception):
    pass


#: TLS alerts a server sends about the client's certificate, in words. OpenSSL names
#: them in `SSLError.reason`, e.g. TLSV13_ALERT_CERTIFICATE_REQUIRED.
_CLIENT_CERT_ALERTS = {
    "CERTIFICATE_REQUIRED": "the server requires a client certificate",
    "HANDSHAKE_FAILURE": "the server ended the handshake (often: it wants a client "
                         "certificate, or no protocol or cipher is in common)",
    "UNKNOWN_CA": "the server does not trust the issuer of the client certificate",
    "BAD_CERTIFICATE": "the server rejected the client certificate",
    "UNSUPPORTED_CERTIFICATE": "the server does not accept this kind of client certificate",
    "CERTIFICATE_EXPIRED": "the server says the client certificate has expired",
    "CERTIFICATE_REVOKED": "the server says the client certificate was revoked",
    "CERTIFICATE_UNKNOWN": "the server could not accept the client certificate",
    "ACCESS_DENIED": "the server denied access for the client certificate",
}


def _tls_message(ssl_error: ssl.SSLError) -> str:
    verify = getattr(ssl_error, "verify_message", None)
    if verify:
        return (f"TLS handshake failed: the server's certificate could not be verified "
                f"({verify}). If you trust it, add its CA under Certificates, or turn off "
                "verifying the server's certificate in the request's Settings.")
    reason = getattr(ssl_error, "reason", None) or str(ssl_error)
    for alert, words in _CLIENT_CERT_ALERTS.items():
        if isinstance(reason, str) and reason.endswith("ALERT_" + alert):
            return f"TLS handshake failed: {words} ({reason})."
    return f"TLS handshake failed: {reason}."


def classify(exc: BaseException, token: CancelToken | None = None) -> ErrorInfo:
    if isinstance(exc, Cancelled) or (token is not None and token.cancelled):
        return ErrorInfo(ErrorKind.CANCELLED, "The request was cancelled.")
    chain = exception_chain(exc)
    if isinstance(exc, AuthError):
        return ErrorInfo(ErrorKind.AUTH, str(exc))
    if isinstance(exc, TlsSetupError):
        return ErrorInfo(ErrorKind.CERTIFICATE, str(exc))
    auth_error = next((e for e in chain if isinstance(e, AuthError)), None)
    if auth_error is not None:
        return ErrorInfo(ErrorKind.AUTH, str(auth_error))
    if isinstance(exc, httpx.ProtocolError) and "authenticate" in str(exc).lower():
        return ErrorInfo(ErrorKind.AUTH, f"The server's authentication challenge could not be "
                         f"understood: {exc}. The raw header is in the History tab.")
    if isinstance(exc, TooManyRedirects):
        return ErrorInfo(ErrorKind.TOO_MANY_REDIRECTS, str(exc))
    if any(isinstance(e, DNSError) for e in chain):
        dns = next(e for e in chain if isinstance(e, DNSError))
        return ErrorInfo(ErrorKind.DNS, str(dns))
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ErrorInfo(ErrorKind.UNSUPPORTED_SCHEME, f"Unsupported URL: {exc}")
    if isinstance(exc, httpx.InvalidURL):
        return ErrorInfo(ErrorKind.INVALID_URL, f"Invalid URL: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connecting to the server",
            httpx.ReadTimeout: "waiting for the server to answer",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }.get(type(exc), "the request")
        return ErrorInfo(ErrorKind.TIMEOUT, f"Timed out while {phase}.")
    ssl_error = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    if ssl_error is not None:
        return ErrorInfo(ErrorKind.TLS, _tls_message(ssl_error))
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, OSError) and e.errno == errno.ECONNREFUSED for e in chain) or (
                "refused" in str(exc).lower()):
            return ErrorInfo(ErrorKind.REFUSED, "Connection refused: nothing is listening at "
                             "that address and port.")
        return ErrorInfo(ErrorKind.CONNECT, f"Could not connect: {exc}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return ErrorInfo(ErrorKind.PROTOCOL, f"The server broke the HTTP protocol: {exc}")
    if isinstance(exc, httpx.TransportError):
        return ErrorInfo(ErrorKind.NETWORK, f"Network error: {exc}")
    if isinstance(exc, OSError):
        return ErrorInfo(ErrorKind.NETWORK, f"{exc.strerror or exc}")
    if isinstance(exc, NotImplementedError):
        return ErrorInfo(ErrorKind.AUTH, f"Not supported by the auth scheme: {exc}")
    unicode_error = next((e for e in chain if isinstance(e, UnicodeError)), None)
    if isinstance(unicode_error, UnicodeEncodeError) and unicode_error.encoding == "ascii":
        # validate.py refuses the headers a person types; this is one made on the way
        # (an auth scheme's, a redirect's). The value is not quoted: it may be a secret.
        return ErrorInfo(ErrorKind.INVALID_REQUEST, "A header value has a character that is not "
                         "ASCII, and header values are sent as ASCII; that request was "
                         "not sent.")
    if unicode_error is not None:
        # A host name the lookup cannot encode (a label empty or over 63 characters,
        # or not valid IDNA): typed ones are refused by validate.py, so this one came
        # from a redirect.
        return ErrorInfo(ErrorKind.INVALID_URL,
                         f"A host name cannot be looked up: {unicode_error}. Each "
                         "part between dots must have 1 to 63 characters, and an "
                         "international name must be valid IDNA.")
    if isinstance(exc, RecursionError):
        return ErrorInfo(ErrorKind.TOO_DEEP, "A value is nested too deeply for Gatepost to read "
                         "(past Python's recursion limit).")
    return ErrorInfo(ErrorKind.INTERNAL, f"Unexpected error ({type(exc).__name__}): {exc}")
