"""GatewaySpawner: JupyterHub's thin client of the hpc-gateway notebook API.

The gateway runs the job, finds out where the server listens and when it answers; this spawner asks
for a notebook, follows its state (graphql-ws subscription, polling when that is not available) and
reports it to JupyterHub. It never guesses a port and never reads an error as "stopped".
"""

import asyncio
import os

from jupyterhub.spawner import Spawner
from sqlalchemy.orm import object_session
from tornado import web
from traitlets import Float, Integer, List, Unicode, default

from . import gateway_client as gql
from .gateway_client import GatewayClient, GatewayError, GatewayUnavailable
from .notebook_watch import ENDED_STATES, NotebookWatch, describe, progress_event
from .options_form import read_form, render_options_form
from .progress_subscription import notebook_progress, websocket_url

# The hub's own start deadline exceeds queue_timeout + start_timeout by this much, so the spawner's
# deadlines (which stop the job and say why) always fire before the hub's generic one.
DEADLINE_SLACK = 60


class SpawnError(RuntimeError):
    """A start that cannot succeed. JupyterHub shows its message to the user: on the spawn page and in
    progress events (`jupyterhub_message`), and in its REST API's error body, which it builds from
    `log_message % args` as for tornado's HTTPError (otherwise a fast failure answers just "error")."""

    log_message = "%s"

    @property
    def jupyterhub_message(self):
        return str(self)


class GatewaySpawner(Spawner):
    gateway_url = Unicode(
        "http://127.0.0.1:4000",
        help="Base URL of the gateway's API (GraphQL at <gateway_url>/graphql).",
    ).tag(config=True)

    gateway_ws_url = Unicode(
        "",
        help="URL of the gateway's graphql-ws endpoint. Default: gateway_url with ws:// (wss://) and /graphql.",
    ).tag(config=True)

    gateway_token = Unicode(
        help="""Gateway API token of the hub: needs the scopes jobs:read, jobs:write and users:act-as.
        Default: the environment variable HPCG_SERVICE_TOKEN of the hub process.""",
    ).tag(config=True)

    @default("gateway_token")
    def _default_gateway_token(self):
        return os.environ.get("HPCG_SERVICE_TOKEN", "")

    profile = Unicode(
        "",
        help="""Notebook profile used when the user chose none (a spawn through the REST API without
        user_options). Empty: the first profile the gateway offers the user.""",
    ).tag(config=True)

    request_timeout = Float(20.0, help="Seconds for one request to the gateway.").tag(config=True)

    queue_timeout = Float(
        24 * 3600.0,
        help="""Seconds the notebook's job may wait in the queue (state PENDING). Past that, start fails
        with a message saying so and the job is cancelled. Spawner.start_timeout counts only from the
        moment the job runs (see README).""",
    ).tag(config=True)

    progress_poll_interval = Float(
        5.0,
        help="Seconds between state queries when the progress subscription is not available.",
    ).tag(config=True)

    stop_timeout = Float(
        60.0,
        help="Seconds stop() tries to reach the gateway and waits for the job's end to be confirmed.",
    ).tag(config=True)

    # The job runs on another machine: the hub's PATH, PYTHONPATH or conda/virtualenv would be wrong there.
    env_keep = List([], help=Spawner.env_keep.help).tag(config=True)

    notebook_id = Integer(None, allow_none=True, help="The gateway's notebook id (spawner state).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # JupyterHub applies start_timeout to the whole of start(), queue wait included (batchspawner #88).
        # The configured start_timeout is kept as the time a server has once its job RUNS, and the hub's
        # deadline becomes queue_timeout + that + DEADLINE_SLACK. Done here, after config is loaded.
        self.run_timeout = self.start_timeout
        self.start_timeout = int(self.queue_timeout + self.run_timeout + DEADLINE_SLACK)
        self._watch = NotebookWatch()
        self._starting = False

    # ---- gateway access ---------------------------------------------------------------------------

    @property
    def _client(self):
        return GatewayClient(self.gateway_url, self.gateway_token, self.request_timeout)

    async def _gateway(self, query, variables=None):
        return await self._client.execute(self.user.name, query, variables)

    async def _notebook(self, notebook_id):
        return (await self._gateway(gql.NOTEBOOK, {"id": notebook_id}))["notebook"]

    # ---- options ----------------------------------------------------------------------------------

    @default("options_form")
    def _default_options_form(self):
        # JupyterHub calls a callable options_form with the spawner and awaits its result.
        return type(self).render_options_form

    async def render_options_form(self):
        try:
            profiles = (await self._gateway(gql.PROFILES))["notebookProfiles"]
        except GatewayUnavailable as e:
            self.log.error("%s: cannot load notebook profiles: %s", self._log_name, e)
            raise web.HTTPError(503, "The notebook service is not reachable; try again in a minute.") from e
        except GatewayError as e:
            raise web.HTTPError(403 if e.code == "FORBIDDEN" else 400, _explain(e)) from e
        if not profiles:
            raise web.HTTPError(403, f"No notebook profile is open to user {self.user.name}.")
        if len(profiles) == 1 and not profiles[0].get("options"):
            return ""  # nothing to choose: JupyterHub starts the server without showing a form
        return render_options_form(profiles, selected=(self.user_options or {}).get("profile") or self.profile)

    @default("options_from_form")
    def _default_options_from_form(self):
        return self.validated_options_from_form

    async def validated_options_from_form(self, form_data):
        """{"profile": ..., "options": normalized}; a bad value raises with the gateway's explanation,
        which JupyterHub shows above the form. (JupyterHub 3.0 awaits this: handlers/pages.py.)"""
        profile, options = read_form(form_data)
        try:
            data = await self._gateway(gql.VALIDATE, {"profile": profile, "options": options})
        except GatewayError as e:
            raise ValueError(_explain(e)) from e
        except GatewayUnavailable as e:
            raise ValueError("The notebook service is not reachable to check these options; try again.") from e
        return {"profile": profile, "options": data["validateNotebookOptions"]}

    async def _requested_options(self):
        """(profile, options) from user_options, which come from the form or straight from the REST API."""
        user_options = self.user_options or {}
        unknown = sorted(set(user_options) - {"profile", "options"})
        if unknown:
            raise SpawnError(
                f"Unknown user option(s) {', '.join(unknown)}: user_options takes 'profile' and 'options', "
                'e.g. {"profile": "small", "options": {"cpus": 2}}.'
            )
        options = user_options.get("options") or {}
        if not isinstance(options, dict):
            raise SpawnError('user_options "options" must be an object, e.g. {"cpus": 2, "memory": "4G"}.')
        # Values that still look like form data (["2"]) become scalars; the gateway validates the rest.
        options = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in options.items()}
        profile = user_options.get("profile") or self.profile
        if not profile:
            profiles = (await self._gateway(gql.PROFILES))["notebookProfiles"]
            if not profiles:
                raise SpawnError(f"No notebook profile is open to user {self.user.name}.")
            profile = profiles[0]["name"]
        return profile, options

    # ---- start ------------------------------------------------------------------------------------

    def _job_environment(self):
        env = self.get_env()
        # The launcher picks the port on the compute node; the hub's guess of ip:port would be wrong there.
        env.pop("JUPYTERHUB_SERVICE_URL", None)
        return {key: str(value) for key, value in env.items() if value is not None}

    async def start(self):
        if self._watch.closed:  # stop() without the hub's clear_state() in between
            self._watch = NotebookWatch()
        watch = self._watch
        self._starting = True
        try:
            try:
                profile, options = await self._requested_options()
                notebook = await self._spawn_notebook(profile, options)
            except GatewayError as e:
                raise SpawnError(_explain(e)) from e
            except GatewayUnavailable as e:
                raise SpawnError(f"The notebook service is not reachable: {e}") from e
            self.notebook_id = notebook["id"]
            self._save_state_now()
            self.log.info("%s: notebook %s requested (profile %s)", self._log_name, self.notebook_id, profile)
            await watch.push(notebook)
            try:
                ready = await self._wait_until_ready(watch)
            except BaseException:
                # A failure, a timeout or the hub cancelling start() (JupyterHub >= 4 does at its
                # start_timeout): the job must not outlive the spawn.
                await asyncio.shield(self._request_stop(self.notebook_id, quiet=True))
                raise
            return ready["url"]
        finally:
            self._starting = False
            await watch.close()

    async def _spawn_notebook(self, profile, options):
        variables = {
            "profile": profile,
            "options": options,
            "serverName": self.name,
            "environment": self._job_environment(),
        }
        try:
            return (await self._gateway(gql.SPAWN, variables))["spawnNotebook"]
        except GatewayError as e:
            if e.code != "CONFLICT":
                raise
            # JupyterHub starts a server only when it believes none runs under that name, so a live
            # notebook with the name is a leftover (a stop not yet confirmed): end it and ask again.
            live = (await self._gateway(gql.LIVE_NOTEBOOKS))["notebooks"]
            leftover = next((n for n in live if n.get("serverName") == self.name), None)
            if leftover is None:
                raise
            self.log.warning(
                "%s: notebook %s still live for this server (%s); stopping it before starting anew",
                self._log_name, leftover["id"], leftover["state"],
            )
            await self._request_stop(leftover["id"])
            await self._wait_until_ended(leftover["id"])
            return (await self._gateway(gql.SPAWN, variables))["spawnNotebook"]

    def _save_state_now(self):
        """JupyterHub saves a spawner's state only once start() returns: a hub restart while the job
        waits in the queue would forget it. Saved as soon as it exists, no await in between."""
        if self.orm_spawner is None:
            return
        try:
            self.orm_spawner.state = self.get_state()
            session = object_session(self.orm_spawner)
            if session is not None:
                session.commit()
        except Exception:
            self.log.exception("%s: could not save notebook %s in the hub's database", self._log_name, self.notebook_id)

    async def _wait_until_ready(self, watch):
        loop = asyncio.get_running_loop()
        follower = asyncio.ensure_future(self._follow(self.notebook_id, watch))
        queued_since, running_since = loop.time(), None
        version, notebook = 0, watch.latest
        try:
            while True:
                if running_since is None:
                    remaining = queued_since + self.queue_timeout - loop.time()
                    limit = (
                        f"The job waited in the queue longer than {self.queue_timeout:g} s "
                        "(GatewaySpawner.queue_timeout)"
                    )
                else:
                    remaining = running_since + self.run_timeout - loop.time()
                    limit = (
                        f"The server did not become ready within {self.run_timeout:g} s of its job "
                        "starting (Spawner.start_timeout)"
                    )
                try:
                    if remaining <= 0:
                        raise asyncio.TimeoutError
                    update, version = await asyncio.wait_for(watch.next_after(version), remaining)
                except asyncio.TimeoutError:
                    raise SpawnError(
                        f"{limit}; last state: {describe(notebook)}. Notebook {self.notebook_id} was stopped."
                    ) from None
                if update is None:
                    raise SpawnError(f"Notebook {self.notebook_id} was stopped while it was starting.")
                notebook = update
                state = notebook["state"]
                if state != "PENDING" and running_since is None:
                    running_since = loop.time()
                if state == "READY":
                    if not notebook.get("url"):
                        raise SpawnError(f"Notebook {self.notebook_id} is ready but the gateway gave no URL.")
                    return notebook
                if state == "FAILED":
                    raise SpawnError(
                        f"Notebook {self.notebook_id} failed: {notebook.get('reason') or 'no reason given'}"
                    )
                if state == "STOPPED":
                    raise SpawnError(
                        f"Notebook {self.notebook_id} stopped before it was ready: "
                        f"{notebook.get('reason') or 'no reason given'}"
                    )
        finally:
            follower.cancel()

    async def _follow(self, notebook_id, watch):
        """Feed the watch until READY or an end: the subscription while it works, else polling."""
        ws_url = self.gateway_ws_url or websocket_url(self.gateway_url)
        warned = False
        while True:
            try:
                async for notebook in notebook_progress(
                    ws_url, self.gateway_token, self.user.name, notebook_id, self.request_timeout
                ):
                    await watch.push(notebook)
                    if notebook["state"] not in ("PENDING", "STARTING"):
                        return
            except (GatewayUnavailable, GatewayError) as e:
                log = self.log.debug if warned else self.log.warning
                log("%s: progress subscription for notebook %s: %s; polling", self._log_name, notebook_id, e)
                warned = True
            try:
                notebook = await self._notebook(notebook_id)
            except (GatewayUnavailable, GatewayError) as e:
                self.log.warning("%s: cannot read notebook %s: %s", self._log_name, notebook_id, e)
            else:
                if notebook is None:
                    notebook = {"id": notebook_id, "state": "FAILED", "reason": "the gateway no longer knows it"}
                await watch.push(notebook)
                if notebook["state"] not in ("PENDING", "STARTING"):
                    return
            await asyncio.sleep(self.progress_poll_interval)

    async def progress(self):
        """Queue reason and position, then starting, then ready: one event per change of state."""
        watch, version, last = self._watch, 0, None
        while True:
            notebook, version = await watch.next_after(version)
            if notebook is None:
                return
            event = progress_event(notebook)
            if event != last:  # the subscription's first event repeats what spawnNotebook returned
                yield event
            last = event
            if notebook["state"] not in ("PENDING", "STARTING"):
                return

    # ---- poll, stop, state ------------------------------------------------------------------------

    async def poll(self):
        """None while the notebook may be running; an exit status only for a confirmed end."""
        if not self.notebook_id:
            return 0
        try:
            notebook = await self._notebook(self.notebook_id)
        except (GatewayUnavailable, GatewayError) as e:
            # batchspawner #315/#171: an unreachable gateway or engine is "unknown", never "stopped".
            self.log.warning(
                "%s: state of notebook %s unknown (%s); treated as still running",
                self._log_name, self.notebook_id, e,
            )
            return None
        if notebook is None:
            self.log.warning("%s: the gateway has no notebook %s for this user", self._log_name, self.notebook_id)
            return 0
        state = notebook["state"]
        if state == "STOPPED":
            return 0
        if state == "FAILED":
            return 1
        if state != "READY" and not self._starting:
            # Still queued or starting with no start() waiting for it: the hub restarted in the middle
            # of this spawn and cannot resume it. End the job rather than leave it orphaned.
            self.log.warning(
                "%s: notebook %s is %s but its spawn was interrupted (hub restart); stopping it",
                self._log_name, self.notebook_id, state,
            )
            await self._request_stop(self.notebook_id, quiet=True)
            return 1
        return None

    async def get_url(self):
        """The URL the gateway knows, so a hub restart picks up a server that has moved."""
        if self.notebook_id:
            try:
                notebook = await self._notebook(self.notebook_id)
                if notebook and notebook.get("url"):
                    return notebook["url"]
            except (GatewayUnavailable, GatewayError) as e:
                self.log.warning("%s: cannot read notebook %s: %s", self._log_name, self.notebook_id, e)
        return await super().get_url()

    async def stop(self, now=False):
        await self._watch.close()  # a start() still waiting gives up
        if not self.notebook_id:
            return
        await self._request_stop(self.notebook_id)
        if not now:
            await self._wait_until_ended(self.notebook_id)

    async def _request_stop(self, notebook_id, quiet=False):
        """stopNotebook, retried while the gateway is unreachable, for up to stop_timeout."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.stop_timeout
        while True:
            try:
                await self._gateway(gql.STOP, {"id": notebook_id})
                return
            except (GatewayUnavailable, GatewayError) as e:
                retry = isinstance(e, GatewayUnavailable) and loop.time() + self.progress_poll_interval < give_up
                if retry:
                    self.log.warning("%s: stopping notebook %s: %s; retrying", self._log_name, notebook_id, e)
                    await asyncio.sleep(self.progress_poll_interval)
                    continue
                message = f"Could not stop notebook {notebook_id} through the gateway: {e}"
                if quiet:
                    self.log.error("%s: %s", self._log_name, message)
                    return
                raise SpawnError(message) from e

    async def _wait_until_ended(self, notebook_id):
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.stop_timeout
        interval = min(1.0, self.progress_poll_interval)
        while loop.time() < give_up:
            try:
                notebook = await self._notebook(notebook_id)
                if notebook is None or notebook["state"] in ENDED_STATES:
                    return
            except (GatewayUnavailable, GatewayError) as e:
                self.log.debug("%s: waiting for notebook %s to end: %s", self._log_name, notebook_id, e)
            await asyncio.sleep(interval)
        self.log.warning(
            "%s: notebook %s asked to stop; its job has not ended after %g s (the gateway keeps cancelling it)",
            self._log_name, notebook_id, self.stop_timeout,
        )

    def get_state(self):
        state = super().get_state()
        if self.notebook_id:
            state["notebook_id"] = self.notebook_id
        return state

    def load_state(self, state):
        super().load_state(state)
        self.notebook_id = state.get("notebook_id")

    def clear_state(self):
        super().clear_state()
        self.notebook_id = None
        self._watch = NotebookWatch()


def _explain(error):
    """The gateway's message, plus the field and what is allowed when the message does not name the field."""
    details = error.details or {}
    field = details.get("field")
    if not field or str(field) in str(error):
        return str(error)
    allowed = details.get("allowed")
    if isinstance(allowed, dict) and {"min", "max"} <= set(allowed):
        allowed = f"{allowed['min']} to {allowed['max']}"
    elif isinstance(allowed, (list, tuple)):
        allowed = ", ".join(map(str, allowed)) or "nothing"
    return f"{error} (field {field}" + (f"; allowed: {allowed}" if allowed is not None else "") + ")"
