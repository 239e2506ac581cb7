"""A run: requests of a collection sent one after another, checked, values captured.

Each request is prepared by `Workspace.plan` (the run's variables — command line, data
row, captures — go in as overrides, secret ones also as secret overrides, so they are
masked in the record) and sent by `Engine.send`; then its captures are taken and its
assertions checked. Every iteration starts again from the command line's variables and
its data row: captures of one iteration never leak into the next.

`Run.run()` blocks; call it in a worker (the window) or the main thread (the CLI).
`Run.stop()` may be called from any thread or a signal handler: the request in flight
is cancelled (its socket shut down), no further one starts, and the results so far stay
complete — the request cut short is marked `interrupted`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collections.lookup import find_request, same_file
from ..collections.model import Folder, collection_of
from ..http.cancel import CancelToken
from ..http.masking import spec_secrets
from ..model import Timeouts
from ..workspace import PlanError
from . import assertions as checks
from .captures import RunVariables, take
from .queries import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..collections.model import Collection, Environment, RequestItem
    from ..http.cookiejar import CookieJar
    from ..http.engine import Engine
    from ..http.exchange import Exchange
    from ..http.proxies import ProxySettings
    from ..workspace import SendPlan, Workspace
    from .assertions import CheckResult
    from .captures import Captured

PASSED, FAILED, ERROR, INTERRUPTED = "passed", "failed", "error", "interrupted"


@dataclass
class RequestResult:
    """One request of one iteration, as reports and the runner view show it."""

    index: int
    iteration: int
    item: RequestItem
    #: The request's names in the tree ("Users/Create user") and file (relative).
    name: str
    file: str
    folder: str
    outcome: str = PASSED
    status: int | None = None
    #: Seconds, the whole exchange.
    time: float = 0.0
    checks: list[CheckResult] = field(default_factory=list)
    #: Why the request was not sent or got no response (outcome ERROR / INTERRUPTED).
    error: str | None = None
    error_kind: str | None = None
    #: The record (masked by the engine); None when the run does not keep them.
    exchange: Exchange | None = None
    started: float = 0.0

    @property
    def assertions(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "assertion"]

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]


@dataclass
class RunSettings:
    environment: Environment | None = None
    #: Variables above every scope (`--var`); `secret_values` are those to mask.
    variables: dict[str, str] = field(default_factory=dict)
    secret_values: tuple[str, ...] = ()
    #: None: one per data row, or one.
    iterations: int | None = None
    data: list[dict[str, str]] | None = None
    bail: bool = False
    #: Seconds between two requests.
    delay: float = 0.0
    #: Connect, read and write timeout of every request, each (None: as saved).
    timeout: float | None = None
    insecure: bool = False
    keep_exchanges: bool = True
    #: One jar for the whole run, so a login's session cookie reaches the next request
    #: (None: each request starts with an empty one).
    jar: CookieJar | None = None
    #: Called with each plan before it is sent (the CLI runs an OAuth 2 "Get token"
    #: step there when no token is stored yet).
    before_send: Callable[[SendPlan], None] | None = None
    #: The proxy of every request, over the collection's (`gatepost run --proxy`);
    #: None: each plan's (its collection's), else the engine's.
    proxy: ProxySettings | None = None
    #: The engine was made with `proxy` (Engine(proxy=...)): each send leaves the proxy
    #: to it, rather than reading the system's settings again for every request.
    proxy_in_engine: bool = False


@dataclass
class Totals:
    requests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    interrupted: int = 0
    assertions: int = 0
    assertions_failed: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class Run:
    def __init__(self, workspace: Workspace, engine: Engine, items: list[RequestItem],
                 settings: RunSettings | None = None,
                 on_start: Callable[[int, int, RequestItem], None] | None = None,
                 on_result: Callable[[RequestResult], None] | None = None) -> None:
        self.workspace = workspace
        self.engine = engine
        self.items = items
        self.settings = settings or RunSettings()
        self.on_start = on_start
        self.on_result = on_result
        self.results: list[RequestResult] = []
        #: Every secret value met so far: reports mask them all.
        self.secrets: set[str] = {s for s in self.settings.secret_values if s}
        self.interrupted = False
        self.bailed = False
        self.started = 0.0
        self.duration = 0.0
        self._stop = threading.Event()
        self._token: CancelToken | None = None

    # -- control ---------------------------------------------------------------------------

    @property
    def iterations(self) -> int:
        s = self.settings
        return s.iterations or (len(s.data) if s.data else 1)

    @property
    def total(self) -> int:
        return self.iterations * len(self.items)

    def stop(self) -> None:
        """Stop the run from any thread (Ctrl+C, the window's Stop)."""
        self.interrupted = True
        self._stop.set()
        token = self._token
        if token is not None:
            token.cancel()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> Totals:
        self.started = time.time()
        begin = time.perf_counter()
        try:
            for iteration in range(1, self.iterations + 1):
                if not self._iteration(iteration):
                    break
        finally:
            self.duration = time.perf_counter() - begin
        return self.totals()

    def _iteration(self, iteration: int) -> bool:
        s = self.settings
        variables = dict(s.variables)
        if s.data:
            variables.update(s.data[(iteration - 1) % len(s.data)])
        captured = RunVariables()
        for item in self.items:
            if self._stop.is_set():
                return False
            if self.results and s.delay > 0 and self._stop.wait(s.delay):
                return False
            index = len(self.results) + 1
            if self.on_start is not None:
                self.on_start(index, iteration, item)
            result, got = self._one(index, iteration, item,
                                    {**variables, **captured.values()},
                                    (*s.secret_values, *captured.secrets()), captured)
            if result.outcome == INTERRUPTED:
                self.interrupted = True
            if got is not None:
                captured.update(got, result.file)
                self.secrets.update(got.secrets)
            self.results.append(result)
            if self.on_result is not None:
                self.on_result(result)
            if result.outcome == INTERRUPTED or self._stop.is_set():
                return False
            if s.bail and result.outcome in (FAILED, ERROR):
                self.bailed = True
                return False
        return True

    def _one(self, index: int, iteration: int, item: RequestItem, overrides: dict[str, str],
             secret_overrides: tuple[str, ...], captured: RunVariables
             ) -> tuple[RequestResult, Captured | None]:
        s = self.settings
        result = RequestResult(index, iteration, item, tree_name(item), relative(item),
                               folder_name(item), started=time.time())
        try:
            plan = self.workspace.plan(item.spec, item, s.environment, overrides,
                                       secret_overrides)
        except PlanError as exc:
            result.outcome, result.error_kind = ERROR, "plan"
            # A variable a capture should have set: say which capture found nothing.
            result.error = captured.explain(str(exc))
            return result, None
        # The scheme's own secret fields and a URL's user-info password too: a server
        # that echoes the request (httpbin /anything) puts them in bodies the report keeps.
        masked = spec_secrets(plan.spec, plan.secrets)
        self.secrets.update(v for v in masked if v)
        if s.timeout is not None:
            plan.spec.options.timeouts = Timeouts.all(s.timeout)
        if s.insecure:
            plan.spec.options.verify_tls = False
        token = self._token = CancelToken()
        if self._stop.is_set():
            token.cancel()
        try:
            if s.before_send is not None:
                s.before_send(plan)
            proxy = None if s.proxy_in_engine else \
                s.proxy if s.proxy is not None else plan.proxy
            exchange = self.engine.send(plan.spec, cancel=token, secrets=plan.secrets,
                                        context=plan.context, tls=plan.tls, jar=s.jar,
                                        proxy=proxy)
        finally:
            self._token = None
        result.time = exchange.total
        final = exchange.response
        result.status = final.status if final is not None else None
        if s.keep_exchanges:
            result.exchange = exchange
        if exchange.error is not None:
            interrupted = exchange.error.kind == "cancelled" and self._stop.is_set()
            result.outcome = INTERRUPTED if interrupted else ERROR
            result.error, result.error_kind = exchange.error.message, exchange.error.kind
            return result, None
        scope = self.workspace.scope(item, s.environment, overrides)
        response = Response(exchange, scope, masked)
        result.checks, got = check_exchange(item, response, result.file)
        if any(not c.passed for c in result.checks):
            result.outcome = FAILED
        return result, got

    def totals(self) -> Totals:
        t = Totals(requests=len(self.results))
        for r in self.results:
            t.passed += r.outcome == PASSED
            t.failed += r.outcome == FAILED
            t.errors += r.outcome == ERROR
            t.interrupted += r.outcome == INTERRUPTED
            t.assertions += len(r.assertions)
            t.assertions_failed += sum(1 for c in r.assertions if not c.passed)
        return t


def check_exchange(item: RequestItem, response: Response, source: str
                   ) -> tuple[list[CheckResult], Captured]:
    """The captures of `item` taken from `response` (a real send's exchange and the
    scope it was planned with), then its assertions checked with them in scope: what a
    run does after each send, and what the window does after a send by hand (it then
    keeps the values in its own RunVariables)."""
    got = take(item.captures, response, source)
    if got.values:
        response.scope = {**response.scope, **got.values}
    results = got.results + [checks.check(a, response) for a in item.assertions
                             if a.enabled]
    return results, got


# -- choosing requests ----------------------------------------------------------------------


def tree_name(item: RequestItem | Folder) -> str:
    names = [item.name]
    node = item.parent
    while node is not None and node.parent is not None:
        names.append(node.name)
        node = node.parent
    return "/".join(reversed(names))


def folder_name(item: RequestItem) -> str:
    parent = item.parent
    return tree_name(parent) if parent is not None and parent.parent is not None else ""


def relative(item: RequestItem) -> str:
    try:
        return str(item.path.relative_to(collection_of(item).path))
    except ValueError:
        return str(item.path)


def select(collection: Collection, refs: Iterable[str]) -> list[RequestItem]:
    """The requests `refs` name — request files, folders (a path or names in the
    tree), or everything when none — in the collection's order (its declared `order`,
    else by name), each once. PlanError for a name that matches nothing."""
    everything = collection.requests()
    refs = [r for r in refs if r.strip()]
    if not refs:
        return everything
    chosen: set[int] = set()
    folders = [f for f in collection.root.walk() if isinstance(f, Folder)]
    for ref in refs:
        target = Path(ref).expanduser()
        path = target if target.is_absolute() else collection.path / target
        if same_file(path, collection.path):
            return everything
        folder = next((f for f in folders if same_file(f.path, path)
                       or tree_name(f) == ref.strip("/")), None)
        if folder is not None:
            chosen.update(id(i) for i in folder.walk() if not isinstance(i, Folder))
            continue
        try:
            chosen.add(id(find_request(collection, ref)))
        except PlanError as exc:
            if "has no request" not in str(exc):
                raise
            raise PlanError(f"{collection.path} has no request or folder {ref!r} (give a "
                            "file or folder relative to the collection, or names such as "
                            "'Folder/Request').") from None
    return [item for item in everything if id(item) in chosen]


def problems(items: list[RequestItem]) -> list[str]:
    """Files among `items` (and their folders) that did not parse: a run refuses to
    start while any is listed, each with its file, line and the part that is wrong."""
    found: dict[str, None] = {}
    for item in items:
        node: Any = item
        while node is not None:
            problem = node.disk.problem
            if problem is not None:
                found[str(problem)] = None
            node = node.parent
    return list(found)
