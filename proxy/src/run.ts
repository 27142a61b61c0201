/**
 * The `hpcg-proxy` executable's code (bundled into dist/bundle/hpcg-proxy.js): main.ts stays a module
 * that tests import without starting a proxy.
 */
import { main } from './main';

main(process.argv.slice(2), process.env).catch((err: Error) => {
  process.stderr.write(`hpcg-proxy: ${err.message}\n`);
  process.exit(1);
});
