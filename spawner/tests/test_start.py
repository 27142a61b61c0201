"""Unit tests of the client: start() waits through the queue, returns the URL once READY, and never
leaves a job behind when it fails."""

import asyncio
import time

import pytest

from fake_gateway import FakeGateway, GraphQLFailure
from helpers import TOKEN, make_spawner, run

URL = "http://10.1.2.3:9123"
QUEUED_THEN_READY = [
    (1.5, {"state": "PENDING", "reason": "Resources", "queuePosition": 1,
           "message": "Queued in partition debug: Resources (position 1 of 1)"}),
    (2.0, {"state": "STARTING", "reason": None, "queuePosition": None, "message": "Job 42 running on node n1; starting the server"}),
    (2.3, {"state": "READY", "url": URL, "message": f"Server ready at {URL}"}),
]
READY_SOON = [(0.1, QUEUED_THEN_READY[2][1])]


async def start_with(gw, **traits):
    spawner = make_spawner(gw.url, **traits)
    spawner.clear_state()
    spawner.api_token = "hub-api-token"
    return spawner, await spawner.start()


def test_a_queue_wait_longer_than_start_timeout_is_not_a_timeout():
    async def scenario():
        async with FakeGateway() as gw:
            gw.script = QUEUED_THEN_READY
            began = time.monotonic()
            spawner, url = await start_with(gw, start_timeout=1, queue_timeout=30)
            return spawner, url, time.monotonic() - began, gw
    spawner, url, elapsed, gw = run(scenario())
    assert url == URL
    assert elapsed > 2.0  # 2 s in the queue, longer than the 1 s the server has once the job runs
    assert spawner.run_timeout == 1
    assert spawner.start_timeout == 30 + 1 + 60  # the hub's deadline covers queue + run + slack
    assert spawner.get_state() == {"notebook_id": 1}
    assert gw.operations("StopNotebook") == []
    assert gw.operations("Notebook") == []  # every change came through the subscription


def test_start_asks_for_the_notebook_as_the_user_with_the_hub_environment():
    async def scenario():
        async with FakeGateway() as gw:
            gw.script = READY_SOON
            spawner = make_spawner(gw.url, start_timeout=5)
            spawner.user_options = {"profile": "small", "options": {"cpus": ["2"], "memory": "4G"}}
            await spawner.start()
            return gw
    gw = run(scenario())
    (spawn,) = gw.operations("SpawnNotebook")
    assert spawn["profile"] == "small"
    assert spawn["options"] == {"cpus": "2", "memory": "4G"}
    assert spawn["serverName"] == ""
    env = spawn["environment"]
    assert env["JUPYTERHUB_API_TOKEN"] == "hub-api-token"
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == "/user/alice/"
    assert env["JUPYTERHUB_USER"] == "alice"
    assert "JUPYTERHUB_SERVICE_URL" not in env  # the launcher picks the port on the node
    assert "PATH" not in env  # the hub's PATH means nothing on a compute node
    headers = gw.calls[0][2]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["X-Hpcg-Act-As"] == "alice"
    assert gw.ws_params == [{"authorization": f"Bearer {TOKEN}", "x-hpcg-act-as": "alice"}]


def test_without_the_subscription_start_follows_the_notebook_by_polling():
    async def scenario():
        async with FakeGateway() as gw:
            gw.websocket = False
            gw.script = QUEUED_THEN_READY
            _, url = await start_with(gw, start_timeout=1, queue_timeout=30)
            return url, gw
    url, gw = run(scenario())
    assert url == URL
    assert len(gw.operations("Notebook")) > 3
    assert gw.ws_params == []


def test_without_a_profile_start_uses_the_first_one_offered():
    async def scenario():
        async with FakeGateway() as gw:
            gw.script = READY_SOON
            await start_with(gw)
            return gw.operations("SpawnNotebook")[0]
    assert run(scenario())["profile"] == "small"


def test_failed_raises_with_the_gateways_reason_and_stops_the_notebook():
    async def scenario():
        async with FakeGateway() as gw:
            gw.script = [(0.2, {"state": "FAILED", "reason": "jupyterhub-singleuser exited with status 1: No module named notebook"})]
            with pytest.raises(RuntimeError) as failure:
                await start_with(gw)
            return str(failure.value), gw.operations("StopNotebook")
    message, stops = run(scenario())
    assert "Notebook 1 failed: jupyterhub-singleuser exited with status 1: No module named notebook" == message
    assert stops == [{"id": 1}]


def test_a_job_pending_past_queue_timeout_fails_clearly_and_is_stopped():
    async def scenario():
        async with FakeGateway() as gw:
            with pytest.raises(RuntimeError) as failure:
                await start_with(gw, queue_timeout=0.5)
            return str(failure.value), gw.operations("StopNotebook"), gw.notebooks[1]["state"]
    message, stops, state = run(scenario())
    assert "waited in the queue longer than 0.5 s (GatewaySpawner.queue_timeout)" in message
    assert "Priority (position 2 of 2)" in message
    assert stops == [{"id": 1}]
    assert state == "STOPPED"


def test_a_server_not_ready_within_start_timeout_of_running_fails_and_is_stopped():
    async def scenario():
        async with FakeGateway() as gw:
            gw.script = [(0.1, {"state": "STARTING", "message": "Job 42 running on node n1; starting the server"})]
            with pytest.raises(RuntimeError) as failure:
                await start_with(gw, start_timeout=1)
            return str(failure.value), gw.operations("StopNotebook")
    message, stops = run(scenario())
    assert "did not become ready within 1 s of its job starting (Spawner.start_timeout)" in message
    assert stops == [{"id": 1}]


def test_a_start_cancelled_by_the_hub_stops_the_notebook():
    # JupyterHub >= 4 cancels start() at its start_timeout (asyncio.wait_for).
    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(spawner.start(), 0.5)
            await asyncio.sleep(0.2)
            return gw.operations("StopNotebook")
    assert run(scenario()) == [{"id": 1}]


def test_stop_during_start_ends_the_start_and_the_job():
    # JupyterHub 3.0 does not cancel start() at its deadline; it calls stop() while start() still runs.
    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            starting = asyncio.ensure_future(spawner.start())
            await asyncio.sleep(0.3)
            await spawner.stop()
            with pytest.raises(RuntimeError) as failure:
                await starting
            return str(failure.value), gw.notebooks[1]["state"]
    message, state = run(scenario())
    assert message == "Notebook 1 was stopped while it was starting."
    assert state == "STOPPED"


def test_refused_options_raise_the_gateways_explanation_and_spawn_nothing():
    async def scenario():
        async with FakeGateway() as gw:
            gw.spawn_error = GraphQLFailure("BAD_USER_INPUT", "the value is above the maximum of profile small",
                                            {"field": "cpus", "allowed": {"min": "1", "max": "4"}})
            spawner = make_spawner(gw.url)
            spawner.user_options = {"profile": "small", "options": {"cpus": 9}}
            with pytest.raises(RuntimeError) as failure:
                await spawner.start()
            return str(failure.value), gw.operations("StopNotebook"), spawner.notebook_id
    message, stops, notebook_id = run(scenario())
    assert message == "the value is above the maximum of profile small (field cpus; allowed: 1 to 4)"
    assert stops == []
    assert notebook_id is None


def test_user_options_of_another_shape_are_refused_before_asking_the_gateway():
    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            spawner.user_options = {"profile": "small", "cpus": 2}
            with pytest.raises(RuntimeError) as failure:
                await spawner.start()
            return str(failure.value), gw.calls
    message, calls = run(scenario())
    assert "Unknown user option(s) cpus" in message and "'profile' and 'options'" in message
    assert calls == []


def test_a_leftover_notebook_with_the_same_name_is_stopped_before_spawning_again():
    async def scenario():
        async with FakeGateway() as gw:
            leftover = gw.add_notebook(state="READY", url="http://old:1")
            gw.script = READY_SOON
            _, url = await start_with(gw)
            return url, gw.operations("StopNotebook"), leftover["state"], len(gw.operations("SpawnNotebook"))
    url, stops, leftover_state, spawns = run(scenario())
    assert url == URL
    assert stops == [{"id": 1}]
    assert leftover_state == "STOPPED"
    assert spawns == 2
