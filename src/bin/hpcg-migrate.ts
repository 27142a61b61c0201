#!/usr/bin/env node
/** `hpcg-migrate`: applies the database migrations, the step before starting API and worker (src/migrate.ts). */
import { runBundle } from '../startup/run-bundle';

runBundle('hpcg-migrate');
