"""Unit tests of the client: the state a hub restart keeps, and stop()."""

import asyncio

import pytest

from fake_gateway import FakeGateway, closed_port_url
from helpers import make_spawner, run


def test_state_round_trip_keeps_a_running_server_across_a_hub_restart():
    async def scenario():
        async with FakeGateway() as gw:
            notebook = gw.add_notebook(state="READY", url="http://n1:9000")
            before = make_spawner(gw.url)
            before.notebook_id = notebook["id"]
            state = before.get_state()
            after = make_spawner(gw.url)  # the restarted hub's spawner
            after.load_state(state)
            return state, after.notebook_id, await after.poll(), await after.get_url()
    state, notebook_id, status, url = run(scenario())
    assert state == {"notebook_id": 1}
    assert notebook_id == 1
    assert status is None
    assert url == "http://n1:9000"


def test_clear_state_forgets_the_notebook():
    spawner = make_spawner("http://127.0.0.1:1")
    spawner.load_state({"notebook_id": 3})
    spawner.clear_state()
    assert spawner.get_state() == {}
    assert spawner.notebook_id is None


def test_stop_asks_the_gateway_and_waits_for_the_end():
    async def scenario():
        async with FakeGateway() as gw:
            notebook = gw.add_notebook(state="READY", url="http://n1:9000")
            spawner = make_spawner(gw.url)
            spawner.notebook_id = notebook["id"]
            await spawner.stop()
            return gw.operations("StopNotebook"), [op for op, _, _ in gw.calls], await spawner.poll()
    stops, operations, status = run(scenario())
    assert stops == [{"id": 1}]
    assert operations[:2] == ["StopNotebook", "Notebook"]  # confirmed after asking
    assert status == 0


def test_stop_without_a_notebook_does_nothing():
    async def scenario():
        async with FakeGateway() as gw:
            await make_spawner(gw.url).stop()
            return gw.calls
    assert run(scenario()) == []


def test_stop_that_cannot_reach_the_gateway_says_which_notebook_may_still_run():
    async def scenario():
        spawner = make_spawner(closed_port_url(), stop_timeout=0.3)
        spawner.notebook_id = 5
        with pytest.raises(RuntimeError) as failure:
            await spawner.stop()
        return str(failure.value)
    message = run(scenario())
    assert message.startswith("Could not stop notebook 5 through the gateway:")


def test_the_notebook_is_in_the_hubs_database_before_start_returns():
    # JupyterHub stores get_state() only when start() returns; a hub restart during a queue wait must
    # still find the notebook (the restored spawner then stops it: see test_poll).
    from jupyterhub import orm

    db = orm.new_session_factory("sqlite://")()
    user = orm.User(name="alice")
    db.add(user)
    db.commit()
    orm_spawner = orm.Spawner(user=user, name="")
    db.add(orm_spawner)
    db.commit()

    async def scenario():
        async with FakeGateway() as gw:
            spawner = make_spawner(gw.url, orm_spawner=orm_spawner)
            starting = asyncio.ensure_future(spawner.start())
            await asyncio.sleep(0.3)
            db.expire_all()  # read back what was committed, not the session's cached object
            saved = db.query(orm.Spawner).one().state
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            return saved
    assert run(scenario()) == {"notebook_id": 1}
