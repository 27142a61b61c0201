#!/usr/bin/env bash
# What the HTCondor engine's end-to-end test needs (e2e/htcondor-batch-scenario.e2e-spec.ts): no package
# (HTCondor is not packaged for Debian 12; the schedd is emulated in the test, test/htcondor/),
# but a real Unix user `hpcg-condor-a` the jobs run as. Idempotent.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then
  id -u hpcg-condor-a >/dev/null 2>&1 || useradd --create-home --shell /bin/bash hpcg-condor-a
fi
