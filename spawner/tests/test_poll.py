"""Unit tests of the client: poll() says "stopped" only when the gateway confirms the end."""

from fake_gateway import FakeGateway, closed_port_url
from helpers import make_spawner, run


def poll_with(state=None, **gateway_settings):
    async def scenario():
        async with FakeGateway() as gw:
            for key, value in gateway_settings.items():
                setattr(gw, key, value)
            spawner = make_spawner(gw.url)
            if state:
                spawner.notebook_id = gw.add_notebook(state=state)["id"]
            return await spawner.poll(), gw
    return run(scenario())


def test_ready_pending_and_starting_are_running_while_a_start_waits_for_them():
    assert poll_with("READY")[0] is None

    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            spawner._starting = True
            results = []
            for state in ("PENDING", "STARTING"):
                spawner.notebook_id = gw.add_notebook(state=state)["id"]
                results.append(await spawner.poll())
            return results, gw.operations("StopNotebook")
    results, stops = run(scenario())
    assert results == [None, None]
    assert stops == []


def test_stopped_is_0_and_failed_is_1():
    assert poll_with("STOPPED")[0] == 0
    assert poll_with("FAILED")[0] == 1


def test_without_a_notebook_the_server_is_not_running():
    status, gw = poll_with(None)
    assert status == 0
    assert gw.calls == []


def test_an_unreachable_gateway_is_unknown_not_stopped():
    async def scenario():
        spawner = make_spawner(closed_port_url())
        spawner.notebook_id = 7
        return await spawner.poll()
    assert run(scenario()) is None


def test_a_502_is_unknown_not_stopped():
    status, gw = poll_with("READY", http_status=502)
    assert status is None
    assert [op for op, _, _ in gw.calls] == ["Notebook"]


def test_an_engine_error_is_unknown_not_stopped():
    assert poll_with("READY", graphql_error="UNAVAILABLE")[0] is None
    assert poll_with("READY", graphql_error="FORBIDDEN")[0] is None


def test_a_notebook_the_gateway_does_not_know_is_not_running():
    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url)
            spawner.notebook_id = 99
            return await spawner.poll()
    assert run(scenario()) == 0


def test_a_spawn_interrupted_by_a_hub_restart_is_stopped_not_orphaned():
    # After a restart the hub restores the state and polls; no start() waits for this PENDING job.
    async def scenario():
        async with FakeGateway() as gw:
            notebook = gw.add_notebook(state="PENDING")
            spawner = make_spawner(gw.url)
            spawner.load_state({"notebook_id": notebook["id"]})
            return await spawner.poll(), gw.operations("StopNotebook"), notebook["state"]
    status, stops, state = run(scenario())
    assert status == 1
    assert stops == [{"id": 1}]
    assert state == "STOPPED"
