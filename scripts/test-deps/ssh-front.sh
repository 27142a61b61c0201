#!/usr/bin/env bash
# Debian packages the SSH front's tests and benchmark use (proxy/src/ssh/, e2e/ssh-front, bench/ssh-front.ts):
# OpenSSH's sshd for the login nodes (started by the tests themselves, never as a service) and the
# ssh/scp clients. Idempotent: installs only what is missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install openssh-server openssh-client
# sshd's privilege-separation directory; no init system creates it here.
if [ "$(id -u)" -eq 0 ]; then install -d -m 755 /run/sshd; fi
