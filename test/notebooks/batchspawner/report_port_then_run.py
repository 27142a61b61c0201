#!/usr/bin/python3
"""Runs inside the batch job, like batchspawner-singleuser: pick a free port, tell the hub
(POST /hub/api/batchspawner with the server's own API token), then run the server on it."""

import json
import os
import shutil
import socket
import sys
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    request = urllib.request.Request(
        os.environ["JUPYTERHUB_API_URL"] + "/batchspawner",
        data=json.dumps({"port": port}).encode(),
        headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"], "Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).read()
    program = shutil.which(sys.argv[1])
    os.execv(program, [program] + sys.argv[2:] + [f"--port={port}"])


if __name__ == "__main__":
    main()
