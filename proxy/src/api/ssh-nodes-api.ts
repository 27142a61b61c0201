import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ProxyMetrics } from '../observability/metrics';
import type { SshFront } from '../ssh/ssh-front';
import { observeApiRequest, send, sendJson } from './api-response';
import type { TokenCheck } from './token-check';

export const SSH_API_PREFIX = '/api/ssh/';
const NODES = /^\/api\/ssh\/nodes\/?$/;
const DRAIN = /^\/api\/ssh\/nodes\/([^/]+)\/drain$/;

/**
 * The SSH front's admin API, on the route API's listener and token:
 * GET /api/ssh/nodes (the front's status with every node), POST /api/ssh/nodes/<name>/drain
 * (no new connections; open ones stay), DELETE /api/ssh/nodes/<name>/drain (undrain).
 * Both answer 200 with the node's status; 404 names the known nodes.
 */
export class SshNodesApi {
  constructor(
    private readonly front: SshFront,
    private readonly token: TokenCheck,
    private readonly metrics: ProxyMetrics,
    private readonly log: Logger,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    observeApiRequest(req, res, this.metrics, this.log);
    req.resume();
    const path = (req.url ?? '/').split('?', 1)[0];
    const method = req.method ?? '';
    const drain = DRAIN.exec(path);
    if (!NODES.test(path) && !drain) {
      send(res, 404, `No API endpoint ${path}; the SSH API is GET /api/ssh/nodes and POST|DELETE /api/ssh/nodes/<name>/drain`);
      return;
    }
    const allowed = drain ? ['POST', 'DELETE'] : ['GET'];
    if (!allowed.includes(method)) {
      send(res, 405, 'Method not supported', { Allow: allowed.join(', ') });
      return;
    }
    if (!this.token.matches(req.headers.authorization)) {
      send(res, 403, 'Forbidden: missing or wrong API token; send "Authorization: token <CONFIGPROXY_AUTH_TOKEN>"');
      return;
    }
    if (!drain) {
      sendJson(res, 200, this.front.status());
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(drain[1]);
    } catch {
      send(res, 400, `The node name ${drain[1]} is not valid percent-encoded UTF-8`);
      return;
    }
    const node = this.front.setDrained(name, method === 'POST');
    if (!node) {
      send(res, 404, `No SSH node "${name}" (nodes: ${this.front.nodes.map((n) => n.name).join(', ')})`);
      return;
    }
    sendJson(res, 200, node);
  };
}
