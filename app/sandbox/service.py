"""The parts every sandbox service shares: request log, faults, control API, loopback server.

A sandbox service is a small Flask app that imitates an upstream API over real HTTP. This
module wraps such an app so that tests and demos can

* read every request it received (``RequestLog``; secret headers are redacted),
* make it misbehave on demand (``Faults``: latency, timeouts, error statuses, bad JSON),
  every time, the next N times, or at random with a probability, and count what it injected,
* drive both through ``/__sandbox/...`` control endpoints or directly from Python,
* serve it on a loopback port in a background thread (``LoopbackServer``).
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import socket
import threading
import time
from collections import Counter
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import simplejson
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask.json.provider import JSONProvider
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

# Header values that must never be recorded: they carry the caller's credentials.
SECRET_HEADERS = frozenset({"x-auth-token", "x-authorization", "authorization", "cookie"})
REDACTED = "<redacted>"
# Request bodies larger than this are logged by size only, to keep the log small.
LOGGED_BODY_LIMIT = 256 * 1024
# How long a "timeout" fault holds a request before answering 504, unless it says (timeout=S).
TIMEOUT_FAULT_HOLD_SECONDS = 30.0
CONTROL_PREFIX = "/__sandbox"


class DecimalJSONProvider(JSONProvider):
    """Serialize Decimal as a JSON number and parse numbers with a fraction as Decimal."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return simplejson.dumps(obj, use_decimal=True, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return simplejson.loads(s, use_decimal=True, **kwargs)


def dumps(obj: Any) -> str:
    """Encode to JSON the way the sandboxes put it on the wire (Decimal as a number)."""
    return simplejson.dumps(obj, use_decimal=True)


@dataclass
class LoggedRequest:
    """One request as a sandbox received it, with secret header values redacted."""

    seq: int
    time: float
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any
    body_size: int
    status: int | None = None
    fault: str | None = None
    body: bytes | None = None  # the raw request body, when small enough to keep
    response_headers: dict[str, str] | None = None
    response_body: bytes | None = None  # the raw response body, when small enough to keep

    @property
    def response_json(self) -> Any:
        """Return the response body decoded as JSON, or None when it was not kept or not JSON."""
        if self.response_body is None:
            return None
        try:
            return simplejson.loads(self.response_body, use_decimal=True)
        except ValueError:
            return None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict of this entry."""
        response = self.response_body
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "json": self.json,
            "body_size": self.body_size,
            "status": self.status,
            "fault": self.fault,
            "response_headers": self.response_headers,
            "response_body": response.decode("utf-8", "replace") if response is not None else None,
        }


# The newest requests a log keeps: far more than any test makes between clears, and a bound
# on the memory of a long soak or benchmark (each entry holds bodies of up to 64 KB).
LOG_CAPACITY = 20_000


class RequestLog:
    """A thread-safe record of the latest requests a sandbox service handled."""

    def __init__(self, capacity: int = LOG_CAPACITY) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = itertools.count(1)

    def record(
        self,
        method: str,
        path: str,
        query: dict,
        headers: dict,
        body: bytes | None,
        body_size: int | None = None,
        secret_headers: frozenset[str] = SECRET_HEADERS,
    ) -> LoggedRequest:
        """Add one request to the log and return its entry (``body=None``: size only)."""
        parsed: Any = None
        if body and len(body) <= LOGGED_BODY_LIMIT:
            try:
                parsed = simplejson.loads(body, use_decimal=True)
            except ValueError:
                parsed = body.decode("utf-8", "replace")
        entry = LoggedRequest(
            seq=next(self._seq),
            time=time.time(),
            method=method,
            path=path,
            query=query,
            headers={
                name: (REDACTED if name.lower() in secret_headers else value)
                for name, value in headers.items()
            },
            json=parsed,
            body_size=len(body) if body is not None else body_size or 0,
            body=body if body and len(body) <= LOGGED_BODY_LIMIT else None,
        )
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Return logged requests, optionally filtered by method and a path glob."""
        with self._lock:
            found = list(self._entries)
        if method:
            found = [e for e in found if e.method == method.upper()]
        if path:
            found = [e for e in found if fnmatch.fnmatchcase(e.path, path)]
        return found

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Count logged requests that match a method and a path glob."""
        return len(self.entries(method, path))

    def clear(self) -> None:
        """Forget every logged request."""
        with self._lock:
            self._entries.clear()


FAULT_KINDS = ("delay", "timeout", "status", "malformed")


@dataclass
class Fault:
    """A misbehaviour applied to requests whose method and path match."""

    method: str
    path: str
    kind: str
    value: float | int | None = None  # delay or timeout hold in seconds; the status code
    times: int | None = None  # None: every matching request; N: the next N only
    probability: float | None = None  # None: always; P: each matching request with chance P

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}"
            )
        if self.kind == "delay" and (self.value is None or float(self.value) < 0):
            raise ValueError("a delay fault needs a number of seconds, e.g. delay=2.5")
        if self.kind == "status" and not (self.value and 400 <= int(self.value) <= 599):
            raise ValueError("a status fault needs a 4xx or 5xx code, e.g. status=503")
        if self.kind == "timeout" and self.value is not None and float(self.value) < 0:
            raise ValueError("a timeout fault holds for a number of seconds, e.g. timeout=2")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be a positive count")
        if self.probability is not None:
            self.probability = float(self.probability)
            if not 0 < self.probability <= 1:
                raise ValueError("probability must be above 0 and at most 1, e.g. probability=0.05")

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this fault applies to a request."""
        return self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path)

    @property
    def name(self) -> str:
        """Return what the fault does and to which requests, without how often."""
        value = "" if self.value is None else f"={self.value}"
        return f"{self.method} {self.path} {self.kind}{value}"

    def describe(self) -> str:
        """Return the fault in the same text form the environment variable uses."""
        times = "" if self.times is None else f" times={self.times}"
        chance = "" if self.probability is None else f" probability={self.probability}"
        return f"{self.name}{times}{chance}"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict of this fault."""
        return {
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "value": self.value,
            "times": self.times,
            "probability": self.probability,
        }


def parse_fault(text: str) -> Fault:
    """Parse ``METHOD PATH-GLOB KIND[=VALUE] [times=N] [probability=P]``.

    For example ``POST /v1/analyze delay=2`` or ``* /stores/* status=503 probability=0.05``.
    """
    parts = text.split()
    if not 3 <= len(parts) <= 5:
        raise ValueError(
            f"cannot read fault {text!r}: expected "
            "'METHOD PATH KIND[=VALUE] [times=N] [probability=P]'"
        )
    method, path, kind_part = parts[:3]
    kind, _, raw_value = kind_part.partition("=")
    value: float | int | None = None
    if raw_value:
        value = int(raw_value) if kind == "status" else float(raw_value)
    options: dict[str, str] = {}
    for part in parts[3:]:
        option, _, raw = part.partition("=")
        if option not in ("times", "probability") or option in options or not raw:
            raise ValueError(
                f"cannot read {part!r} in fault {text!r}: expected times=N or probability=P"
            )
        options[option] = raw
    times = options.get("times")
    if times is not None and not times.isdigit():
        raise ValueError(f"cannot read times={times!r} in fault {text!r}: expected a count")
    try:
        probability = float(options["probability"]) if "probability" in options else None
    except ValueError:
        raise ValueError(f"cannot read the probability in fault {text!r}") from None
    return Fault(
        method=method,
        path=path,
        kind=kind,
        value=value,
        times=int(times) if times is not None else None,
        probability=probability,
    )


def parse_faults_env(text: str) -> dict[str, list[Fault]]:
    """Parse ``CHECKOUT_SANDBOX_FAULTS``: ``SERVICE FAULT; SERVICE FAULT; ...`` per service."""
    faults: dict[str, list[Fault]] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        service, _, rest = item.partition(" ")
        faults.setdefault(service.strip().lower(), []).append(parse_fault(rest))
    return faults


class Faults:
    """The faults currently set on one sandbox service."""

    def __init__(self, chance: Callable[[], float] = random.random) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._chance = chance
        # How many requests each fault (by name) has hit; kept when faults are cleared.
        self._injected: Counter[tuple[str, str, str, float | int | None]] = Counter()
        # Set on clear/stop so that requests held by a "timeout" fault let go at once.
        self.release = threading.Event()

    def add(
        self,
        method: str,
        path: str,
        kind: str,
        value=None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """Add a fault; the newest matching fault that fires wins."""
        fault = Fault(method, path, kind, value, times, probability)
        self.add_fault(fault)
        return fault

    def add_fault(self, fault: Fault) -> None:
        """Add an already-built fault."""
        with self._lock:
            self._faults.append(fault)
            self.release.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """Return the fault for this request, spending one of its ``times``.

        A fault with a probability that does not fire this time lets the next older
        matching fault have its chance.
        """
        with self._lock:
            for fault in reversed(self._faults):
                if not fault.matches(method, path):
                    continue
                if fault.probability is not None and self._chance() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                self._injected[(fault.method, fault.path, fault.kind, fault.value)] += 1
                return fault
        return None

    def injected(self) -> list[dict[str, Any]]:
        """Return how many requests each fault hit since the last reset, most first."""
        with self._lock:
            counts = self._injected.most_common()
        return [
            {"method": method, "path": path, "kind": kind, "value": value, "count": count}
            for (method, path, kind, value), count in counts
        ]

    def forget_injected(self) -> None:
        """Start counting injected faults afresh."""
        with self._lock:
            self._injected.clear()

    def all(self) -> list[Fault]:
        """Return the faults currently set."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Remove every fault and release held requests."""
        with self._lock:
            self._faults.clear()
        self.release.set()


# Called inside the request context, so it may look at ``flask.request`` to pick a body shape.
FaultResponder = Callable[[int], Response]


class SandboxService:
    """A sandbox Flask app with its request log, faults and control endpoints."""

    def __init__(
        self,
        name: str,
        import_name: str,
        error_response: FaultResponder,
        reset_state: Callable[[], None] = lambda: None,
        secret_headers: tuple[str, ...] = (),
        on_stop: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self._secret_headers = SECRET_HEADERS | {header.lower() for header in secret_headers}
        self.log = RequestLog()
        self.faults = Faults()
        self._error_response = error_response
        self._reset_state = reset_state
        self._on_stop = on_stop
        self.app = Flask(import_name)
        self.app.json = DecimalJSONProvider(self.app)
        self.app.extensions["sandbox_service"] = self
        self.app.before_request(self._before)
        self.app.after_request(self._after)
        self.app.register_blueprint(self._control_blueprint())

    def reset(self) -> None:
        """Return the service to its seeded state, with no log, no faults and no fault counts."""
        self.faults.clear()
        self.faults.forget_injected()
        self._reset_state()
        self.log.clear()

    def stop(self) -> None:
        """Release held requests and stop the service's background work."""
        self.faults.clear()
        self._on_stop()

    def _before(self) -> Response | None:
        if request.path.startswith(CONTROL_PREFIX):
            return None
        # An oversized body is logged by its declared size only and left unread, so a
        # service can refuse it without holding it in memory first.
        declared = request.content_length
        oversized = declared is not None and declared > LOGGED_BODY_LIMIT
        entry = self.log.record(
            request.method,
            request.path,
            {key: request.args.getlist(key) for key in request.args},
            dict(request.headers),
            None if oversized else request.get_data(cache=True),
            body_size=declared,
            secret_headers=self._secret_headers,
        )
        g.sandbox_log_entry = entry
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return None
        entry.fault = fault.describe()
        if fault.kind == "delay":
            time.sleep(float(fault.value or 0))
            return None
        if fault.kind == "timeout":
            hold = TIMEOUT_FAULT_HOLD_SECONDS if fault.value is None else float(fault.value)
            self.faults.release.wait(hold)
            return self._error_response(504)
        if fault.kind == "status":
            return self._error_response(int(fault.value or 500))
        # "malformed": a 200 whose body is not valid JSON.
        return Response('{"data": {"id": ', status=200, content_type="application/json")

    def _after(self, response: Response) -> Response:
        entry = g.get("sandbox_log_entry")
        if entry is not None:
            entry.status = response.status_code
            entry.response_headers = dict(response.headers)
            if not response.is_streamed:
                data = response.get_data()
                entry.response_body = data if len(data) <= LOGGED_BODY_LIMIT else None
        return response

    def _control_blueprint(self) -> Blueprint:
        bp = Blueprint("sandbox_control", __name__, url_prefix=CONTROL_PREFIX)

        @bp.get("/health")
        def health():
            return {"service": self.name, "ok": True}

        @bp.get("/requests")
        def list_requests():
            entries = self.log.entries(request.args.get("method"), request.args.get("path"))
            return {"data": [entry.as_dict() for entry in entries]}

        @bp.delete("/requests")
        def clear_requests():
            self.log.clear()
            return "", 204

        @bp.get("/faults")
        def list_faults():
            return {"data": [fault.as_dict() for fault in self.faults.all()]}

        @bp.post("/faults")
        def add_fault():
            body = request.get_json(silent=True) or {}
            try:
                if "spec" in body:
                    fault = parse_fault(str(body["spec"]))
                else:
                    fault = Fault(
                        method=str(body.get("method", "*")),
                        path=str(body.get("path", "*")),
                        kind=str(body.get("kind", "")),
                        value=body.get("value"),
                        times=body.get("times"),
                        probability=body.get("probability"),
                    )
            except (TypeError, ValueError) as error:
                return {"error": "invalid_fault", "message": str(error)}, 422
            self.faults.add_fault(fault)
            return {"data": fault.as_dict()}, 201

        @bp.delete("/faults")
        def clear_faults():
            self.faults.clear()
            return "", 204

        @bp.get("/faults/injected")
        def injected_faults():
            # Counts outlive DELETE /faults, so a run can clear its faults and then count them.
            return {"data": self.faults.injected()}

        @bp.post("/reset")
        def reset():
            self.reset()
            return "", 204

        return bp


class _QuietRequestHandler(WSGIRequestHandler):
    """A request handler that does not print an access-log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class LoopbackServer:
    """Serve a WSGI app on a loopback port from a background thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> None:
        handler = _QuietRequestHandler if quiet else WSGIRequestHandler
        # Bound here, so a port in use raises OSError: werkzeug binding it would print a line
        # and exit the whole process instead.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.create_server((host, port), family=family) as listening:
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=handler, fd=listening.fileno()
            )
        self.host = host
        self.port = self._server.port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long stop() may wait for the loop to notice
            name=f"loopback-{self.port}",
            daemon=True,
        )

    @property
    def url(self) -> str:
        """The origin this server answers on, e.g. ``http://127.0.0.1:8801``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> LoopbackServer:
        """Start serving in the background and return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@dataclass
class RunningService:
    """A sandbox service bound to a loopback server."""

    service: SandboxService
    server: LoopbackServer
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The origin of the running service."""
        return self.server.url

    @property
    def log(self) -> RequestLog:
        """The service's request log."""
        return self.service.log

    @property
    def faults(self) -> Faults:
        """The service's faults."""
        return self.service.faults

    def reset(self) -> None:
        """Return the service to its seeded state."""
        self.service.reset()

    def stop(self) -> None:
        """Stop the service's background work and its server."""
        self.service.stop()
        self.server.stop()
