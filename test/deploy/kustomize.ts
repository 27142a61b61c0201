import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/gateway-process';

type Obj = Record<string, any>;

export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');

/**
 * The objects `kubectl kustomize DIR` renders (kubectl's embedded kustomize, the same renderer a site's
 * `kubectl apply -k` uses). kubectl is on this machine kind; the test says so when it is not.
 */
export function renderKustomize(dir: string): Obj[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('kubectl is not on PATH: the deploy tests render deploy/kubernetes with `kubectl kustomize`');
    throw new Error(`kubectl kustomize ${dir} failed: ${err.stderr ?? err.message}`);
  }
  return parseAllDocuments(out).map((d) => {
    if (d.errors.length) throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${d.errors[0].message}`);
    return d.toJS() as Obj;
  });
}

/**
 * The pods the controllers would create from each workload (Deployment, Job): metadata from the pod
 * template, in the workload's namespace, so pod-level checks see what the API server admits.
 */
export function podsOf(objects: Obj[]): Obj[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...o.spec.template.metadata, name: `${o.metadata.name}-pod`, namespace: o.metadata.namespace },
      spec: o.spec.template.spec,
    }));
}

/** Does a label selector ({matchLabels}) select these labels? */
export function selects(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries<string>(selector?.matchLabels ?? selector ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}
