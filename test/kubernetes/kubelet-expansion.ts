type Obj = Record<string, any>;

const DOLLAR = 0x24;
const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * The kubelet's variable references in a container's `command`, `args` and env `value`s, implemented from
 * the rules of k8s.io/kubernetes third_party/forked/golang/expansion, byte by byte as it works:
 * - `$$` is one `$`;
 * - `$(NAME)` is NAME's value when NAME is defined, else stays `$(NAME)` as written;
 * - `$(` without a closing `)` stays as written;
 * - `$` followed by any other byte keeps both, the byte converted on its own to a character (Go's
 *   `string(byte)`): a byte of a multi-byte UTF-8 character comes out as a different character;
 * - a `$` at the very end stays.
 */
export function kubeletExpand(input: string, lookup: (name: string) => string | undefined): string {
  const bytes = Buffer.from(input);
  const out: Buffer[] = [];
  let from = 0;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== DOLLAR || i + 1 >= bytes.length) {
      i++;
      continue;
    }
    out.push(bytes.subarray(from, i));
    const next = bytes[i + 1];
    if (next === DOLLAR) {
      out.push(Buffer.from('$'));
      i += 2;
    } else if (next === OPEN) {
      const close = bytes.indexOf(CLOSE, i + 2);
      if (close === -1) {
        out.push(Buffer.from('$('));
        i += 2;
      } else {
        const name = bytes.subarray(i + 2, close).toString();
        out.push(Buffer.from(lookup(name) ?? `$(${name})`));
        i = close + 1;
      }
    } else {
      out.push(Buffer.from('$' + String.fromCodePoint(next)));
      i += 2;
    }
    from = i;
  }
  out.push(bytes.subarray(from));
  return Buffer.concat(out).toString();
}

/**
 * A container's environment as the kubelet builds it: `envFrom` first (values as stored, never expanded),
 * then each `env` entry in order, a `value` expanded against what is defined so far, `valueFrom` as read.
 * `secret(name)` is the Secret's decoded data, or null when it does not exist (the kubelet then cannot
 * start the container: CreateContainerConfigError).
 */
export function containerEnvironment(container: Obj, secret: (name: string) => Record<string, string> | null, fieldRef: (path: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.secretRef?.name;
    if (!name) throw new Error(`envFrom source ${JSON.stringify(source)} is not emulated`);
    const data = secret(name);
    if (!data) {
      if (source.secretRef.optional) continue;
      throw new Error(`CreateContainerConfigError: secret "${name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env[`${source.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = kubeletExpand(e.value, (n) => env[n]);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.secretKeyRef) {
      const data = secret(e.valueFrom.secretKeyRef.name);
      const v = data?.[e.valueFrom.secretKeyRef.key];
      if (v === undefined) throw new Error(`CreateContainerConfigError: couldn't find key ${e.valueFrom.secretKeyRef.key} in Secret ${e.valueFrom.secretKeyRef.name}`);
      env[e.name] = v;
    } else env[e.name] = '';
  }
  return env;
}

/** `command` and `args` with their references expanded against the container's final environment. */
export function containerArgv(container: Obj, env: Record<string, string>): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])].map((a: string) => kubeletExpand(a, (n) => env[n]));
}
