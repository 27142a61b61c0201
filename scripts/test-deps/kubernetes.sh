#!/usr/bin/env bash
# What the Kubernetes engine's end-to-end test needs (e2e/kubernetes-batch-scenario.e2e-spec.ts): no
# package (the API server is emulated in the test, test/kubernetes/), but a real Unix user
# `hpcg-kube-a` whose uid and gid the emulated kubelet runs the job's pods as (pods never run as root).
# Idempotent.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then
  id -u hpcg-kube-a >/dev/null 2>&1 || useradd --create-home --shell /bin/bash hpcg-kube-a
fi
