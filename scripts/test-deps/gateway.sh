#!/usr/bin/env bash
# Debian packages the gateway's own tests use: Snakemake drives the gateway through the Slurm shims
# (e2e/snakemake.e2e-spec.ts). Idempotent: installs only what is missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install snakemake
