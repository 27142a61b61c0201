#!/usr/bin/env bash
# Debian packages the notebook tests use (spawner/, e2e/notebooks*): JupyterHub 3.0 and the classic
# notebook server (the single-user server the launcher starts), pytest for the spawner's own tests,
# and Chromium, driven headless by playwright-core, for the options-form check.
# Idempotent: installs only what is missing, updating the package lists only then.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install jupyterhub python3-notebook python3-pytest chromium
