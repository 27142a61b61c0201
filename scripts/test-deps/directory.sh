#!/usr/bin/env bash
# Debian packages the directory (LDAP) tests use: OpenLDAP's slapd, started by the tests themselves on a
# loopback port (test/directory/slapd.ts), and ldap-utils. The debconf preseed keeps the
# package from building a directory of its own. Idempotent: installs only what is missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
if [ "$(id -u)" -eq 0 ]; then
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
fi
apt_install slapd ldap-utils
