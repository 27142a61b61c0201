import { createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts matching for host-key checking: plain (`host`, `[host]:port`, comma lists) and
 * hashed (`|1|salt|hash`) host fields; `@revoked` lines refuse a key, `@cert-authority` lines are ignored.
 */
export interface KnownKey {
  hosts: string;
  keyType: string;
  keyBase64: string;
  revoked: boolean;
}

export function parseKnownHosts(text: string): KnownKey[] {
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] === '@cert-authority') continue;
      revoked = fields[0] === '@revoked';
      fields.shift();
    }
    if (fields.length < 3) continue;
    keys.push({ hosts: fields[0], keyType: fields[1], keyBase64: fields[2], revoked });
  }
  return keys;
}

function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function matchesHost(field: string, host: string, port: number): boolean {
  const wanted = hostPattern(host, port);
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(wanted).digest('base64') === hash;
  }
  return field.split(',').some((h) => h === wanted);
}

/** Whether `key` (the raw public key blob the server presented) is trusted for host:port. */
export function isKnownHostKey(known: KnownKey[], host: string, port: number, key: Buffer): boolean {
  const presented = key.toString('base64');
  const forHost = known.filter((k) => matchesHost(k.hosts, host, port));
  if (forHost.some((k) => k.revoked && k.keyBase64 === presented)) return false;
  return forHost.some((k) => !k.revoked && k.keyBase64 === presented);
}
