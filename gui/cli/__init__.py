"""The `gatepost` command: the window by default, `gatepost send` without one.

Nothing here imports Qt or httpx at module level, so `--help` and `--version` answer
on a machine without a display and the window's start-up does not pay for httpx.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import TextIO

    from .core.auth.base import AuthContext, Scheme
    from .core.http.cookiejar import CookieJar
    from .core.http.exchange import Exchange, ReceivedResponse
    from .core.http.proxies import ProxySettings
    from .core.model import AuthConfig, RequestSpec
    from .core.tls.config import TlsSettings

EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, EXIT_INTERNAL, EXIT_CANCELLED = 0, 1, 2, 70, 130
#: --fail and a 4xx/5xx final status: curl's number for it, so scripts can test either.
EXIT_HTTP_ERROR = 22


def _parser(auth_scheme: str | None = None) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="gatepost",
        description="Gatepost, an HTTP request builder. Without a command it opens the "
                    "window; `gatepost send` sends a request from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"gatepost {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    send = commands.add_parser(
        "send", help="send one request and print every hop of the exchange",
        description="Send one request through Gatepost's engine and print the exchange hop "
                    "by hop (or, with --json, one JSON document; see docs/cli.md).",
        epilog=_auth_epilog(auth_scheme),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    send.add_argument("url", metavar="URL", help="the URL; with --collection, the saved "
                      "request (its file or 'Folder/Request')")
    send.add_argument("-X", "--request", dest="method", metavar="METHOD",
                      help="request method (default GET, or POST when a body is given)")
    send.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                      help="add a header (repeatable)")
    send.add_argument("--utf8-headers", action="store_true",
                      help="send header values beyond ASCII as UTF-8 (Content-Disposition "
                      "parameters as RFC 8187 name*=UTF-8''...); without it they are "
                      "refused")
    body = send.add_mutually_exclusive_group()
    body.add_argument("-d", "--data", metavar="BODY",
                      help="raw body; @PATH sends the bytes of a file")
    body.add_argument("--json-body", metavar="JSON", help="JSON body (checked before sending)")
    body.add_argument("--form", action="append", metavar="NAME=VALUE",
                      help="form field, sent application/x-www-form-urlencoded (repeatable)")
    body.add_argument("--multipart", action="append", metavar="NAME=VALUE|NAME=@PATH",
                      help="multipart/form-data part; @PATH uploads a file (repeatable)")
    send.add_argument("--auth", metavar="SCHEME", default="none",
                      help="auth scheme id (see `gatepost auth list`)")
    send.add_argument("--auth-field", action="append", default=[], metavar="NAME=VALUE",
                      help="a field of the auth scheme (repeatable); a secret field's value "
                           "may be env:VAR, keyring, or - to be prompted")
    send.add_argument("--no-follow", action="store_true", help="do not follow redirects")
    send.add_argument("--max-redirects", type=int, default=20, metavar="N")
    send.add_argument("--timeout", default="30", metavar="SECONDS",
                      help="connect, read and write timeout, each (default 30)")
    send.add_argument("-m", "--max-time", metavar="SECONDS",
                      help="time limit for the whole exchange, every hop included "
                           "(default 300; 0 for none)")
    send.add_argument("--max-filesize", metavar="BYTES",
                      help="largest response body to receive, decoded or not; K, M, G "
                           "suffixes (default 1G; 0 for no limit)")
    send.add_argument("-k", "--insecure", action="store_true",
                      help="do not verify the server's TLS certificate")
    send.add_argument("--http2", action="store_true", help="offer HTTP/2 (over TLS)")
    certs = send.add_argument_group(
        "certificates", "The window's Certificates settings apply here too; these come "
        "first, for every host of this request.")
    certs.add_argument("--cert", metavar="FILE", help="client certificate: PEM (with the "
                       "key unless --key is given) or PKCS#12 (.p12, .pfx)")
    certs.add_argument("--key", metavar="FILE", help="the client certificate's PEM key")
    certs.add_argument("--cert-type", choices=["pem", "p12"],
                       help="the --cert file's type (default: from its extension)")
    certs.add_argument("--pass", dest="cert_pass", metavar="PASSPHRASE",
                       help="passphrase of the key or PKCS#12 file: env:VAR, or - to be "
                            "prompted")
    certs.add_argument("--cacert", metavar="FILE",
                       help="also trust the CA certificates in this PEM file")
    output = send.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true",
                        help="print the whole exchange as one JSON document")
    output.add_argument("-b", "--body-only", action="store_true",
                        help="print only the final body")
    send.add_argument("-f", "--fail", action="store_true",
                      help="exit with status 22 when the final response is 4xx or 5xx, "
                           "and do not print its body (as curl -f)")
    from .cli_saved import add_arguments

    add_arguments(send)
    add_cookie_arguments(send)
    add_proxy_arguments(send)
    auth = commands.add_parser("auth", help="list the auth schemes and their fields")
    auth.add_argument("action", choices=["list"])
    from .cli_run import add_parser as add_run_parser

    add_run_parser(commands)
    from .cli_import import add_commands as add_import_commands

    add_import_commands(commands)
    return parser


def add_proxy_arguments(command: argparse.ArgumentParser) -> None:
    """--proxy, --proxy-auth, --proxy-field, --noproxy (docs/cli.md)."""
    proxy = command.add_argument_group(
        "proxy", "Without --proxy, the collection's proxy (--collection, gatepost run), "
        "else the proxy saved in the window (Proxy…), else the system's (HTTP_PROXY, "
        "HTTPS_PROXY, ALL_PROXY, NO_PROXY).")
    proxy.add_argument("--proxy", metavar="URL",
                       help="send through this proxy: http://, https:// or socks5:// "
                            "(socks5h:// resolves names at the proxy); 'none' for none")
    proxy.add_argument("--proxy-auth", metavar="SCHEME",
                       choices=("any", "basic", "digest", "ntlm", "negotiate"),
                       help="the proxy's authentication: any (default: what the proxy "
                            "asks for), basic, digest, ntlm or negotiate (Kerberos: the "
                            "ticket of your session, no password)")
    proxy.add_argument("--proxy-field", action="append", default=[], metavar="NAME=VALUE",
                       help="username=NAME or password=VALUE for the proxy (repeatable); "
                            "the password may be env:VAR, keyring (the window's), or - "
                            "to be prompted")
    proxy.add_argument("--noproxy", metavar="LIST",
                       help="hosts that bypass the proxy, comma-separated: names (and "
                            "their subdomains), addresses, CIDR ranges; * for all")


def proxy_from_args(args: argparse.Namespace, collection: ProxySettings | None = None
                    ) -> ProxySettings:
    """The proxy settings for this command: --proxy, else the collection's (`collection`,
    its password from the keychain), else the saved ones (likewise), else the system's;
    --proxy-auth, --proxy-field and --noproxy apply to whichever it is. UsageError naming
    what is wrong."""
    import copy

    from .core.http.proxies import GLOBAL_PASSWORD_KEY, ProxySettings, ProxySettingsError, load

    fields: dict[str, str] = {}
    for item in args.proxy_field:
        name, value = _pair(item, "=", "--proxy-field")
        if name not in ("username", "password"):
            raise UsageError(f"--proxy-field: {name!r} is not a field of the proxy; its "
                             "fields are username and password.")
        fields[name] = value
    key = GLOBAL_PASSWORD_KEY
    if args.proxy is not None:
        settings = ProxySettings("none") if args.proxy.strip().lower() == "none" else \
            ProxySettings("manual", url=args.proxy)
        if "@" in args.proxy.partition("://")[2]:
            print("gatepost: warning: --proxy holds credentials, where other users can see "
                  "them; --proxy-field password=env:VAR or - is safer.", file=sys.stderr)
    elif collection is not None:
        settings = copy.copy(collection)
        key = settings.keychain_key
    else:
        try:
            settings = load()
        except ProxySettingsError as exc:
            raise UsageError(str(exc)) from None
    if args.proxy is None and settings.username and "password" not in fields:
        from .core.storage.keychain import SecretStore

        settings.password = SecretStore().get(key) or ""
    if args.proxy_auth:
        settings.auth = args.proxy_auth
    if "username" in fields:
        settings.username = fields["username"]
    if "password" in fields:
        value = fields["password"]
        if value == "keyring":
            from .core.storage.keychain import SecretStore

            store = SecretStore()
            found = store.get(key)
            if found is None:
                raise UsageError("Proxy password: nothing in the keychain"
                                 + (f" ({store.problem})" if store.problem else "")
                                 + ". Save it under Proxy… in the window first.")
            settings.password = found
        else:
            settings.password = _secret(value, "proxy", "password", "Proxy password")
    if settings.password and not settings.username and settings.mode == "manual" and \
            "@" not in settings.url:
        raise UsageError("--proxy-field password needs a username too "
                         "(--proxy-field username=NAME).")
    if args.noproxy is not None:
        settings.bypass = ", ".join(p for p in (settings.bypass, args.noproxy) if p)
    problems = settings.problems()
    if problems:
        raise UsageError(" ".join(problems))
    return settings


def add_cookie_arguments(command: argparse.ArgumentParser) -> None:
    """--cookie-jar and --no-cookies (gatepost send; gatepost run may share them)."""
    cookies = command.add_argument_group(
        "cookies", "Without these, cookies live for this command only: those a response "
        "sets go with the later requests (redirects too), then are forgotten.")
    jar = cookies.add_mutually_exclusive_group()
    jar.add_argument("--cookie-jar", metavar="FILE",
                     help="read cookies from FILE (Netscape/curl format, as curl's -b and "
                          "-c write it) before sending and write them back after; values "
                          "are plain text there, as in curl's")
    jar.add_argument("--no-cookies", action="store_true",
                     help="no cookie engine: none kept, none sent (a Cookie header given "
                          "with -H still goes)")


def cookie_jar_from_args(args: argparse.Namespace) -> tuple[CookieJar | None, Path | None]:
    """The jar to send with and the file to write it back to; UsageError before anything
    is sent when the file cannot be used."""
    from pathlib import Path

    from .core.http.cookiejar import CookieJar
    from .core.storage.cookiestore import JarError, load_netscape

    if args.no_cookies:
        return CookieJar.off(), None
    if not args.cookie_jar:
        return None, None
    path = Path(args.cookie_jar)
    if not path.parent.is_dir():
        raise UsageError(f"--cookie-jar: the folder of {path} does not exist.")
    try:
        jar, problems = load_netscape(path)
    except JarError as exc:
        raise UsageError(f"--cookie-jar: {exc}; it was left as it is.") from None
    for problem in problems[:5]:
        print(f"gatepost: warning: --cookie-jar: {problem}; that line is left out, and "
              "not written back.", file=sys.stderr)
    if len(problems) > 5:
        print(f"gatepost: warning: --cookie-jar: {len(problems) - 5} more lines left out.",
              file=sys.stderr)
    return jar, path


def save_cookie_jar(jar: CookieJar | None, path: Path | None) -> bool:
    """Write the --cookie-jar file back (atomically); False, said, when it cannot be."""
    if jar is None or path is None:
        return True
    from .core.storage.cookiestore import save_netscape

    try:
        save_netscape(jar, path)
    except OSError as exc:
        print(f"gatepost: --cookie-jar: {path} could not be written "
              f"({exc.strerror or exc}).", file=sys.stderr)
        return False
    return True


def _seconds_arg(text: str, option: str, zero: bool = False) -> float:
    """A number of seconds from the command line; 0 only where it means "none"."""
    import math

    from .core.validate import MAX_SECONDS

    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a number of seconds.") from None
    if not math.isfinite(value) or value < 0 or value > MAX_SECONDS or (
            value == 0 and not zero):
        lowest = "0 (no limit)" if zero else "more than 0"
        raise UsageError(f"{option}: {text!r} must be a number of seconds, {lowest} and "
                         f"at most a year ({MAX_SECONDS:.0f}).")
    return value


def _size_arg(text: str, option: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    stripped = text.strip().upper().removesuffix("B")
    factor = units.get(stripped[-1:], 1)
    number = stripped[:-1] if stripped[-1:] in units else stripped
    if not number.isdigit():
        raise UsageError(f"{option}: {text!r} is not a size in bytes (e.g. 500000, 200K, "
                         "10M, 1G; 0 for no limit).")
    return int(number) * factor


def _auth_epilog(scheme_id: str | None) -> str | None:
    if not scheme_id:
        return "Auth fields of a scheme: gatepost send --auth SCHEME --help"
    from .core.auth import AuthError, get

    try:
        scheme = get(scheme_id)
    except AuthError as exc:
        return str(exc)
    return f"Fields of --auth {scheme.id} ({scheme.label}):\n" + _fields_text(scheme)


def _fields_text(scheme: Scheme) -> str:
    lines = []
    for f in scheme.fields:
        extra = [f.kind.value]
        if f.required:
            extra.append("required")
        if f.choices:
            extra.append("one of " + "|".join(f.choices))
        if f.default not in ("", False):
            extra.append(f"default {f.default}")
        lines.append(f"  {f.name:<20} {f.label} ({', '.join(extra)})")
        if f.help:
            lines.append(f"  {'':<20} {f.help}")
    return "\n".join(lines) if lines else "  (no fields)"


def _auth_list() -> int:
    from .core.auth import plugin_errors, schemes

    for scheme in schemes().values():
        state = "" if scheme.available() else f"  [not installed: {scheme.install_hint}]"
        print(f"{scheme.id}: {scheme.label}{state}")
        print(_fields_text(scheme))
    for error in plugin_errors():
        print(f"gatepost: {error}", file=sys.stderr)
    return EXIT_OK


def _scheme_in(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--auth" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--auth="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if not argv:
            # The window: skip building the parser, start-up time is the point here.
            from .app import run

            return run()
        args = _parser(_scheme_in(argv)).parse_args(argv)
        if args.command == "send":
            return _send(args)
        if args.command == "auth":
            return _auth_list()
        if args.command == "run":
            from .cli_run import run as run_requests

            return run_requests(args)
        if args.command in ("import", "export"):
            from .cli_import import run as run_import

            return run_import(args)
        from .app import run

        return run()
    except BrokenPipeError:
        # The reader went away (`gatepost send ... | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        print(f"gatepost: internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_INTERNAL


class UsageError(Exception):
    pass


def _pair(text: str, sep: str, what: str) -> tuple[str, str]:
    name, found, value = text.partition(sep)
    if not found or not name.strip():
        raise UsageError(f"{what} {text!r} is not in the form NAME{sep}VALUE.")
    return name.strip(), value.strip() if sep == ":" else value


def spec_from_args(args: argparse.Namespace) -> RequestSpec:
    from .core.model import Body, BodyKind, Options, RequestSpec, Row, Timeouts

    spec = RequestSpec(url=args.url)
    spec.headers = [Row(*_pair(h, ":", "Header")) for h in args.header]
    if args.data is not None:
        if args.data.startswith("@"):
            spec.body = Body(BodyKind.FILE, path=args.data[1:])
        else:
            spec.body = Body(BodyKind.RAW, text=args.data, content_type="")
    elif args.json_body is not None:
        spec.body = Body(BodyKind.JSON, text=args.json_body)
    elif args.form:
        spec.body = Body(BodyKind.FORM, rows=[Row(*_pair(f, "=", "Form field"))
                                              for f in args.form])
    elif args.multipart:
        rows = []
        for part in args.multipart:
            name, value = _pair(part, "=", "Multipart part")
            is_file = value.startswith("@")
            rows.append(Row(name, value[1:] if is_file else value, True, is_file))
        spec.body = Body(BodyKind.MULTIPART, rows=rows)
    if args.max_redirects < 0:
        raise UsageError("--max-redirects must be 0 or more.")
    timeout = _seconds_arg(args.timeout, "--timeout")
    spec.auth = _auth_from_args(args)
    spec.method = args.method or ("GET" if spec.body.kind is BodyKind.NONE else "POST")
    spec.options = Options(
        timeouts=Timeouts.all(timeout),
        follow_redirects=not args.no_follow,
        max_redirects=args.max_redirects,
        verify_tls=not args.insecure,
        http2=args.http2,
    )
    return spec


def _secret(value: str, scheme_id: str, name: str, label: str) -> str:
    """A secret field's value: literal, env:VAR, keyring, or - (prompted, no echo)."""
    if value.startswith("env:"):
        var = value[4:]
        if var not in os.environ:
            raise UsageError(f"{label}: the environment variable {var} is not set.")
        return os.environ[var]
    if value == "-":
        return _prompt(label)
    if value == "keyring":
        from .core.storage.keychain import SecretStore, secret_key
        from .core.storage.scratch import SCRATCH, auth_place

        store = SecretStore()
        found = store.get(secret_key(SCRATCH, auth_place(scheme_id), name))
        if found is None:
            raise UsageError(f"{label}: nothing in the keychain for {scheme_id}.{name}"
                             + (f" ({store.problem})" if store.problem else "")
                             + ". Save it from the window first.")
        return found
    # Allowed, as curl allows it, but said: a value in the arguments is visible to every
    # user of the machine (ps) and may stay in the shell's history.
    print(f"gatepost: warning: {label} was given in the command line, where other users "
          "can see it and your shell may keep it; env:VAR or - is safer.", file=sys.stderr)
    return value


def _has_terminal() -> bool:
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        # getpass asks on the controlling terminal even when stdin is a pipe.
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def _prompt(label: str) -> str:
    """A secret typed at the terminal (not echoed); without one, a line piped to stdin.
    Never getpass's own fallback, which warns in several lines and echoes."""
    if _has_terminal():
        import getpass
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return getpass.getpass(f"{label}: ")
            except EOFError:
                raise UsageError(f"{label}: nothing was entered.") from None
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UsageError(f"{label}: there is no terminal to ask on and nothing on standard "
                         "input; use env:VAR.")
    return line.rstrip("\r\n")


def _file_option(option: str, path: str) -> None:
    """Refuse a --cert/--key/--cacert file that cannot be read, naming it: over plain
    HTTP it would never be opened, and the request would go without it."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{option}: {path} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"{option}: {path} cannot be read ({exc.strerror or exc}).") \
            from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{option}: {path} is a folder, not a file.")
    # Not opened here: a FIFO would block the open.
    if not stat.S_ISREG(mode):
        raise UsageError(f"{option}: {path} is not a regular file.")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{option}: {path} cannot be read (permission denied).")


def _tls_from_args(args: argparse.Namespace) -> tuple[TlsSettings | None, str | None]:
    """The saved certificate settings, with the command line's --cert and --cacert
    first; or the reason the saved settings cannot be read."""
    from .core.storage.keychain import SecretStore
    from .core.tls.config import CaBundle, ClientCert, TlsSettings, TlsSetupError, load

    try:
        settings = load()
    except TlsSetupError as exc:
        if not (args.cert or args.cacert):
            return None, str(exc)
        print(f"gatepost: {exc} Using only --cert and --cacert.", file=sys.stderr)
        settings = TlsSettings()
    # The keychain is read only if a saved certificate is used.
    settings.secret_lookup = lambda key: SecretStore().get(key)
    if args.key and not args.cert:
        raise UsageError("--key needs --cert.")
    for option, path in (("--cert", args.cert), ("--key", args.key), ("--cacert", args.cacert)):
        if path:
            _file_option(option, path)
    if args.cacert:
        settings.ca_bundles.insert(0, CaBundle("*", args.cacert))
    if args.cert:
        if args.cert_pass == "keyring":
            raise UsageError("--pass: keyring is not offered here; use env:VAR or -.")
        passphrase = _secret(args.cert_pass, "tls", "passphrase", "Certificate passphrase") \
            if args.cert_pass else ""
        kind = {"p12": "pkcs12", "pem": "pem"}.get(args.cert_type or "") or (
            "pkcs12" if args.cert.lower().endswith((".p12", ".pfx")) else "pem")
        settings.client_certs.insert(0, ClientCert("*", kind=kind, cert=args.cert,
                                                   key=args.key or "", passphrase=passphrase))
    return settings, None


def _auth_from_args(args: argparse.Namespace) -> AuthConfig:
    from .core.auth import AuthError, FieldKind, get
    from .core.model import AuthConfig

    if args.auth == "none" and not args.auth_field:
        return AuthConfig()
    try:
        scheme = get(args.auth)
    except AuthError as exc:
        raise UsageError(str(exc)) from None
    fields = {f.name: f for f in scheme.fields}
    values: dict[str, object] = {}
    for item in args.auth_field:
        name, value = _pair(item, "=", "Auth field")
        f = fields.get(name)
        if f is None:
            raise UsageError(f"{scheme.id} has no field {name!r}; its fields are "
                             f"{', '.join(fields) or 'none'}.")
        if f.kind is FieldKind.SECRET:
            values[name] = _secret(value, scheme.id, name, f.label)
        elif f.kind is FieldKind.FLAG:
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise UsageError(f"{f.label}: {value!r} is not true or false.")
            values[name] = value.lower() in ("1", "true", "yes", "on")
        else:
            values[name] = value
    return AuthConfig(scheme.id, values)


class TerminalInteraction:
    """OAuth 2's browser and device-code steps on the terminal (stderr, so that stdout
    stays the exchange)."""

    def open_browser(self, url: str) -> None:
        import webbrowser

        print(f"gatepost: sign in in your browser: {url}", file=sys.stderr)
        webbrowser.open(url)

    def show_device_code(self, user_code: str, verification_uri: str,
                         complete_uri: str | None) -> None:
        print(f"gatepost: go to {complete_uri or verification_uri} and enter the code "
              f"{user_code}", file=sys.stderr)

    def cancelled(self) -> bool:
        return False  # Ctrl+C interrupts instead


def _auth_context(spec: RequestSpec, context: AuthContext | None = None
                  ) -> AuthContext | None:
    """The keychain place of the window's scratch request (where `keyring` values and
    OAuth 2 tokens live), or `context` (a saved request's); for a scheme with a Get
    token step and no token yet, that step runs first, on the terminal."""
    from .core.auth import AuthContext, AuthError, get
    from .core.storage.keychain import SecretStore
    from .core.storage.scratch import SCRATCH, auth_place

    scheme = get(spec.auth.scheme)
    if not scheme.actions:
        return context
    if context is None:
        context = AuthContext(SecretStore(), SCRATCH, auth_place(scheme.id),
                              TerminalInteraction())
    try:
        scheme.build(spec.auth.values, context=context)
    except AuthError:
        if any(a.name == "get_token" for a in scheme.actions):
            message = scheme.run_action("get_token", spec.auth.values, context)
            print(f"gatepost: {message}", file=sys.stderr)
    return context


def _send(args: argparse.Namespace) -> int:
    import json

    from .core.auth import AuthError as AuthErrorType
    from .core.validate import check

    secrets: tuple[str, ...] = ()
    saved_context: AuthContext | None = None
    collection_tls: TlsSettings | None = None
    collection_proxy: ProxySettings | None = None
    try:
        if args.collection:
            spec, secrets, saved_context, collection_tls, collection_proxy = _saved(args)
        else:
            spec = spec_from_args(args)
        # 0 turns a limit off, as "none" does in a request's Settings.
        if args.max_time is not None:
            spec.options.max_time = _seconds_arg(args.max_time, "--max-time", True) or None
        if args.utf8_headers:
            spec.options.utf8_headers = True
        if args.max_filesize is not None:
            spec.options.max_body_size = _size_arg(args.max_filesize, "--max-filesize") \
                or None
    except UsageError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problems = check(spec)
    if problems:
        for problem in problems:
            print(f"gatepost: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from .core.http.engine import Engine

    try:
        tls, tls_problem = _tls_from_args(args)
        jar, jar_file = cookie_jar_from_args(args)
        proxy = proxy_from_args(args, collection_proxy)
    except UsageError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        context = _auth_context(spec, saved_context)
        with Engine(tls=tls, tls_problem=tls_problem, proxy=proxy) as engine:
            exchange = engine.send(spec, context=context, secrets=secrets,
                                   tls=collection_tls, jar=jar)
        if not save_cookie_jar(jar, jar_file):
            return EXIT_TRANSPORT
    except KeyboardInterrupt:
        print("gatepost: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except AuthErrorType as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_TRANSPORT
    final = exchange.response
    failed = bool(args.fail and exchange.error is None and final is not None
                  and final.status >= 400)
    if args.json:
        json.dump(exchange.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        # As curl -f: a script's output file never holds an error page.
        _print_exchange(exchange, body_only=args.body_only, body=not failed)
    if failed and final is not None:
        print(f"gatepost: the server answered {final.status} {final.reason} (--fail)",
              file=sys.stderr)
        return EXIT_HTTP_ERROR
    if exchange.error is not None:
        print(f"gatepost: {exchange.error.message}", file=sys.stderr)
        return EXIT_USAGE if exchange.error.kind in (
            "invalid_request", "invalid_url", "unsupported_scheme", "certificate") \
            else EXIT_TRANSPORT
    return EXIT_OK


def _saved(args: argparse.Namespace
           ) -> tuple[RequestSpec, tuple[str, ...], AuthContext | None, TlsSettings | None,
                      ProxySettings | None]:
    """A saved request's spec, secrets to mask, auth context, its collection's
    certificates and proxy (gui/cli_saved.py); UsageError in one line when it cannot be
    sent."""
    from .cli_saved import SavedRequestError, body_arguments_given, saved_plan
    from .core.workspace import PlanError

    if body_arguments_given(args) or args.auth != "none":
        raise UsageError("--collection sends the saved request's body and auth; change "
                         "them in its file (--auth-field may set a field of its auth).")
    try:
        plan = saved_plan(args)
    except (SavedRequestError, PlanError) as exc:
        raise UsageError(str(exc)) from None
    return plan.spec, plan.secrets, plan.context, plan.tls, plan.proxy


def _print_exchange(exchange: Exchange, body_only: bool, body: bool = True) -> None:
    from .core.present import human_size, human_time

    out = sys.stdout
    if not body_only:
        for number, hop in enumerate(exchange.hops, 1):
            via = f"  (via {hop.proxy})" if hop.proxy else ""
            out.write(f"[{number}] {hop.kind.value}: {hop.request.method} {hop.request.url}"
                      f"{via}\n")
            if hop.response is None:
                out.write("    no response\n")
                continue
            r = hop.response
            out.write(f"    {r.http_version} {r.status} {r.reason}  "
                      f"({human_time(hop.timings.total)}, {human_size(r.body_size)})\n")
            if hop.next_reason:
                out.write(f"    -> {hop.next_reason}\n")
        if exchange.response is not None and body:
            out.write("\n")
    final = exchange.response
    if body and final is not None and final.body_size:
        _write_body(final, out)
    out.flush()
    if final is not None and final.body_error and exchange.error is None:
        print(f"gatepost: {final.body_error}", file=sys.stderr)


def _write_body(response: ReceivedResponse, out: TextIO) -> None:
    """The body as text, a megabyte at a time: a body of a gigabyte is never one
    string."""
    import codecs

    try:
        decoder = codecs.getincrementaldecoder(response.charset or "utf-8")("replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
    last = ""
    for piece in response.data.chunks():
        text = decoder.decode(piece)
        if text:
            out.write(text)
            last = text[-1]
    text = decoder.decode(b"", final=True)
    if text:
        out.write(text)
        last = text[-1]
    if last != "\n":
        out.write("\n")
