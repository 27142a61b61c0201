#!/usr/bin/env node
/** `hpcg-proxy`: the edge proxy (proxy/src/run.ts). */
import { runBundle } from '../startup/run-bundle';

runBundle('hpcg-proxy', { storeAfterMs: 10_000 });
