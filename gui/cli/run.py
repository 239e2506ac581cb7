"""`gatepost run`: the requests of a collection (or a folder, or some of them) sent in
order, their assertions checked and their captures passed on (gui/core/runner).

Exit statuses (docs/cli.md): 0 every check passed; 1 an assertion or capture failed;
3 a request could not be sent (no connection, an unknown variable, ...); 2 bad usage
or a file that does not parse (nothing is sent); 130 interrupted (Ctrl+C: the reports
then hold everything done until then, and are valid).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import deferred
from .options import (
    TerminalInteraction,
    UsageError,
    add_cookie_arguments,
    add_proxy_arguments,
    auth_context,
    cookie_jar_from_args,
    proxy_from_args,
    save_cookie_jar,
    seconds_arg,
    tls_from_args,
)

if TYPE_CHECKING:

    from ..core.collections.model import Collection, RequestItem
    from ..core.runner.run import RequestResult, Run
    from ..core.workspace import SecretPrompt

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_SENT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class RunUsageError(Exception):
    """Bad usage or a file that does not parse: one line, exit 2, nothing sent."""


def add_parser(commands: Any) -> None:
    run = commands.add_parser(
        "run", help="run a collection's requests with their assertions and captures",
        description="Send the requests of a collection, a folder or the requests named, "
                    "in the collection's order, check their assertions and pass captured "
                    "values on (see docs/cli.md and docs/collections.md).",
        epilog="Exit status: 0 all passed, 1 an assertion or capture failed, 2 bad usage "
               "or a file that does not parse, 3 a request could not be sent, 130 "
               "interrupted.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("path", metavar="PATH",
                     help="a collection folder, a folder inside one, or a request file")
    run.add_argument("select", nargs="*", metavar="REQUEST",
                     help="only these requests or folders (files relative to the "
                          "collection, or names such as 'Users/Login')")
    run.add_argument("--env", metavar="NAME", help="the environment (its name or file name)")
    run.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                     help="a variable above every scope (repeatable); VALUE may be env:VAR "
                          "or - (prompted), and such values are masked as secrets")
    run.add_argument("-n", "--iterations", metavar="N",
                     help="run everything N times (default: once per data row, or once)")
    run.add_argument("-d", "--data", metavar="FILE",
                     help="CSV or JSON: one iteration per row, its columns as variables")
    run.add_argument("--bail", action="store_true",
                     help="stop at the first request that fails or cannot be sent")
    run.add_argument("--delay", metavar="MS", default="0",
                     help="milliseconds to wait between two requests")
    run.add_argument("--timeout", metavar="SECONDS",
                     help="connect, read and write timeout of every request (default: "
                          "each request's own)")
    run.add_argument("-k", "--insecure", action="store_true",
                     help="do not verify servers' TLS certificates")
    certs = run.add_argument_group("certificates", "As for `gatepost send`.")
    certs.add_argument("--cert", metavar="FILE")
    certs.add_argument("--key", metavar="FILE")
    certs.add_argument("--cert-type", choices=["pem", "p12"])
    certs.add_argument("--pass", dest="cert_pass", metavar="PASSPHRASE")
    certs.add_argument("--cacert", metavar="FILE")

    add_cookie_arguments(run)
    add_proxy_arguments(run)
    reports = run.add_argument_group("reports")
    reports.add_argument("--report-json", metavar="FILE",
                         help="every exchange, masked, with the checks and totals")
    reports.add_argument("--report-junit", metavar="FILE",
                         help="JUnit XML for CI: a test suite per request, a test case "
                              "per assertion")
    reports.add_argument("-q", "--quiet", action="store_true",
                         help="print only failures and the summary line")


# -- arguments ------------------------------------------------------------------------------


def _token_step(plan: Any, step: Any) -> None:
    """A scheme with a Get token step and no token yet runs it first, as `gatepost send`
    does; when it fails, the send that follows reports why."""
    try:
        step(plan.spec, plan.context)
    except deferred.auth.AuthError:
        pass


def _number(text: str, option: str, low: float, integer: bool = False) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise RunUsageError(f"{option}: {text!r} is not {kind}.") from None
    if not value >= low or value > 10**9:
        raise RunUsageError(f"{option}: {text!r} must be at least {low:g}.")
    return value


def _collection_root(path: Path) -> tuple[Path, str | None]:
    """The collection folder holding `path`, and `path` relative to it (None: all)."""
    path = path.expanduser()
    if not path.exists():
        raise RunUsageError(f"{path}: no such file or folder.")
    resolved = path.resolve()
    for folder in (resolved if resolved.is_dir() else resolved.parent, *resolved.parents):
        if (folder / deferred.collection_model.COLLECTION_FILE).is_file():
            rel = resolved.relative_to(folder)
            return folder, None if str(rel) == "." else str(rel)
    raise RunUsageError(f"{path} is not in a Gatepost collection "
                        f"(no {deferred.collection_model.COLLECTION_FILE} there or above).")


def _variables(pairs: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    if not pairs:
        return {}, ()

    values: dict[str, str] = {}
    secrets: list[str] = []
    for pair in pairs:
        name, found, value = pair.partition("=")
        if not found or not name.strip():
            raise RunUsageError(f"--var {pair!r} is not in the form NAME=VALUE.")
        try:
            value, secret = deferred.cli_saved.source_value(name.strip(), value, "--var")
        except deferred.cli_saved.SavedRequestError as exc:
            raise RunUsageError(str(exc)) from None
        values[name.strip()] = value
        if secret and value:
            secrets.append(value)
    return values, tuple(secrets)


def _report_path(text: str | None, option: str) -> Path | None:
    if not text:
        return None
    path = Path(text).expanduser()
    if path.is_dir():
        raise RunUsageError(f"{option}: {path} is a folder; give a file name.")
    return path


def _data(path: str) -> list[dict[str, str]]:
    try:
        return deferred.runner_data.load_data(path)
    except deferred.runner_data.DataError as exc:
        raise RunUsageError(str(exc)) from None


def _ask(prompt: SecretPrompt) -> str | None:
    try:
        return deferred.cli_saved.ask_on_terminal(prompt)
    except deferred.cli_saved.SavedRequestError as exc:
        raise deferred.workspace.PlanError(f"Not sent: {exc}") from None


def _prepare(args: argparse.Namespace) -> tuple[Run, Collection, Any]:
    """The run the arguments describe; RunUsageError (exit 2) for anything wrong."""
    iterations = int(_number(args.iterations, "--iterations", 1, True)) \
        if args.iterations is not None else None
    delay = _number(args.delay, "--delay", 0) / 1000
    try:
        timeout = seconds_arg(args.timeout, "--timeout") if args.timeout else None
    except UsageError as exc:
        raise RunUsageError(str(exc)) from None
    root, inner = _collection_root(Path(args.path))
    store = deferred.keychain.SecretStore()
    try:
        collection = deferred.lookup.load_collection(root, store)
        items = deferred.runner_run.select(collection, [*([inner] if inner else []), *args.select])
        environment = deferred.lookup.find_environment(collection, args.env) if args.env else None
    except deferred.workspace.PlanError as exc:
        raise RunUsageError(str(exc)) from None
    if not items:
        raise RunUsageError(f"{root}: there are no requests to run there.")
    broken = deferred.runner_run.problems(items)
    if broken:
        raise RunUsageError("these files do not parse; nothing was sent:\n  "
                            + "\n  ".join(broken))
    variables, secrets = _variables(args.var)
    data = _data(args.data) if args.data else None
    try:
        tls, tls_problem = tls_from_args(args)
    except UsageError as exc:
        raise RunUsageError(str(exc)) from None
    try:
        jar, jar_file = cookie_jar_from_args(args)
        # The command line's proxy, else the collection's, else the saved or system's:
        # one for the whole run (every request is of this collection).
        proxy = proxy_from_args(args, deferred.planning.proxy_of(collection))
    except UsageError as exc:
        raise RunUsageError(str(exc)) from None
    workspace = deferred.workspace.Workspace(store, ask=_ask, interaction=TerminalInteraction())
    settings = deferred.runner_run.RunSettings(
        environment, variables, secrets, iterations, data, args.bail, delay, timeout,
        args.insecure, keep_exchanges=bool(args.report_json or args.report_junit),
        # One jar for the run (as newman has): a login's cookie reaches the next request;
        # --cookie-jar keeps it after.
        jar=jar if jar is not None else deferred.cookiejar.CookieJar(),
        before_send=lambda plan: _token_step(plan, auth_context),
        proxy=proxy, proxy_in_engine=True)
    args.jar_file = jar_file
    engine = deferred.engine.Engine(tls=tls, tls_problem=tls_problem, proxy=proxy)
    return deferred.runner_run.Run(workspace, engine, items, settings), collection, engine


# -- the run --------------------------------------------------------------------------------


class _Terminal:
    """Result lines on stdout as requests finish; a progress line on stderr when it is
    a terminal (rewritten in place, cleared before any other output)."""

    def __init__(self, run: Run, quiet: bool) -> None:
        self.run = run
        self.quiet = quiet
        self.progress = sys.stderr.isatty()
        self._shown = False

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False

    def started(self, index: int, iteration: int, item: RequestItem) -> None:
        if not self.progress:
            return

        width = shutil.get_terminal_size((80, 20)).columns
        text = f"[{index}/{self.run.total}] {deferred.runner_run.tree_name(item)}"
        sys.stderr.write("\r\x1b[K" + text[: max(width - 1, 10)])
        sys.stderr.flush()
        self._shown = True

    def finished(self, result: RequestResult) -> None:
        if self.quiet and result.outcome == deferred.runner_run.PASSED:
            return
        self.clear()
        sys.stdout.write("\n".join(deferred.reports.result_lines(result, self.run)) + "\n")
        sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    try:
        json_path = _report_path(args.report_json, "--report-json")
        junit_path = _report_path(args.report_junit, "--report-junit")
        the_run, collection, engine = _prepare(args)
    except RunUsageError as exc:
        print(f"gatepost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gatepost: cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    terminal = _Terminal(the_run, args.quiet)
    the_run.on_start, the_run.on_result = terminal.started, terminal.finished
    previous = _on_interrupt(the_run, terminal)
    # What is loaded by now (the code, the collection) stays for the whole run: out of
    # the cycle collector's scans, which otherwise walk it again and again as each
    # request's objects come and go (about 40 ms of 500 requests). Back after the run
    # (main() may be called in a process that goes on: the tests).
    gc.freeze()
    try:
        with engine:
            the_run.run()
    except KeyboardInterrupt:
        the_run.interrupted = True  # a second Ctrl+C: the results so far still count
    finally:
        gc.unfreeze()
        signal.signal(signal.SIGINT, previous)
        terminal.clear()

    if not save_cookie_jar(the_run.settings.jar, args.jar_file):
        status_override = EXIT_USAGE
    else:
        status_override = None
    info = deferred.reports.ReportInfo(collection.name, str(collection.path),
                                       the_run.settings.environment.name
                                       if the_run.settings.environment is not None else None)
    status = _status(the_run) if status_override is None else status_override
    reports = deferred.reports
    for path, write in ((json_path, reports.write_json), (junit_path, reports.write_junit)):
        if path is None:
            continue
        try:
            write(path, the_run, info)
        except OSError as exc:
            print(f"gatepost: the report {path} could not be written: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            status = status if status == EXIT_INTERRUPTED else EXIT_USAGE
    print(deferred.reports.summary_line(the_run))
    return status


def _on_interrupt(the_run: Run, terminal: _Terminal) -> Any:
    """Ctrl+C stops the run gracefully (the request in flight is cancelled, reports are
    written); a second one interrupts at once."""
    def handler(signum: int, frame: Any) -> None:
        if the_run.stopping:
            raise KeyboardInterrupt
        terminal.clear()
        print("gatepost: stopping (Ctrl+C again to quit at once)", file=sys.stderr)
        the_run.stop()

    return signal.signal(signal.SIGINT, handler)


def _status(the_run: Run) -> int:
    if the_run.interrupted:
        return EXIT_INTERRUPTED
    totals = the_run.totals()
    if totals.errors:
        return EXIT_NOT_SENT
    if totals.failed:
        return EXIT_FAILED
    return EXIT_OK
