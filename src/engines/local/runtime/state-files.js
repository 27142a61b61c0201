// @ts-check
'use strict';
/**
 * Crash-safe file writes for the local engine's state directory, shared by the launcher and the engine.
 * A reader never sees a half-written file: data goes to a unique temporary name and is then renamed
 * (replace) or hard-linked (create only if absent) into place.
 */
const fs = require('node:fs');
const crypto = require('node:crypto');

/** @param {string} path */
function tempNameFor(path) {
  return `${path}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * @param {string} path
 * @param {string} data
 * @param {number} mode
 */
function writeTemp(path, data, mode) {
  const tmp = tempNameFor(path);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/**
 * Replace `path` atomically with `data`.
 * @param {string} path
 * @param {string} data
 * @param {number} [mode]
 */
function writeFileAtomic(path, data, mode = 0o600) {
  const tmp = writeTemp(path, data, mode);
  try {
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Create `path` with `data` only if it does not exist yet, atomically (link(2) fails on an existing name).
 * Returns false when another writer got there first: their content stands.
 * @param {string} path
 * @param {string} data
 * @param {number} [mode]
 * @returns {boolean}
 */
function publishExclusive(path, data, mode = 0o600) {
  const tmp = writeTemp(path, data, mode);
  try {
    fs.linkSync(tmp, path);
    return true;
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * @param {string} path
 * @returns {string | null} the file's text, or null when it does not exist
 */
function readTextIfExists(path) {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * @param {string} path
 * @returns {unknown} the parsed JSON, or null when the file does not exist
 */
function readJsonIfExists(path) {
  const text = readTextIfExists(path);
  return text === null ? null : JSON.parse(text);
}

module.exports = { writeFileAtomic, publishExclusive, readTextIfExists, readJsonIfExists };
