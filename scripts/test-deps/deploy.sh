#!/usr/bin/env bash
# What the deployment tests (test/deploy/) need: promtool (Debian's prometheus package; the tests start
# no Prometheus) for the alert rules and dashboard queries, and systemd-analyze (Debian's systemd, which
# needs no running systemd) for the units. kubectl, which renders deploy/kubernetes with its embedded
# kustomize, is not in Debian 12 in a usable version (kubernetes-client 1.20 embeds kustomize 2.0):
# it is on this machine kind already, and the tests name it when it is missing. Idempotent.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
apt_install prometheus systemd
