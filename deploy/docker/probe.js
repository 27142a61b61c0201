#!/usr/bin/env node
// Health probe run inside the container: `node probe.js PORT PATH` exits 0 when http://127.0.0.1:PORT/PATH
// answers 2xx within 3 s, 1 otherwise. Used by the image's HEALTHCHECK, compose and the Kubernetes exec
// probes: the request stays on the pod's loopback, so no plain-HTTP probe crosses the node's network.
'use strict';
const [port, path] = process.argv.slice(2);
if (!/^\d+$/.test(port ?? '') || !(path ?? '').startsWith('/')) {
  process.stderr.write('usage: probe.js PORT /PATH\n');
  process.exit(2);
}
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  (e) => {
    process.stderr.write(`probe.js: ${e.message}\n`);
    process.exit(1);
  },
);
