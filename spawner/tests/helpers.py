"""Shared by the unit tests: a spawner for user alice pointed at a fake gateway, and a way to run
a coroutine (Debian has no pytest-asyncio: each test runs its own event loop with asyncio.run)."""

import asyncio
from types import SimpleNamespace

from hpcg_spawner import GatewaySpawner

TOKEN = "service-token"


def make_spawner(gateway_url, **traits):
    settings = dict(
        gateway_url=gateway_url,
        gateway_token=TOKEN,
        request_timeout=2.0,
        progress_poll_interval=0.05,
        stop_timeout=2.0,
    )
    settings.update(traits)
    spawner = GatewaySpawner(
        user=SimpleNamespace(name="alice", escaped_name="alice", url="/user/alice/"),
        hub=SimpleNamespace(public_host="", api_url="http://127.0.0.1:8081/hub/api", base_url="/hub/"),
        **settings,
    )
    spawner.api_token = "hub-api-token"
    if spawner.orm_spawner is None:  # else the hub's database object is the server (see test_state_and_stop)
        spawner.server = SimpleNamespace(base_url="/user/alice/")
    return spawner


def run(coro, timeout=30):
    return asyncio.run(asyncio.wait_for(coro, timeout))
