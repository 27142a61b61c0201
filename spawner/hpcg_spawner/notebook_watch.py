"""The latest known state of one notebook, shared by start() (which waits on it) and progress()
(which reports it), so one subscription serves both."""

import asyncio

LIVE_STATES = ("PENDING", "STARTING", "READY")
ENDED_STATES = ("STOPPED", "FAILED")
# How far along the progress bar each state is; a queue wait holds at 20 %.
PERCENT = {"PENDING": 20, "STARTING": 60, "READY": 100, "STOPPED": 100, "FAILED": 100}


def describe(notebook):
    """One line for the user: the gateway's own message, else one built from the same fields."""
    if notebook.get("message"):
        return notebook["message"]
    state = notebook.get("state")
    if state == "PENDING":
        position = notebook.get("queuePosition")
        reason = notebook.get("reason") or "waiting for resources"
        return f"Queued: {reason}" + (f" (position {position})" if position else "")
    if state == "STARTING":
        return "Job running; starting the server"
    if state == "READY":
        return f"Server ready at {notebook.get('url')}"
    return f"Notebook {state.lower() if state else 'in an unknown state'}: {notebook.get('reason') or 'no reason given'}"


def progress_event(notebook):
    return {"progress": PERCENT.get(notebook.get("state"), 0), "message": describe(notebook)}


class NotebookWatch:
    def __init__(self):
        self.latest = None
        self.version = 0
        self.closed = False
        self._changed = asyncio.Condition()

    async def push(self, notebook):
        async with self._changed:
            self.latest = notebook
            self.version += 1
            self._changed.notify_all()

    async def close(self):
        async with self._changed:
            self.closed = True
            self._changed.notify_all()

    async def next_after(self, version):
        """(snapshot, its version) newer than `version`, waiting for one; (None, version) once closed."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.version > version or self.closed)
            if self.version > version:
                return self.latest, self.version
            return None, version
