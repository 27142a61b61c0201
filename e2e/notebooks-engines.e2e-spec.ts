import { request, waitFor } from '../test/proxy/http-client';
import { runInKernel } from '../test/support/jupyter-kernel';
import { KUBE_TEST_USER, type KubernetesGateway, startKubernetesGateway } from '../test/kubernetes/kubernetes-gateway';
import { type NotebookGatewayFactory, NotebookSite } from '../test/support/notebook-site';
import { sharedSlurmCluster } from '../test/support/shared-slurm';
import type { SlurmCluster } from '../test/support/slurm-cluster';
import { SLURM_TEST_USER, startSlurmGateway, unixUser } from '../test/support/slurm-gateway';

/**
 * Issue 8 on the batch engines: the same JupyterHub 3.0 + GatewaySpawner + hpcg-proxy site as
 * notebooks.e2e-spec.ts, with the gateway on the real Slurm 22.05 test cluster and on the Kubernetes
 * emulation (whose kubelet runs pods as local processes of their owner). The launcher inside the job
 * registers the server; the hub reaches it through the proxy; the kernel runs as the job's owner; a
 * stop from the hub ends the job in the engine too.
 */

jest.setTimeout(120_000);

interface NotebookView {
  id: number;
  state: string;
  reason: string | null;
  job: { id: number; state: string; engineJobId: string | null; user: string };
}
const NOTEBOOK_FIELDS = 'id state reason job { id state engineJobId user }';

interface EngineCase {
  /** The hub user: a gateway user whose jobs run as the Unix user of the same name. */
  user: string;
  gateway: NotebookGatewayFactory;
  /** The engine's own view of the running job (engineJobId: the engine's id). */
  running(engineJobId: string): Promise<void>;
  /** The engine's own view once the hub stopped the server. */
  ended(engineJobId: string): Promise<void>;
}

function describeNotebookOnEngine(title: string, engine: () => EngineCase): void {
  describe(title, () => {
    let site: NotebookSite;
    let e: EngineCase;
    const notebook = async () => (await site.gw.admin<{ notebooks: NotebookView[] }>(`{ notebooks { ${NOTEBOOK_FIELDS} } }`)).notebooks[0];

    beforeAll(async () => {
      e = engine();
      site = await NotebookSite.start({ users: [e.user], gateway: e.gateway });
    }, 90_000);
    afterAll(async () => site?.stop());

    it('spawns a server through the hub REST API that runs as the job owner, and stopping it ends the job in the engine', async () => {
      const serverUrl = `${site.publicUrl}/user/${e.user}`;
      const started = await site.hubApi('POST', `/users/${e.user}/server`, { profile: 'small' });
      expect([201, 202]).toContain(started.status);
      await waitFor('the hub to see the server ready', async () => (await site.server(e.user))?.ready === true, 60_000, 250).catch(async (err: Error) => {
        throw new Error(`${err.message}; notebook: ${JSON.stringify(await notebook())}\n--- JupyterHub output ---\n${site.hub.output().slice(-3000)}`);
      });

      const token = await site.userToken(e.user);
      expect((await request(`${serverUrl}/api`, { headers: { Authorization: `token ${token}` } })).status).toBe(200);
      // The server and its kernel run as the job's owner, in the owner's home (the gateway user's), which is also
      // their HOME: Jupyter writes its runtime files there.
      const seen = await runInKernel(serverUrl, token, 'import os; print(os.getuid(), os.getcwd(), os.environ.get("HOME"))');
      expect(seen.trim()).toBe(`${unixUser(e.user).uid} ${site.gw.dir} ${site.gw.dir}`);

      const running = await notebook();
      expect(running).toMatchObject({ state: 'READY', job: { state: 'RUNNING', user: e.user } });
      expect(running.job.engineJobId).toBeTruthy();
      await e.running(running.job.engineJobId!);

      const stopped = await site.hubApi('DELETE', `/users/${e.user}/server`);
      expect([202, 204]).toContain(stopped.status);
      await waitFor('the hub to forget the server', async () => (await site.server(e.user)) === null, 30_000, 250);
      const ended = (await waitFor('the notebook to stop', async () => {
        const nb = await notebook();
        return nb.state === 'STOPPED' && nb;
      }, 30_000, 250)) as NotebookView;
      expect(ended.job.state).toBe('CANCELLED');
      await e.ended(running.job.engineJobId!);
    }, 110_000);
  });
}

describe('notebooks on the batch engines', () => {
  let cluster: SlurmCluster;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ cluster, release } = await sharedSlurmCluster());
  }, 120_000);
  afterAll(async () => release?.());

  /** squeue's view of one Slurm job: "user|state", or "" once Slurm has forgotten it. */
  const squeue = async (id: string) => (await cluster.command('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%u|%T']).catch(() => '')).trim();

  describeNotebookOnEngine('on the Slurm engine (real Slurm 22.05, commands run on this host)', () => ({
    user: SLURM_TEST_USER,
    gateway: async (notebooksYaml) => {
      const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' }, { extraSite: notebooksYaml });
      const stop = async () => {
        // A test that failed half-way leaves its server's job running, and slurmstepd outlives the cluster's daemons.
        const live = await gw.admin<{ jobs: { items: { engineJobId: string | null }[] } }>('{ jobs(filter: { states: [PENDING, RUNNING] }) { items { engineJobId } } }');
        const ids = live.jobs.items.flatMap((j) => (j.engineJobId ? [j.engineJobId] : []));
        if (ids.length > 0) await cluster.command('scancel', ids);
      };
      return { gw, tokens: { [SLURM_TEST_USER]: token }, stop: () => stop().finally(() => gw.stop()) };
    },
    async running(id) {
      expect(await squeue(id)).toBe(`${SLURM_TEST_USER}|RUNNING`);
    },
    async ended(id) {
      await waitFor('squeue to no longer show the job running', async () => !/\|(RUNNING|COMPLETING|PENDING)$/.test(await squeue(id)), 30_000, 250);
      // slurmdbd records arrive a few seconds late, and a job's end can be recorded before its start (as user root, uid 0).
      await waitFor('sacct to record the job cancelled, as the user', async () => {
        const row = (await cluster.command('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'User,State'])).trim();
        return row.startsWith(`${SLURM_TEST_USER}|CANCELLED`);
      }, 30_000, 500);
    },
  }));

  let kube: KubernetesGateway;
  describeNotebookOnEngine('on the Kubernetes engine (emulated API server, pods as local processes)', () => ({
    user: KUBE_TEST_USER,
    gateway: async (notebooksYaml) => {
      kube = await startKubernetesGateway({ partition: 'debug', extraSite: notebooksYaml });
      return { gw: kube.gw, tokens: { [KUBE_TEST_USER]: kube.token }, stop: () => kube.stop() };
    },
    async running(id) {
      const [namespace, name] = id.split('/');
      expect(kube.api.store.get('jobs', namespace, name)).toBeTruthy();
      const pods = kube.api.store.list('pods', namespace).filter((p: any) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === name);
      expect(pods.map((p: any) => [p.status?.phase, p.spec.securityContext.runAsUser])).toEqual([['Running', kube.uid]]);
    },
    async ended(id) {
      const [namespace, name] = id.split('/');
      expect(kube.api.store.get('jobs', namespace, name)).toBeFalsy();
      await waitFor('the pod to be gone', async () => kube.api.store.list('pods', namespace).length === 0, 30_000, 250);
    },
  }));
});
