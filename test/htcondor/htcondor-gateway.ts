import { chownSync } from 'node:fs';
import { GatewayFixture } from '../support/gateway-fixture';
import { unixUser } from '../support/slurm-gateway';
import { EmulatedSchedd } from './emulated-schedd';

/** The Unix user HTCondor test jobs run as (created by scripts/test-deps/htcondor.sh). */
export const CONDOR_TEST_USER = 'hpcg-condor-a';

/** Site configuration: one HTCondor engine whose tools are the emulated schedd's, one partition as a ClassAd node set. */
export function htcondorSite(binDir: string): string {
  return `
cluster: hpcg
engines:
  pool:
    kind: htcondor
    runner: { kind: local }
    submitAs: runuser
    binDir: ${binDir}
partitions:
  - { name: nightly, engine: pool, default: true, maxTime: "30:00", machineAttributes: { NodeSet: nightly }, jobAttributes: { NodeSet: nightly } }
`;
}

export interface HtcondorGateway {
  gw: GatewayFixture;
  schedd: EmulatedSchedd;
  token: string;
  uid: number;
  stop(): Promise<void>;
}

/** A gateway (API and, unless told otherwise, worker) in front of the emulated schedd, with one user who exists on this machine. */
export async function startHtcondorGateway(options: { worker?: boolean } = {}): Promise<HtcondorGateway> {
  const schedd = new EmulatedSchedd();
  await schedd.start();
  const gw = await GatewayFixture.start({ site: htcondorSite(schedd.binDir) });
  const user = unixUser(CONDOR_TEST_USER);
  chownSync(gw.dir, user.uid, user.gid);
  if (options.worker !== false) await gw.startWorker();
  const token = await gw.user(CONDOR_TEST_USER, { uid: user.uid, gid: user.gid, home: gw.dir });
  return {
    gw,
    schedd,
    token,
    uid: user.uid,
    async stop() {
      await gw.stop();
      await schedd.stop();
    },
  };
}
