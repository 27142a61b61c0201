# hpc-gateway notebook launcher (notebook contract, "Launcher"). Runs inside the job, stdlib only:
# picks a free port, starts the single-user server, waits until it answers, registers its address
# with the gateway using the notebook's one-time token, then stays with the server until it ends.
import collections
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

NOTEBOOK_ID = os.environ.get("HPCG_NOTEBOOK_ID", "?")
TOKEN = os.environ.get("HPCG_NOTEBOOK_TOKEN", "")
REGISTER_URL = os.environ.get("HPCG_NOTEBOOK_REGISTER_URL", "").rstrip("/")
COMMAND = os.environ.get("HPCG_NOTEBOOK_COMMAND", "jupyterhub-singleuser")
PORTS = os.environ.get("HPCG_NOTEBOOK_PORTS", "")
PREFIX = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/") or "/"
if not PREFIX.endswith("/"):
    PREFIX += "/"
PORT_ATTEMPTS = 10
TAIL_LINES = 20

server = None
stopping = False


def log(message):
    sys.stderr.write("hpcg-notebook-launcher[%s]: %s\n" % (NOTEBOOK_ID, message))
    sys.stderr.flush()


def post(path, body):
    """POST JSON to the gateway; returns (status, text). Network errors raise OSError."""
    request = urllib.request.Request(
        REGISTER_URL + "/" + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


# 409: the gateway has not yet seen the job running (it learns that on its next sync with the engine);
# 503: it cannot ask the engine where the job runs right now. Both pass; other answers are final.
RETRY_STATUSES = (409, 503)


def post_with_retries(path, body, seconds=120):
    """Retry network errors (the gateway may be restarting) and 409/503 for a while."""
    deadline = time.time() + seconds
    delay = 0.5
    while True:
        try:
            status, text = post(path, body)
            if status not in RETRY_STATUSES or time.time() > deadline:
                return status, text
            log("the gateway answered %s (%s); retrying" % (status, text))
        except OSError as e:
            if time.time() > deadline:
                return None, str(e)
            log("cannot reach the gateway (%s); retrying" % e)
        time.sleep(delay)
        delay = min(delay * 2, 5)


def candidate_ports():
    """Ports to try: random ones in HPCG_NOTEBOOK_PORTS, or whatever the kernel gives (port 0)."""
    if not PORTS:
        return [0] * PORT_ATTEMPTS
    low, high = (int(p) for p in PORTS.split("-", 1))
    ports = list(range(low, high + 1))
    random.shuffle(ports)
    return ports


def free_port(wanted):
    """Binds to see that the port is free; the server binds it again a moment later (a race the retry covers)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("", wanted))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()


def reachable_address():
    """The local address the gateway can reach us at: the source address of a route to the gateway's host,
    which is also where the registration comes from (the gateway accepts only the job's node)."""
    url = urllib.parse.urlsplit(REGISTER_URL)
    host, port = url.hostname or "127.0.0.1", url.port or (443 if url.scheme == "https" else 80)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for info in socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM):
        family = info[0]
        target = info[4]
        break
    else:
        target = (host, port)
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.connect(target)  # UDP: no packet is sent, the kernel only picks the route
        return s.getsockname()[0]
    finally:
        s.close()


def start(port):
    argv = shlex.split(COMMAND) + ["--ip=0.0.0.0", "--port=%d" % port]
    if os.getuid() == 0:
        argv.append("--allow-root")
    log("starting %s" % " ".join(shlex.quote(a) for a in argv))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tail = collections.deque(maxlen=TAIL_LINES)

    def pump():
        # The server's stderr still reaches the job's stderr; the last lines are kept for a failure report.
        for raw in iter(proc.stderr.readline, b""):
            sys.stderr.buffer.write(raw)
            sys.stderr.flush()
            tail.append(raw.decode("utf-8", "replace").rstrip())

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    return proc, tail, reader


def answers(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%sapi" % (port, PREFIX), timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answers; whether with 200 is the gateway's own check
    except OSError:
        return False


def exit_status(code):
    return 128 - code if code < 0 else code


def report_failure(reason):
    status, text = post_with_retries("failed", {"reason": reason[-8000:]})
    if status != 202:
        log("could not report the failure to the gateway: %s %s" % (status, text))


def on_signal(signum, _frame):
    global stopping
    stopping = True
    if server is not None and server.poll() is None:
        server.send_signal(signum)
    else:
        sys.exit(128 + signum)


def main():
    global server
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if not TOKEN or not REGISTER_URL:
        log("HPCG_NOTEBOOK_TOKEN and HPCG_NOTEBOOK_REGISTER_URL must be set")
        return 2
    name = os.path.basename(shlex.split(COMMAND)[0]) if COMMAND.strip() else COMMAND
    last_reason = "no free port found"
    for wanted in candidate_ports()[: PORT_ATTEMPTS * 10]:
        port = free_port(wanted)
        if port is None:
            continue
        try:
            server, tail, reader = start(port)
        except OSError as e:
            report_failure("%s could not be started: %s" % (name, e))
            return 127
        while server.poll() is None and not answers(port):
            time.sleep(0.2)
        if server.poll() is not None:
            reader.join(2)
            lines = "\n".join(tail)
            if stopping:
                return exit_status(server.returncode)
            last_reason = "%s exited with status %d: %s" % (name, exit_status(server.returncode), lines)
            if "address already in use" in lines.lower():
                log("port %d was taken meanwhile; trying another" % port)
                continue
            report_failure(last_reason)
            return exit_status(server.returncode) or 1
        break
    else:
        report_failure(last_reason)
        return 1

    host = reachable_address()
    status, text = post_with_retries("register", {"host": host, "port": port})
    if status != 202:
        log("the gateway refused the registration of %s:%d (%s %s); stopping the server" % (host, port, status, text))
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        return 1
    log("registered %s:%d" % (host, port))
    while True:
        try:
            return exit_status(server.wait())
        except InterruptedError:
            continue


sys.exit(main())
