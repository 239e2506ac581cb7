"""What several commands share: the option helpers of `gatepost send` and `gatepost run`.

Secrets from the command line (env:VAR, keyring, - to be prompted), certificates,
the cookie jar, the proxy, timeouts and sizes, and the OAuth 2 token step on the
terminal. Each raises UsageError, one line naming the option, before anything is sent.
"""

from __future__ import annotations

import math
import os
import stat
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .. import deferred

if TYPE_CHECKING:
    import argparse

    from ..core.auth.base import AuthContext
    from ..core.http.cookiejar import CookieJar
    from ..core.http.proxies import ProxySettings
    from ..core.model import RequestSpec
    from ..core.tls.config import TlsSettings


class UsageError(Exception):
    """Bad usage or an option that cannot be used: one line for stderr, exit 2."""


def pair(text: str, sep: str, what: str) -> tuple[str, str]:
    name, found, value = text.partition(sep)
    if not found or not name.strip():
        raise UsageError(f"{what} {text!r} is not in the form NAME{sep}VALUE.")
    return name.strip(), value.strip() if sep == ":" else value


def seconds_arg(text: str, option: str, zero: bool = False) -> float:
    """A number of seconds from the command line; 0 only where it means "none"."""
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a number of seconds.") from None
    if not math.isfinite(value) or value < 0 or value > deferred.validate.MAX_SECONDS or (
            value == 0 and not zero):
        lowest = "0 (no limit)" if zero else "more than 0"
        raise UsageError(f"{option}: {text!r} must be a number of seconds, {lowest} and "
                         f"at most a year ({deferred.validate.MAX_SECONDS:.0f}).")
    return value


def size_arg(text: str, option: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    stripped = text.strip().upper().removesuffix("B")
    factor = units.get(stripped[-1:], 1)
    number = stripped[:-1] if stripped[-1:] in units else stripped
    if not number.isdigit():
        raise UsageError(f"{option}: {text!r} is not a size in bytes (e.g. 500000, 200K, "
                         "10M, 1G; 0 for no limit).")
    return int(number) * factor


def secret_value(value: str, scheme_id: str, name: str, label: str) -> str:
    """A secret field's value: literal, env:VAR, keyring, or - (prompted, no echo)."""
    if value.startswith("env:"):
        var = value[4:]
        if var not in os.environ:
            raise UsageError(f"{label}: the environment variable {var} is not set.")
        return os.environ[var]
    if value == "-":
        return _prompt(label)
    if value == "keyring":
        store = deferred.keychain.SecretStore()
        scratch = deferred.scratch
        found = store.get(deferred.keychain.secret_key(scratch.SCRATCH,
                                                       scratch.auth_place(scheme_id), name))
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return deferred.getpass.getpass(f"{label}: ")
            except EOFError:
                raise UsageError(f"{label}: nothing was entered.") from None
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UsageError(f"{label}: there is no terminal to ask on and nothing on standard "
                         "input; use env:VAR.")
    return line.rstrip("\r\n")


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
    if args.no_cookies:
        return deferred.cookiejar.CookieJar.off(), None
    if not args.cookie_jar:
        return None, None

    path = Path(args.cookie_jar)
    if not path.parent.is_dir():
        raise UsageError(f"--cookie-jar: the folder of {path} does not exist.")
    try:
        jar, problems = deferred.cookiestore.load_netscape(path)
    except deferred.cookiestore.JarError as exc:
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

    try:
        deferred.cookiestore.save_netscape(jar, path)
    except OSError as exc:
        print(f"gatepost: --cookie-jar: {path} could not be written "
              f"({exc.strerror or exc}).", file=sys.stderr)
        return False
    return True


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
    fields: dict[str, str] = {}
    for item in args.proxy_field:
        name, value = pair(item, "=", "--proxy-field")
        if name not in ("username", "password"):
            raise UsageError(f"--proxy-field: {name!r} is not a field of the proxy; its "
                             "fields are username and password.")
        fields[name] = value
    key = deferred.proxies.GLOBAL_PASSWORD_KEY
    if args.proxy is not None:
        proxies = deferred.proxies
        settings = proxies.ProxySettings("none") if args.proxy.strip().lower() == "none" else \
            proxies.ProxySettings("manual", url=args.proxy)
        if "@" in args.proxy.partition("://")[2]:
            print("gatepost: warning: --proxy holds credentials, where other users can see "
                  "them; --proxy-field password=env:VAR or - is safer.", file=sys.stderr)
    elif collection is not None:
        settings = deferred.copy.copy(collection)
        key = settings.keychain_key
    else:
        try:
            settings = deferred.proxies.load()
        except deferred.proxies.ProxySettingsError as exc:
            raise UsageError(str(exc)) from None
    if args.proxy is None and settings.username and "password" not in fields:
        settings.password = deferred.keychain.SecretStore().get(key) or ""
    if args.proxy_auth:
        settings.auth = args.proxy_auth
    if "username" in fields:
        settings.username = fields["username"]
    if "password" in fields:
        value = fields["password"]
        if value == "keyring":
            store = deferred.keychain.SecretStore()
            found = store.get(key)
            if found is None:
                raise UsageError("Proxy password: nothing in the keychain"
                                 + (f" ({store.problem})" if store.problem else "")
                                 + ". Save it under Proxy… in the window first.")
            settings.password = found
        else:
            settings.password = secret_value(value, "proxy", "password", "Proxy password")
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


def _file_option(option: str, path: str) -> None:
    """Refuse a --cert/--key/--cacert file that cannot be read, naming it: over plain
    HTTP it would never be opened, and the request would go without it."""
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


def tls_from_args(args: argparse.Namespace) -> tuple[TlsSettings | None, str | None]:
    """The saved certificate settings, with the command line's --cert and --cacert
    first; or the reason the saved settings cannot be read."""
    try:
        settings = deferred.tls_config.load()
    except deferred.tls_config.TlsSetupError as exc:
        if not (args.cert or args.cacert):
            return None, str(exc)
        print(f"gatepost: {exc} Using only --cert and --cacert.", file=sys.stderr)
        settings = deferred.tls_config.TlsSettings()
    # The keychain is read only if a saved certificate is used.
    settings.secret_lookup = lambda key: deferred.keychain.SecretStore().get(key)
    if args.key and not args.cert:
        raise UsageError("--key needs --cert.")
    for option, path in (("--cert", args.cert), ("--key", args.key), ("--cacert", args.cacert)):
        if path:
            _file_option(option, path)
    if args.cacert:
        settings.ca_bundles.insert(0, deferred.tls_config.CaBundle("*", args.cacert))
    if args.cert:
        if args.cert_pass == "keyring":
            raise UsageError("--pass: keyring is not offered here; use env:VAR or -.")
        passphrase = secret_value(args.cert_pass, "tls", "passphrase", "Certificate passphrase") \
            if args.cert_pass else ""
        kind = {"p12": "pkcs12", "pem": "pem"}.get(args.cert_type or "") or (
            "pkcs12" if args.cert.lower().endswith((".p12", ".pfx")) else "pem")
        settings.client_certs.insert(0, deferred.tls_config.ClientCert(
            "*", kind=kind, cert=args.cert, key=args.key or "", passphrase=passphrase))
    return settings, None


class TerminalInteraction:
    """OAuth 2's browser and device-code steps on the terminal (stderr, so that stdout
    stays the exchange)."""

    def open_browser(self, url: str) -> None:
        print(f"gatepost: sign in in your browser: {url}", file=sys.stderr)
        deferred.webbrowser.open(url)

    def show_device_code(self, user_code: str, verification_uri: str,
                         complete_uri: str | None) -> None:
        print(f"gatepost: go to {complete_uri or verification_uri} and enter the code "
              f"{user_code}", file=sys.stderr)

    def cancelled(self) -> bool:
        return False  # Ctrl+C interrupts instead


def auth_context(spec: RequestSpec, context: AuthContext | None = None
                  ) -> AuthContext | None:
    """The keychain place of the window's scratch request (where `keyring` values and
    OAuth 2 tokens live), or `context` (a saved request's); for a scheme with a Get
    token step and no token yet, that step runs first, on the terminal."""
    scheme = deferred.auth.get(spec.auth.scheme)
    if not scheme.actions:
        return context
    if context is None:
        context = deferred.auth.AuthContext(
            deferred.keychain.SecretStore(), deferred.scratch.SCRATCH,
            deferred.scratch.auth_place(scheme.id), TerminalInteraction())
    try:
        scheme.build(spec.auth.values, context=context)
    except deferred.auth.AuthError:
        if any(a.name == "get_token" for a in scheme.actions):
            message = scheme.run_action("get_token", spec.auth.values, context)
            print(f"gatepost: {message}", file=sys.stderr)
    return context
