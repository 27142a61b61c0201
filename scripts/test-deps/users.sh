#!/usr/bin/env bash
# The Unix account tests run jobs as (test/support/test-accounts.ts): jobs run as their owner, never
# as root and never below security.minUid (DESIGN.md §4), so a test user needs a real identity >= 1000.
# `hpcg-job` (useradd picks a uid >= 1000, UID_MIN) with a home it owns. Idempotent; only as root.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then
  id -u hpcg-job >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group hpcg-job
fi
