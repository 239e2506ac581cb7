"""`gatepost send`: one request, from the command line's options or saved in a
collection (gui/cli/saved.py), sent through the engine and printed hop by hop (or as
one JSON document)."""

from __future__ import annotations

import argparse
import codecs
import sys
from typing import TYPE_CHECKING, Any

from .. import deferred
from . import (
    EXIT_CANCELLED,
    EXIT_HTTP_ERROR,
    EXIT_OK,
    EXIT_TRANSPORT,
    EXIT_USAGE,
)
from .options import (
    UsageError,
    add_cookie_arguments,
    add_proxy_arguments,
    auth_context,
    cookie_jar_from_args,
    pair,
    proxy_from_args,
    save_cookie_jar,
    seconds_arg,
    secret_value,
    size_arg,
    tls_from_args,
)
from .saved import SavedRequestError, body_arguments_given, saved_plan
from .saved import add_arguments as add_saved_arguments

if TYPE_CHECKING:
    from typing import TextIO

    from ..core.auth.base import AuthContext, Scheme
    from ..core.http.exchange import Exchange, ReceivedResponse
    from ..core.http.proxies import ProxySettings
    from ..core.model import AuthConfig, RequestSpec
    from ..core.tls.config import TlsSettings


def add_parser(commands: Any, auth_scheme: str | None = None) -> None:
    """The `send` sub-command, on gatepost's sub-parser action; `auth_scheme` (from
    --auth) puts that scheme's fields in its --help."""
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
    send.add_argument("--omit-header", action="append", default=[], metavar="NAME",
                      help="do not send this header Gatepost adds by itself (User-Agent, "
                      "Accept, Accept-Encoding, Connection, Content-Type; repeatable); a "
                      "saved request's omit_headers apply as well")
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
    add_saved_arguments(send)
    add_cookie_arguments(send)
    add_proxy_arguments(send)


def _auth_epilog(scheme_id: str | None) -> str | None:
    if not scheme_id:
        return "Auth fields of a scheme: gatepost send --auth SCHEME --help"

    try:
        scheme = deferred.auth.get(scheme_id)
    except deferred.auth.AuthError as exc:
        return str(exc)
    return f"Fields of --auth {scheme.id} ({scheme.label}):\n" + fields_text(scheme)


def fields_text(scheme: Scheme) -> str:
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


def spec_from_args(args: argparse.Namespace) -> RequestSpec:
    model = deferred.model
    spec = model.RequestSpec(url=args.url)
    spec.headers = [model.Row(*pair(h, ":", "Header")) for h in args.header]
    if args.data is not None:
        if args.data.startswith("@"):
            spec.body = model.Body(model.BodyKind.FILE, path=args.data[1:])
        else:
            spec.body = model.Body(model.BodyKind.RAW, text=args.data, content_type="")
    elif args.json_body is not None:
        spec.body = model.Body(model.BodyKind.JSON, text=args.json_body)
    elif args.form:
        spec.body = model.Body(model.BodyKind.FORM, rows=[model.Row(*pair(f, "=", "Form field"))
                                              for f in args.form])
    elif args.multipart:
        rows = []
        for part in args.multipart:
            name, value = pair(part, "=", "Multipart part")
            is_file = value.startswith("@")
            rows.append(model.Row(name, value[1:] if is_file else value, True, is_file))
        spec.body = model.Body(model.BodyKind.MULTIPART, rows=rows)
    if args.max_redirects < 0:
        raise UsageError("--max-redirects must be 0 or more.")
    timeout = seconds_arg(args.timeout, "--timeout")
    spec.auth = _auth_from_args(args)
    spec.method = args.method or ("GET" if spec.body.kind is model.BodyKind.NONE else "POST")
    spec.options = model.Options(
        timeouts=model.Timeouts.all(timeout),
        follow_redirects=not args.no_follow,
        max_redirects=args.max_redirects,
        verify_tls=not args.insecure,
        http2=args.http2,
    )
    return spec


def _omitted(name: str) -> str:
    key = name.strip().lower()
    if not key or key in deferred.http_build.NEEDED:
        raise UsageError(f"--omit-header {name!r}: " + (
            "give a header name." if not key else
            f"HTTP needs {name.strip()} where it applies; it cannot be left out."))
    return key


def _auth_from_args(args: argparse.Namespace) -> AuthConfig:
    if args.auth == "none" and not args.auth_field:
        return deferred.model.AuthConfig()
    try:
        scheme = deferred.auth.get(args.auth)
    except deferred.auth.AuthError as exc:
        raise UsageError(str(exc)) from None
    fields = {f.name: f for f in scheme.fields}
    values: dict[str, object] = {}
    for item in args.auth_field:
        name, value = pair(item, "=", "Auth field")
        f = fields.get(name)
        if f is None:
            raise UsageError(f"{scheme.id} has no field {name!r}; its fields are "
                             f"{', '.join(fields) or 'none'}.")
        if f.kind is deferred.auth.FieldKind.SECRET:
            values[name] = secret_value(value, scheme.id, name, f.label)
        elif f.kind is deferred.auth.FieldKind.FLAG:
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise UsageError(f"{f.label}: {value!r} is not true or false.")
            values[name] = value.lower() in ("1", "true", "yes", "on")
        else:
            values[name] = value
    return deferred.model.AuthConfig(scheme.id, values)


def run(args: argparse.Namespace) -> int:
    """`gatepost send`: its exit status (docs/cli.md)."""
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
            spec.options.max_time = seconds_arg(args.max_time, "--max-time", True) or None
        if args.utf8_headers:
            spec.options.utf8_headers = True
        for name in args.omit_header:
            spec.omit_headers.append(_omitted(name))
        if args.max_filesize is not None:
            spec.options.max_body_size = size_arg(args.max_filesize, "--max-filesize") \
                or None
    except UsageError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problems = deferred.validate.check(spec)
    if problems:
        for problem in problems:
            print(f"gatepost: {problem}", file=sys.stderr)
        return EXIT_USAGE

    try:
        tls, tls_problem = tls_from_args(args)
        jar, jar_file = cookie_jar_from_args(args)
        proxy = proxy_from_args(args, collection_proxy)
    except UsageError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        context = auth_context(spec, saved_context)
        with deferred.engine.Engine(tls=tls, tls_problem=tls_problem, proxy=proxy) as engine:
            exchange = engine.send(spec, context=context, secrets=secrets,
                                   tls=collection_tls, jar=jar)
        if not save_cookie_jar(jar, jar_file):
            return EXIT_TRANSPORT
    except KeyboardInterrupt:
        print("gatepost: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except deferred.auth.AuthError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_TRANSPORT
    final = exchange.response
    failed = bool(args.fail and exchange.error is None and final is not None
                  and final.status >= 400)
    if args.json:
        deferred.json.dump(exchange.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        # As curl -f: a script's output file never holds an error page.
        print_exchange(exchange, body_only=args.body_only, body=not failed)
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
    certificates and proxy (gui/cli/saved.py); UsageError in one line when it cannot be
    sent."""
    if body_arguments_given(args) or args.auth != "none":
        raise UsageError("--collection sends the saved request's body and auth; change "
                         "them in its file (--auth-field may set a field of its auth).")
    try:
        plan = saved_plan(args)
    except (SavedRequestError, deferred.workspace.PlanError) as exc:
        raise UsageError(str(exc)) from None
    return plan.spec, plan.secrets, plan.context, plan.tls, plan.proxy


def print_exchange(exchange: Exchange, body_only: bool, body: bool = True) -> None:
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
                      f"({deferred.present.human_time(hop.timings.total)}, "
                      f"{deferred.present.human_size(r.body_size)})\n")
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

