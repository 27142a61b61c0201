#!/usr/bin/env bash
# Debian packages the proxy's tests and benchmark use (proxy/, bench/http-proxy.ts):
# JupyterHub 3.0 and the classic notebook server for the JupyterHub integration test (it also brings
# Debian's configurable-http-proxy, the benchmark's anchor), HAProxy and wrk for the benchmark.
# Idempotent: installs only what is missing, updating the package lists only then.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install jupyterhub python3-notebook haproxy wrk
