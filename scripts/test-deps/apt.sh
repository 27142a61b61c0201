# Sourced by the scripts in this folder: install Debian packages that are missing, updating the
# package lists once first. Serialised with a lock: these scripts may run at the same time.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (install them as root)" >&2
    return 1
  fi
  echo "[hpcg] installing Debian packages: ${missing[*]}" >&2
  (
    flock 9
    export DEBIAN_FRONTEND=noninteractive
    # Debian's packages start their daemons on install (mariadb, slapd, munge, sshd, haproxy): the tests
    # start their own, by PID, and must leave nothing running, so invoke-rc.d may start none meanwhile
    # (policy-rc.d exit 101 = "action forbidden"). A site's own policy file is left alone.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ) 9>/tmp/hpcg-apt.lock
}
