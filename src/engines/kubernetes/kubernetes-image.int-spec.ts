import { eventually } from '../../../test/support/gateway-fixture';
import { gql, refusal } from '../../../test/support/graphql-client';
import { type KubernetesGateway, startKubernetesGateway } from '../../../test/kubernetes/kubernetes-gateway';

/**
 * Issue 13, item 9, as the attacker's steps: an ordinary user of a Kubernetes partition asks for an image
 * the site never allowed (a plain alpine, a "privileged" tool image, a look-alike of the allowed one) by
 * submitJob's `image` and by a notebook's image option. Each is refused at submission with the allowed
 * list, and nothing exists afterwards: no job row, no notebook, no object in the (emulated) cluster, with
 * the worker running, so a stored job would have reached the cluster. The site's own images still run.
 */
jest.setTimeout(90_000);

const SUBMIT = `mutation($input: JobSpecInput!) { submitJob(input: $input) { jobId } }`;
const SPAWN = `mutation($p: String!, $o: JSON) { spawnNotebook(profile: $p, options: $o) { id } }`;
const ATTACKS = [
  'docker.io/library/alpine',
  'docker.io/library/alpine:latest',
  'ghcr.io/attacker/privileged-toolbox:latest',
  // Look-alikes of allowed images: exact match only, no prefix or tag family.
  'docker.io/library/bash:5.2-alpine',
  'docker.io/library/bash',
  'registry.example/hpc/extra:2@sha256:0000000000000000000000000000000000000000000000000000000000000000',
];
const ALLOWED = ['docker.io/library/bash:5.2', 'registry.example/hpc/extra:2', 'jupyter/scipy-notebook:2024', 'jupyter/r-notebook:2024'];

describe('Kubernetes images come only from the site', () => {
  let k: KubernetesGateway;
  const job = (image?: string) => ({ script: '#!/bin/sh\necho hello\n', partitions: ['kube'], ...(image ? { image } : {}) });
  const clusterObjects = () => ['namespaces', 'jobs', 'pods', 'configmaps'].flatMap((kind) => k.api.store.list(kind, null).map((o) => `${kind}/${o.metadata.name}`));
  const rows = async () => {
    const r = await k.gw.admin<{ jobs: { total: number }; notebooks: unknown[] }>(`{ jobs { total } notebooks { id } }`);
    return { jobs: r.jobs.total, notebooks: r.notebooks.length };
  };

  beforeAll(async () => {
    k = await startKubernetesGateway({
      partitionKeys: 'allowedImages: ["registry.example/hpc/extra:2"]',
      extraSite: `
notebooks:
  profiles:
    - name: lab
      partition: kube
      memory: 512M
      maxTime: "20:00"
      image: "jupyter/scipy-notebook:2024"
      userOptions: { image: { choices: ["jupyter/scipy-notebook:2024", "jupyter/r-notebook:2024"] } }
`,
    });
  }, 60_000);
  afterAll(async () => k?.stop());

  it('refuses every image the site did not list, by submitJob and by a notebook option, and creates nothing', async () => {
    for (const image of ATTACKS) {
      const r = await refusal(gql(k.gw.url, k.token, SUBMIT, { input: job(image) }));
      expect(r).toMatchObject({ code: 'FORBIDDEN', details: { field: 'image', value: image, allowed: ALLOWED } });
      expect(r.message).toBe(`image "${image}" is not allowed on Kubernetes partition kube: allowed ${ALLOWED.join(', ')}`);

      const n = await refusal(gql(k.gw.url, k.token, SPAWN, { p: 'lab', o: { image } }));
      expect(n).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'image', allowed: ['jupyter/scipy-notebook:2024', 'jupyter/r-notebook:2024'] } });
    }
    // The same refusal for `sbatch --test-only` is not needed for safety: it stores nothing anyway.
    // Give the worker (200 ms sync) time to carry anything that had been stored to the cluster.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await rows()).toEqual({ jobs: 0, notebooks: 0 });
    expect(clusterObjects()).toEqual([]);
  });

  it("still runs the partition's image, its allowedImages and its profiles' images, exactly as named", async () => {
    const ids: number[] = [];
    for (const image of [undefined, 'registry.example/hpc/extra:2', 'jupyter/r-notebook:2024']) {
      ids.push((await gql<{ submitJob: { jobId: number } }>(k.gw.url, k.token, SUBMIT, { input: job(image) })).submitJob.jobId);
    }
    const jobs = await eventually(async () => {
      const found = k.api.store.list('jobs', null);
      return found.length === 3 && found;
    }, 20_000, 'the three Jobs in the cluster');
    const images = Object.fromEntries(jobs.map((j: any) => [j.metadata.labels['hpcg.io/job-id'], j.spec.template.spec.containers[0].image]));
    expect(images).toEqual({ [ids[0]]: 'docker.io/library/bash:5.2', [ids[1]]: 'registry.example/hpc/extra:2', [ids[2]]: 'jupyter/r-notebook:2024' });
  });
});
