import { GatewayFixture } from '../src/test-support/gateway-fixture';
import { describeBatchScenario } from './batch-scenario';

/** The core scenario on the embedded local engine (the fixture's default site: 2 slots, killWait 2). */
describeBatchScenario(
  'batch jobs end to end through hpcg (local engine)',
  async () => {
    const gw = await GatewayFixture.start();
    await gw.startWorker();
    // The scientist has no uid of their own: the local engine runs their jobs as the worker's user.
    return { gw, token: await gw.user('scientist'), engine: 'local', uid: process.getuid!() };
  },
  (t) => t.gw.stop(),
);
