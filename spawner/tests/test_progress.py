"""Unit tests of the client: progress() tells the queue reason and position, then starting, then ready."""

import asyncio

from fake_gateway import FakeGateway
from helpers import make_spawner, run
from hpcg_spawner.notebook_watch import progress_event


def collect_progress(websocket):
    async def scenario():
        async with FakeGateway() as gw:
            gw.websocket = websocket
            gw.script = [
                (0.3, {"state": "PENDING", "reason": "Resources", "queuePosition": 1,
                       "message": "Queued in partition debug: Resources (position 1 of 3)"}),
                (0.6, {"state": "STARTING", "message": "Job 42 running on node n1; starting the server"}),
                (0.9, {"state": "READY", "url": "http://n1:9000", "message": "Server ready at http://n1:9000"}),
            ]
            spawner = make_spawner(gw.url)
            spawner.clear_state()  # as JupyterHub does before start(); progress() may begin first
            events = []

            async def follow():
                async for event in spawner.progress():
                    events.append(event)

            following = asyncio.ensure_future(follow())
            url = await spawner.start()
            await asyncio.wait_for(following, 2)
            return url, events
    return run(scenario())


def test_progress_reports_queue_reason_and_position_then_starting_then_ready():
    url, events = collect_progress(websocket=True)
    assert url == "http://n1:9000"
    assert events == [
        {"progress": 20, "message": "Queued in partition debug: Priority (position 2 of 2)"},
        {"progress": 20, "message": "Queued in partition debug: Resources (position 1 of 3)"},
        {"progress": 60, "message": "Job 42 running on node n1; starting the server"},
        {"progress": 100, "message": "Server ready at http://n1:9000"},
    ]


def test_progress_works_by_polling_too():
    _, events = collect_progress(websocket=False)
    messages = [e["message"] for e in events]
    assert "Queued in partition debug: Resources (position 1 of 3)" in messages
    assert messages[-1] == "Server ready at http://n1:9000"
    assert [e["progress"] for e in events] == sorted(e["progress"] for e in events)


def test_a_message_is_made_from_reason_and_position_when_the_gateway_sends_none():
    event = progress_event({"state": "PENDING", "reason": "QOSMaxJobsPerUserLimit", "queuePosition": 4, "message": ""})
    assert event == {"progress": 20, "message": "Queued: QOSMaxJobsPerUserLimit (position 4)"}
    assert progress_event({"state": "PENDING", "reason": None, "queuePosition": None, "message": ""})["message"] == (
        "Queued: waiting for resources"
    )
