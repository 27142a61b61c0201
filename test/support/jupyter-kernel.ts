import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { request } from '../proxy/http-client';

/**
 * Runs `code` in a new kernel of a Jupyter server (base URL like http://proxy/user/NAME) over the
 * kernel's websocket, as a notebook page does, and returns the execute_result's text/plain
 * (or the stream output when there is no result).
 */
export async function runInKernel(serverUrl: string, token: string, code: string, timeoutMs = 60_000): Promise<string> {
  const kernel = await request(`${serverUrl}/api/kernels`, {
    method: 'POST',
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    body: '{}',
    timeoutMs,
  });
  if (kernel.status !== 201) throw new Error(`starting a kernel: HTTP ${kernel.status} ${kernel.body}`);
  const kernelId = (JSON.parse(kernel.body) as { id: string }).id;
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/api/kernels/${kernelId}/channels?token=${token}`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const msgId = randomUUID();
    const result = new Promise<string>((resolve, reject) => {
      let stream = '';
      const timer = setTimeout(() => reject(new Error(`no result for ${JSON.stringify(code)} within ${timeoutMs} ms`)), timeoutMs);
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { header: { msg_type: string }; parent_header: { msg_id?: string }; content: Record<string, any> };
        if (msg.parent_header.msg_id !== msgId) return;
        const type = msg.header.msg_type;
        if (type === 'stream') stream += msg.content.text as string;
        if (type === 'error') reject(new Error(`${msg.content.ename}: ${msg.content.evalue}`));
        if (type === 'execute_result') {
          clearTimeout(timer);
          resolve(msg.content.data['text/plain'] as string);
        }
        if (type === 'status' && msg.content.execution_state === 'idle') {
          clearTimeout(timer);
          resolve(stream);
        }
      });
    });
    ws.send(
      JSON.stringify({
        header: { msg_id: msgId, username: 'test', session: randomUUID(), msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
        parent_header: {},
        metadata: {},
        content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false },
        channel: 'shell',
        buffers: [],
      }),
    );
    return await result;
  } finally {
    ws.close();
    await request(`${serverUrl}/api/kernels/${kernelId}`, { method: 'DELETE', headers: { Authorization: `token ${token}` } }).catch(() => undefined);
  }
}
