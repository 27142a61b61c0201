"""A JupyterHub spawner for tests that drives a batch system exactly as batchspawner's SlurmSpawner
does (jupyterhub/batchspawner, batchspawner/batchspawner.py; not packaged here, so written anew
from its documented behaviour, not copied):

- every command runs through /bin/sh as ``sudo -E -u {username} <command>``, with the spawner's
  environment plus USER, HOME and SHELL of the user (SlurmSpawner's UserEnvMixin);
- submit: ``sbatch --parsable`` with the batch script on stdin; the job id is the part before ";"
  on the last line of stdout;
- query: ``squeue -h -j {job_id} -o '%T %B'``; stderr stands for stdout when it fails;
- cancel: ``scancel {job_id}``;
- the state and host regular expressions below, applied as SlurmSpawner applies them;
- the port: the server inside the job picks one and reports it to the hub (``/api/batchspawner``).

Every command it ran is appended to ``command_log`` (one JSON object a line) for the test to read.
"""

import asyncio
import json
import os
import pwd
import re
import shlex

from jupyterhub.apihandlers import APIHandler
from jupyterhub.spawner import Spawner
from tornado import web
from traitlets import Float, Unicode

PENDING_RE = r"^(?:PENDING|CONFIGURING)"
RUNNING_RE = r"^(?:RUNNING|COMPLETING)"
UNKNOWN_RE = r"^slurm_load_jobs error: (?:Socket timed out on send/recv|Unable to contact slurm controller)"
EXECHOST_RE = r"\s+((?:[\w_-]+\.?)+)$"


class CommandFailed(RuntimeError):
    """A command exited non-zero; args[0] is its stderr, as batchspawner keeps it."""


class SlurmCommandsSpawner(Spawner):
    exec_prefix = Unicode("sudo -E -u {username}").tag(config=True)
    submit_cmd = Unicode("sbatch --parsable").tag(config=True)
    query_cmd = Unicode("squeue -h -j {job_id} -o '%T %B'").tag(config=True)
    cancel_cmd = Unicode("scancel {job_id}").tag(config=True)
    singleuser_wrapper = Unicode(help="what reports the port, then runs the server (batchspawner-singleuser)").tag(config=True)
    command_log = Unicode(help="a file each command and its outcome is appended to").tag(config=True)
    startup_poll_interval = Float(0.5).tag(config=True)

    ip = Unicode("0.0.0.0").tag(config=True)
    job_id = ""
    job_status = ""

    # -- environment and commands -------------------------------------------------------------
    def get_env(self):
        env = super().get_env()
        entry = pwd.getpwnam(self.user.name)
        env["USER"] = self.user.name
        if entry.pw_dir:
            env["HOME"] = entry.pw_dir
        if entry.pw_shell:
            env["SHELL"] = entry.pw_shell
        return env

    def _log_command(self, record):
        if self.command_log:
            with open(self.command_log, "a") as f:
                f.write(json.dumps(record) + "\n")

    async def _run(self, template, stdin=None, **values):
        cmd = " ".join([self.exec_prefix.format(username=self.user.name), template.format(**values)])
        proc = await asyncio.create_subprocess_shell(
            cmd,
            env=self.get_env(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate(stdin.encode() if stdin else None)
        out, err = out.decode().strip(), err.decode().strip()
        self._log_command({"cmd": cmd, "exit": proc.returncode, "stdout": out, "stderr": err})
        if proc.returncode != 0:
            raise CommandFailed(err)
        return out

    def _batch_script(self):
        home = pwd.getpwnam(self.user.name).pw_dir
        keep = ",".join(self.get_env().keys())
        command = " ".join([self.singleuser_wrapper] + self.cmd + self.get_args())
        lines = [
            "#!/bin/bash",
            f"#SBATCH --output={home}/jupyterhub_slurmspawner_%j.log",
            "#SBATCH --job-name=spawner-jupyterhub",
            f"#SBATCH --chdir={home}",
            f"#SBATCH --export={keep}",
            "#SBATCH --get-user-env=L",
            "",
            "set -euo pipefail",
            "",
            "trap 'echo SIGTERM received' TERM",
            "",
            f"srun {command}",
            'echo "jupyterhub-singleuser ended gracefully"',
            "",
        ]
        return "\n".join(lines)

    # -- state, read with SlurmSpawner's expressions -----------------------------------------
    def _matches(self, pattern):
        return bool(self.job_status) and re.search(pattern, self.job_status) is not None

    async def query_job_status(self):
        """'running' | 'pending' | 'unknown' | 'notfound', as batchspawner's JobStatus."""
        if not self.job_id:
            self.job_status = ""
            return "notfound"
        try:
            self.job_status = await self._run(self.query_cmd, job_id=self.job_id)
        except CommandFailed as failed:
            self.job_status = failed.args[0]
        if self._matches(RUNNING_RE):
            return "running"
        if self._matches(PENDING_RE):
            return "pending"
        if self._matches(UNKNOWN_RE):
            return "unknown"
        return "notfound"

    def exec_host(self):
        match = re.search(EXECHOST_RE, self.job_status)
        if not match:
            raise RuntimeError(f"no execution host in {self.job_status!r}")
        return match.group(1)

    # -- the Spawner interface ---------------------------------------------------------------
    def load_state(self, state):
        super().load_state(state)
        self.job_id = state.get("job_id", "")
        self.job_status = state.get("job_status", "")

    def get_state(self):
        state = super().get_state()
        if self.job_id:
            state["job_id"] = self.job_id
        if self.job_status:
            state["job_status"] = self.job_status
        return state

    def clear_state(self):
        super().clear_state()
        self.job_id = ""
        self.job_status = ""

    async def start(self):
        self.port = 0
        out = await self._run(self.submit_cmd, stdin=self._batch_script())
        self.job_id = out.splitlines()[-1].split(";")[0]
        int(self.job_id)  # a number, or the submission failed
        while True:
            status = await self.query_job_status()
            if status == "running":
                break
            if status == "notfound":
                self.clear_state()
                raise RuntimeError(f"the batch job disappeared: {self.job_status}")
            await asyncio.sleep(self.startup_poll_interval)
        host = self.exec_host()
        while self.port == 0:
            await asyncio.sleep(self.startup_poll_interval)
            if await self.poll() is not None:
                raise RuntimeError("the batch job ended before its server reported a port")
        self.db.commit()
        return host, self.port

    async def poll(self):
        status = await self.query_job_status()
        if status in ("running", "pending", "unknown"):
            return None
        self.clear_state()
        return 1

    async def stop(self, now=False):
        await self._run(self.cancel_cmd, job_id=self.job_id)
        if now:
            return
        for _ in range(10):
            if await self.query_job_status() not in ("running", "unknown"):
                return
            await asyncio.sleep(1)


class PortReportHandler(APIHandler):
    """POST {"port": N} from the server inside the job, authenticated by its own API token."""

    @web.authenticated
    async def post(self):
        user = self.current_user
        body = self.get_json_body() or {}
        spawner = user.spawners[""] if hasattr(user, "spawners") else None
        if spawner is None or not isinstance(body.get("port"), int):
            raise web.HTTPError(400, "expected {\"port\": <int>} from a user with a server")
        spawner.port = body["port"]
        self.finish(json.dumps({"port": spawner.port}))


def extra_handlers():
    return [(r"/api/batchspawner", PortReportHandler)]
