import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A pool member in its own process, so a test can kill it the hard way (SIGKILL) and start it again
 * on the same port, or hang it (SIGSTOP) and let it go on. It answers /healthz, counts the other requests it serves, and reports the count
 * on GET /__count.
 */
const MEMBER_SCRIPT = `
const http = require('http');
let served = 0;
const name = process.argv[1];
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') { res.end('ok'); return; }
  if (req.url === '/__count') { res.end(String(served)); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    served++;
    const body = JSON.stringify({ upstream: name, url: req.url, body: Buffer.concat(chunks).toString() });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export interface MemberProcess {
  name: string;
  port: number;
  url: string;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Starts the member again on the same port. */
  restart(): Promise<void>;
  /** SIGSTOP: the process hangs; the kernel still accepts connections for it, nothing answers. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Requests served (other than health checks) by the current process. */
  served(): Promise<number>;
}

function launch(name: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', MEMBER_SCRIPT, name, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`member ${name} exited with ${code} before listening`)));
    child.stdout!.once('data', (d: Buffer) => {
      child.removeAllListeners('exit');
      resolve({ child, port: Number(d.toString().trim()) });
    });
  });
}

export async function startMember(name: string): Promise<MemberProcess> {
  let { child, port } = await launch(name, 0);
  const member: MemberProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      ({ child } = await launch(name, port));
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async served() {
      const res = await fetch(`${member.url}/__count`);
      return Number(await res.text());
    },
  };
  return member;
}
