"""The `gatepost` command: the window by default; `gatepost send` (send.py), `gatepost
run` (run.py), `gatepost import` and `export` (transfer.py), `gatepost auth list`.

Nothing here imports Qt or httpx at module level, so `--help` and `--version` answer
on a machine without a display and the window's start-up does not pay for httpx.
Options several commands share are in options.py.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .. import __version__, deferred

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, EXIT_INTERNAL, EXIT_CANCELLED = 0, 1, 2, 70, 130
#: --fail and a 4xx/5xx final status: curl's number for it, so scripts can test either.
EXIT_HTTP_ERROR = 22


def _parser(auth_scheme: str | None = None, command: str | None = None
            ) -> argparse.ArgumentParser:
    """The command line's parser; with `command` "run", only that command's (the rest
    is neither imported nor built: a CI job runs `gatepost run` again and again)."""
    parser = deferred.argparse.ArgumentParser(
        prog="gatepost",
        description="Gatepost, an HTTP request builder. Without a command it opens the "
                    "window; `gatepost send` sends a request from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"gatepost {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    if command == "run":
        deferred.cli_run.add_parser(commands)
        return parser

    deferred.cli_send.add_parser(commands, auth_scheme)
    auth = commands.add_parser("auth", help="list the auth schemes and their fields")
    auth.add_argument("action", choices=["list"])
    deferred.cli_run.add_parser(commands)
    deferred.cli_transfer.add_commands(commands)
    return parser


def _auth_list() -> int:
    for scheme in deferred.auth.schemes().values():
        state = "" if scheme.available() else f"  [not installed: {scheme.install_hint}]"
        print(f"{scheme.id}: {scheme.label}{state}")
        print(deferred.cli_send.fields_text(scheme))
    for error in deferred.auth.plugin_errors():
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
            return deferred.app.run()
        args = _parser(_scheme_in(argv), argv[0]).parse_args(argv)
        if args.command == "send":
            return deferred.cli_send.run(args)
        if args.command == "auth":
            return _auth_list()
        if args.command == "run":
            return deferred.cli_run.run(args)
        if args.command in ("import", "export"):
            return deferred.cli_transfer.run(args)
        return deferred.app.run()
    except BrokenPipeError:
        # The reader went away (`gatepost send ... | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        print(f"gatepost: internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_INTERNAL
