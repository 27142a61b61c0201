"""The notebookProgress subscription over graphql-ws ("graphql-transport-ws" protocol) with tornado.

Yields one notebook snapshot per event; the first event is the notebook's current state. Any transport
trouble raises GatewayUnavailable so the caller can fall back to polling.
"""

import asyncio
import json

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

from .gateway_client import ACT_AS_HEADER, PROGRESS, GatewayUnavailable, error_from_graphql

PROTOCOL = "graphql-transport-ws"


def websocket_url(http_url):
    """ws(s)://host/graphql from the gateway's http(s) base URL."""
    base = http_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/graphql"
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :] + "/graphql"
    return base + "/graphql"


async def notebook_progress(ws_url, token, user, notebook_id, timeout):
    """Async generator of notebook snapshots (dicts with NOTEBOOK_FIELDS)."""
    try:
        conn = await websocket_connect(
            HTTPRequest(ws_url, connect_timeout=timeout, request_timeout=timeout),
            subprotocols=[PROTOCOL],
            # Protocol-level pings: a connection that died silently during a long queue wait is noticed.
            ping_interval=timeout,
            ping_timeout=2 * timeout,
        )
    except (OSError, HTTPClientError, WebSocketClosedError) as e:
        raise GatewayUnavailable(f"cannot open the progress subscription at {ws_url}: {e}") from e
    try:
        await _send(conn, {
            "type": "connection_init",
            "payload": {"authorization": f"Bearer {token}", ACT_AS_HEADER.lower(): user},
        })
        try:
            await asyncio.wait_for(_expect_ack(conn), timeout)
        except asyncio.TimeoutError as e:
            raise GatewayUnavailable(f"the progress subscription was not acknowledged in {timeout} s") from e
        await _send(conn, {
            "id": "1",
            "type": "subscribe",
            "payload": {
                "operationName": "NotebookProgress",
                "query": PROGRESS,
                "variables": {"id": notebook_id},
            },
        })
        while True:
            message = await _receive(conn)
            kind = message.get("type")
            if kind == "next":
                payload = message.get("payload") or {}
                if payload.get("errors"):
                    raise error_from_graphql(payload["errors"])
                notebook = (payload.get("data") or {}).get("notebookProgress")
                if notebook:
                    yield notebook
            elif kind == "error":
                raise error_from_graphql(message.get("payload") or [])
            elif kind == "complete":
                return
    finally:
        conn.close()


async def _send(conn, message):
    try:
        await conn.write_message(json.dumps(message))
    except WebSocketClosedError as e:
        raise GatewayUnavailable("the progress subscription closed") from e


async def _receive(conn):
    """The next protocol message, answering pings on the way."""
    while True:
        raw = await conn.read_message()
        if raw is None:
            raise GatewayUnavailable(f"the progress subscription closed (code {conn.close_code})")
        try:
            message = json.loads(raw)
        except ValueError as e:
            raise GatewayUnavailable("the progress subscription sent a message that is not JSON") from e
        if message.get("type") == "ping":
            await _send(conn, {"type": "pong"})
            continue
        if message.get("type") == "pong":
            continue
        return message


async def _expect_ack(conn):
    message = await _receive(conn)
    if message.get("type") != "connection_ack":
        raise GatewayUnavailable(f"the progress subscription was not acknowledged: {message.get('type')}")
