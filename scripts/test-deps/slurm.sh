#!/usr/bin/env bash
# Debian packages the Slurm engine's tests and benchmark use (src/engines/slurm/, e2e/, bench/slurm.ts):
# a real single-node Slurm 22.05 (munge, slurmctld, slurmd; slurmdbd with MariaDB for sacct), a real
# sshd as the login node, and sudo for the `submitAs: sudo` runner. Daemons are started by the tests
# themselves (test/support/slurm-cluster.ts), never here.
# It also creates the Unix users the tests submit as (jobs must run as real users of this machine):
# `hpcg-slurm-a` and `hpcg-slurm-b`, unlocked (`*` password: key-only SSH works with UsePAM no), and the
# service account `hpcg-slurm-svc` that `submitAs: sudo` tests log in as: passwordless sudo to those two
# users only (/etc/sudoers.d/hpcg-slurm-svc, checked with visudo before it is put in place).
# Idempotent: installs only what is missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install munge slurm-wlm slurmdbd mariadb-server openssh-server sudo
if [ "$(id -u)" -eq 0 ]; then
  for u in hpcg-slurm-a hpcg-slurm-b hpcg-slurm-svc; do
    id -u "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
    usermod -p '*' "$u"
  done
  rule=/etc/sudoers.d/hpcg-slurm-svc
  if [ ! -f "$rule" ]; then
    tmp=$(mktemp)
    echo 'hpcg-slurm-svc ALL=(hpcg-slurm-a,hpcg-slurm-b) NOPASSWD: ALL' > "$tmp"
    visudo -cqf "$tmp"
    install -m 0440 "$tmp" "$rule"
    rm -f "$tmp"
  fi
fi
