// @ts-check
'use strict';
/**
 * A process stamp is a pid plus the process start time (field 22 of /proc/PID/stat) and the boot id:
 * together they name one process for good, so a recycled pid is never mistaken for the job or launcher
 * we recorded. Linux only, like the local engine.
 */
const fs = require('node:fs');

/** @typedef {{ pid: number, startTicks: string, bootId: string | null }} ProcessStamp */
/** @typedef {{ state: string, pgrp: number, session: number, startTicks: string }} ProcStat */

/** @returns {string | null} */
function readBootId() {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

const BOOT_ID = readBootId();

/**
 * @param {number} pid
 * @returns {ProcStat | null}
 */
function readProcStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3].
  return { state: fields[0], pgrp: Number(fields[2]), session: Number(fields[3]), startTicks: fields[19] };
}

/**
 * @param {number} pid
 * @returns {ProcessStamp | null} null when the process does not exist
 */
function stampOf(pid) {
  const stat = readProcStat(pid);
  return stat ? { pid, startTicks: stat.startTicks, bootId: BOOT_ID } : null;
}

/**
 * True while the stamped process runs: same pid, same start time, same boot, and not a zombie.
 * @param {ProcessStamp} stamp
 */
function isAlive(stamp) {
  const stat = readProcStat(stamp.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  if (stamp.bootId && BOOT_ID && stamp.bootId !== BOOT_ID) return false;
  return stat.startTicks === stamp.startTicks;
}

/**
 * Signal a process (or, with `group`, its whole process group) only if it is still the stamped one.
 * @param {ProcessStamp} stamp
 * @param {NodeJS.Signals | number} signal
 * @param {boolean} [group]
 * @returns {boolean} whether the signal was delivered
 */
function signalStamped(stamp, signal, group = false) {
  if (!isAlive(stamp)) return false;
  try {
    process.kill(group ? -stamp.pid : stamp.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Live (non-zombie) members of process group `pgid` that started no earlier than the group's leader did:
 * what is left of a job whose leader is gone.
 * @param {number} pgid
 * @param {string} leaderStartTicks
 * @returns {number[]}
 */
function liveGroupMembers(pgid, leaderStartTicks) {
  /** @type {number[]} */
  const pids = [];
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (!stat || stat.pgrp !== pgid || stat.state === 'Z' || stat.state === 'X') continue;
    if (BigInt(stat.startTicks) >= BigInt(leaderStartTicks)) pids.push(Number(entry));
  }
  return pids;
}

module.exports = { BOOT_ID, readProcStat, stampOf, isAlive, signalStamped, liveGroupMembers };
