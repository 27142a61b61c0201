import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * A Kubernetes cluster as an engine (README "Kubernetes engine"). Everything the engine puts in a user's
 * namespace beyond the job itself (quota, limit range, role binding) comes from here, so that changing the
 * file and restarting the worker updates every namespace on its next use.
 */

/** Kubernetes quantities as the API writes them ("2", "500m", "4Gi"); numbers are accepted for counts. */
const quantity = z.union([z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/, 'a Kubernetes quantity such as "2", "500m" or "4Gi"'), z.number().nonnegative()]);

/** ResourceQuota `spec.hard`: e.g. { requests.cpu: "16", limits.memory: "64Gi", requests.nvidia.com/gpu: 2, count/jobs.batch: 100 }. */
const quotaHard = z.record(z.string().regex(/^[a-z0-9./-]+$/, 'a resource name such as requests.cpu or count/jobs.batch'), quantity);

export const kubernetesVolumeSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS-1123 label')
      .refine((n) => !n.startsWith('hpcg-'), 'names starting with "hpcg-" are the gateway\'s own volumes (script, /tmp, home, scratch)'),
    /** Where the volume appears in the container; a job whose working directory lies under it runs there. */
    mountPath: z.string().startsWith('/'),
    /** `{username}` is replaced by the job owner's name (one sub-directory per user). */
    subPath: z.string().optional(),
    readOnly: z.boolean().default(false),
    /**
     * Exactly one source. No hostPath: a pod must not reach into its node. No nfs: the users' namespaces
     * enforce the restricted Pod Security profile, which refuses nfs volumes in pods.
     */
    persistentVolumeClaim: z.object({ claimName: z.string().min(1) }).strict().optional(),
    nfs: z.unknown().optional(),
    emptyDir: z.object({ sizeLimit: quantity.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.nfs !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['nfs'],
        message:
          'nfs volumes are refused in pods by the restricted Pod Security profile that users\' namespaces enforce: have an administrator create a PersistentVolume of type nfs and a PersistentVolumeClaim bound to it in each user namespace (e.g. "data-{username}"), and name the claim under persistentVolumeClaim',
      });
    } else if ([v.persistentVolumeClaim, v.emptyDir].filter(Boolean).length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of persistentVolumeClaim, emptyDir' });
    }
  });

/** An IPv4 or IPv6 network in CIDR notation, as a NetworkPolicy's ipBlock takes it. */
const cidr = z.string().superRefine((text, ctx) => {
  const [address, prefix, extra] = text.split('/');
  const family = isIP(address ?? '');
  const bits = family === 4 ? 32 : 128;
  if (extra !== undefined || family === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a CIDR: give an IPv4 or IPv6 address and a prefix length, e.g. "10.20.0.0/16" or "fd00::/64"` });
  }
});

/**
 * The NetworkPolicy of every user namespace: no ingress except from `ingress`, egress only to the cluster
 * DNS, the gateway and the site's own networks. Pods of users' jobs then reach nothing else (no other
 * tenant, no cloud metadata endpoint).
 */
const networkPolicySchema = z
  .object({
    /** Where the cluster DNS runs: pods with these labels in this namespace, port 53. */
    dns: z
      .object({ namespace: z.string().min(1).default('kube-system'), podLabels: z.record(z.string(), z.string()).default({ 'k8s-app': 'kube-dns' }) })
      .strict()
      .default({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }),
    /** The gateway's addresses (jobs and notebooks call its API, notebooks register there). */
    gateway: z.array(cidr).default([]),
    /** Further networks jobs may reach: storage, licence servers, package mirrors. */
    egress: z.array(cidr).default([]),
    /** Who may connect to job pods (the edge proxy, for notebooks); none by default. */
    ingress: z.array(cidr).default([]),
  })
  .strict();

export const kubernetesEngineSchema = z
  .object({
    kind: z.literal('kubernetes'),
    /** kubeconfig file; default: in-cluster credentials when `inCluster`, else ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    inCluster: z.boolean().default(false),
    /** Namespaces are `<prefix><username>-<hash>`; the prefix keeps them apart from the site's own. */
    namespacePrefix: z.string().regex(/^[a-z]([-a-z0-9]{0,19})?$/, 'lowercase letters, digits and "-", at most 20').default('hpcg-'),
    /** Finished Jobs are deleted by Kubernetes after this long; history stays in the gateway. */
    ttlSecondsAfterFinished: z.number().int().min(0).max(30 * 86400).default(3600),
    /** Retries of a pod disrupted by its node (node failure, eviction) for jobs with --requeue. */
    requeueRetries: z.number().int().min(1).max(100).default(3),
    /** The resource name GPUs are requested as. */
    gpuResource: z.string().default('nvidia.com/gpu'),
    /** Memory per CPU when a job gives none (limits are always set). */
    defaultMemPerCpuMB: z.number().int().min(1).default(1024),
    quota: z
      .object({
        default: quotaHard.default({}),
        groups: z.record(z.string(), quotaHard).default({}),
        users: z.record(z.string(), quotaHard).default({}),
      })
      .strict()
      .default({ default: {}, groups: {}, users: {} }),
    /** LimitRange for containers in user namespaces (pods the user starts with their own kubeconfig). */
    limitRange: z
      .object({ defaultRequest: z.record(z.string(), quantity).default({}), default: z.record(z.string(), quantity).default({}), max: z.record(z.string(), quantity).default({}) })
      .strict()
      .optional(),
    /** Bind this ClusterRole to the user (as `User <username>`) in their namespace, so their own kubeconfig works there. */
    userRoleBinding: z.object({ clusterRole: z.string().min(1) }).strict().optional(),
    volumes: z.array(kubernetesVolumeSchema).default([]),
    /**
     * Version of the restricted Pod Security profile users' namespaces enforce (the label
     * pod-security.kubernetes.io/enforce-version): "latest", or a release such as "v1.34" to keep the
     * rules fixed across cluster upgrades.
     */
    podSecurityVersion: z.string().regex(/^(latest|v1\.[0-9]+)$/, '"latest" or a Kubernetes release such as "v1.34"').default('latest'),
    networkPolicy: networkPolicySchema.default({ dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }, gateway: [], egress: [], ingress: [] }),
  })
  .strict();

export type KubernetesEngineConfig = z.output<typeof kubernetesEngineSchema>;
export type KubernetesVolumeConfig = z.output<typeof kubernetesVolumeSchema>;
