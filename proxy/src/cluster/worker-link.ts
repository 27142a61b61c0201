import { AggregatorRegistry } from 'prom-client';
import type { ProxyAddresses, ProxyServer } from '../server';
import { formatListenAddress } from '../config/listen-address';
import { type WorkerMessage, isPrimaryMessage } from './messages';

/**
 * A worker's side of the cluster: tells the primary it is serving, answers its status requests,
 * and hands its metrics registry to prom-client's cluster aggregation.
 */
export function linkToPrimary(server: ProxyServer, addresses: ProxyAddresses): void {
  AggregatorRegistry.setRegistries([server.metrics.registry]);
  // prom-client installs a worker's reply to the primary's metrics requests in this constructor.
  new AggregatorRegistry();
  const send = (m: WorkerMessage) => process.send?.(m);
  process.on('message', (message: unknown) => {
    if (isPrimaryMessage(message)) send({ type: 'hpcg:status', requestId: message.requestId, status: server.status() });
  });
  send({
    type: 'hpcg:ready',
    listen: formatListenAddress({ host: addresses.public.address, port: addresses.public.port }),
    api: formatListenAddress({ host: addresses.api.address, port: addresses.api.port }),
  });
}
