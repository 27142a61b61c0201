"""An in-process stand-in for the gateway's notebook API, for UNIT tests of the spawner's client logic.

It speaks the contract's operations (GraphQL over HTTP, dispatched by operationName, and the
notebookProgress subscription over graphql-ws) with scripted state changes. The real gateway, with a
real JupyterHub and a real engine, is covered by the end-to-end tests in e2e/.
"""

import asyncio
import functools
import json
import socket

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler
from tornado.websocket import WebSocketHandler

LIVE = ("PENDING", "STARTING", "READY")

PROFILES = [
    {
        "name": "small",
        "description": "1 CPU, 2 GB, 8 h",
        "partition": "debug",
        "cpus": 1,
        "memory": "2G",
        "gpus": 0,
        "maxTime": "8:00:00",
        "image": None,
        "options": [
            {"name": "cpus", "label": "CPUs", "kind": "integer", "default": "1", "min": "1", "max": "4", "choices": None},
            {"name": "memory", "label": "Memory", "kind": "memory", "default": "2G", "min": "1G", "max": "8G", "choices": None},
            {"name": "image", "label": "Image", "kind": "choice", "default": "jupyter/base-notebook", "min": None, "max": None,
             "choices": ["jupyter/base-notebook", "jupyter/scipy-notebook"]},
        ],
    },
    {
        "name": "gpu",
        "description": "A GPU <for> \"deep\" learning & co",
        "partition": "gpu",
        "cpus": 4,
        "memory": "16G",
        "gpus": 1,
        "maxTime": "2:00:00",
        "image": None,
        "options": [],
    },
]


class GraphQLFailure(Exception):
    def __init__(self, code, message, details=None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


def closed_port_url():
    """http://127.0.0.1:<a port nothing listens on>."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FakeGateway:
    def __init__(self):
        self.profiles = json.loads(json.dumps(PROFILES))
        self.notebooks = {}
        self.calls = []  # (operationName, variables, headers)
        self.ws_params = []  # connectionParams of every graphql-ws connection
        self.subscribers = {}  # notebook id -> set of (socket handler, subscription id)
        self.http_status = None  # answer every HTTP request with this status (e.g. 502)
        self.graphql_error = None  # answer every operation with this error code (e.g. UNAVAILABLE)
        self.spawn_error = None  # GraphQLFailure raised by spawnNotebook
        self.websocket = True  # False: the subscription endpoint does not exist
        self.script = []  # [(seconds after spawn, {fields})] applied to every new notebook
        self.stop_ends_job = True  # False: stopNotebook is accepted but the job never ends
        self._next_id = 1
        self._timers = []

    # ---- lifecycle ----

    async def __aenter__(self):
        app = Application([(r"/graphql", GraphQLEndpoint, {"gateway": self})])
        sockets = bind_sockets(0, "127.0.0.1")
        self.server = HTTPServer(app)
        self.server.add_sockets(sockets)
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc):
        for timer in self._timers:
            timer.cancel()
        for handlers in self.subscribers.values():
            for handler, _ in list(handlers):
                handler.close()
        self.server.stop()
        await self.server.close_all_connections()

    # ---- test controls ----

    def add_notebook(self, state="PENDING", server_name="", **fields):
        notebook = {
            "id": self._next_id,
            "state": state,
            "reason": None,
            "queuePosition": None,
            "message": "",
            "url": None,
            "serverName": server_name,
            "stopRequested": False,
        }
        notebook.update(fields)
        self.notebooks[notebook["id"]] = notebook
        self._next_id += 1
        return notebook

    def set_state(self, notebook_id, **fields):
        notebook = self.notebooks[notebook_id]
        notebook.update(fields)
        for handler, sub_id in list(self.subscribers.get(notebook_id, ())):
            handler.send_next(sub_id, notebook)

    def operations(self, name):
        return [variables for op, variables, _ in self.calls if op == name]

    # ---- operations ----

    def run(self, operation, variables):
        if self.graphql_error:
            raise GraphQLFailure(self.graphql_error, f"simulated {self.graphql_error}")
        return getattr(self, "op_" + operation)(**variables)

    def op_SpawnNotebook(self, profile, options=None, serverName="", environment=None):
        if self.spawn_error:
            raise self.spawn_error
        live = [n for n in self.notebooks.values() if n["serverName"] == serverName and n["state"] in LIVE]
        if live:
            raise GraphQLFailure("CONFLICT", f"a live notebook named {serverName!r} exists", {"field": "serverName"})
        notebook = self.add_notebook(server_name=serverName, reason="Priority", queuePosition=2,
                                     message="Queued in partition debug: Priority (position 2 of 2)")
        loop = asyncio.get_running_loop()
        for delay, fields in self.script:
            self._timers.append(loop.call_later(delay, functools.partial(self.set_state, notebook["id"], **fields)))
        return {"spawnNotebook": notebook}

    def op_StopNotebook(self, id):
        notebook = self.notebooks[id]
        notebook["stopRequested"] = True
        if self.stop_ends_job and notebook["state"] in LIVE:
            self.set_state(id, state="STOPPED", reason="stopped by user", message="Stopped")
        return {"stopNotebook": notebook}

    def op_Notebook(self, id):
        return {"notebook": self.notebooks.get(id)}

    def op_LiveNotebooks(self):
        return {"notebooks": [n for n in self.notebooks.values() if n["state"] in LIVE]}

    def op_NotebookProfiles(self):
        return {"notebookProfiles": self.profiles}

    def op_ValidateNotebookOptions(self, profile, options=None):
        chosen = next((p for p in self.profiles if p["name"] == profile), None)
        if chosen is None:
            raise GraphQLFailure("BAD_USER_INPUT", f"unknown profile {profile!r}", {"field": "profile"})
        allowed = {o["name"]: o for o in chosen["options"]}
        normalized = {"cpus": chosen["cpus"], "memory": chosen["memory"], "gpus": chosen["gpus"],
                      "time": chosen["maxTime"], "image": chosen["image"]}
        for name, value in (options or {}).items():
            option = allowed.get(name)
            if option is None:
                raise GraphQLFailure("BAD_USER_INPUT", f"option {name} cannot be changed in profile {profile}",
                                     {"field": name, "allowed": sorted(allowed)})
            if option["kind"] == "integer":
                if not str(value).isdigit() or not int(option["min"]) <= int(value) <= int(option["max"]):
                    raise GraphQLFailure("BAD_USER_INPUT", f"{name}: {value} is out of bounds",
                                         {"field": name, "allowed": f"{option['min']}..{option['max']}"})
                value = int(value)
            normalized[name] = value
        return {"validateNotebookOptions": normalized}


class GraphQLEndpoint(WebSocketHandler):
    """POST: GraphQL over HTTP. GET with Upgrade: graphql-ws (graphql-transport-ws)."""

    def initialize(self, gateway):
        self.gateway = gateway
        self.subscriptions = set()

    # ---- HTTP ----

    def check_xsrf_cookie(self):
        pass

    async def get(self, *args, **kwargs):
        if not self.gateway.websocket:
            self.set_status(404)
            self.finish("no subscriptions here")
            return
        await super().get(*args, **kwargs)

    def post(self):
        gw = self.gateway
        body = json.loads(self.request.body)
        gw.calls.append((body.get("operationName"), body.get("variables") or {}, dict(self.request.headers)))
        if gw.http_status:
            self.set_status(gw.http_status)
            self.finish("<html>Bad Gateway</html>")
            return
        try:
            self.finish({"data": gw.run(body["operationName"], body.get("variables") or {})})
        except GraphQLFailure as e:
            self.finish({"data": None, "errors": [
                {"message": e.message, "extensions": {"code": e.code, "details": e.details}}
            ]})

    # ---- graphql-ws ----

    def select_subprotocol(self, subprotocols):
        return "graphql-transport-ws" if "graphql-transport-ws" in subprotocols else None

    def on_message(self, raw):
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "connection_init":
            self.gateway.ws_params.append(message.get("payload") or {})
            self.write_message(json.dumps({"type": "ping"}))  # the client must answer pings
            self.write_message(json.dumps({"type": "connection_ack"}))
        elif kind == "subscribe":
            notebook_id = message["payload"]["variables"]["id"]
            key = (self, message["id"])
            self.subscriptions.add(notebook_id)
            self.gateway.subscribers.setdefault(notebook_id, set()).add(key)
            self.send_next(message["id"], self.gateway.notebooks[notebook_id])
        elif kind == "complete":
            for subscribers in self.gateway.subscribers.values():
                subscribers.discard((self, message["id"]))

    def send_next(self, sub_id, notebook):
        if self.ws_connection is None or self.ws_connection.is_closing():
            return
        self.write_message(json.dumps({"id": sub_id, "type": "next", "payload": {"data": {"notebookProgress": dict(notebook)}}}))

    def on_close(self):
        for subscribers in self.gateway.subscribers.values():
            for key in [k for k in subscribers if k[0] is self]:
                subscribers.discard(key)
