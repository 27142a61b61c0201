import { GatewayFixture } from '../test/support/gateway-fixture';
import { testJobIdentity } from '../test/support/test-accounts';
import { describeBatchScenario } from './batch-scenario';

/** The core scenario on the embedded local engine (the fixture's default site: 2 slots, killWait 2). */
describeBatchScenario(
  'batch jobs end to end through hpcg (local engine)',
  async () => {
    const gw = await GatewayFixture.start();
    await gw.startWorker();
    // The scientist has the test account's identity: the local engine runs their jobs as it, never as the worker's user.
    return { gw, token: await gw.user('scientist'), engine: 'local', uid: testJobIdentity().uid };
  },
  (t) => t.gw.stop(),
);
