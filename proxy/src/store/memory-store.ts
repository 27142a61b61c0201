import type { RouteData } from '../routing/route';
import type { RouteTable } from '../routing/route-table';
import type { RouteStore, StoreStatus, StoredRoute } from './route-store';

/** Routes in this process only (CHP's default): for tests and single-replica sites without Redis. */
export class MemoryRouteStore implements RouteStore {
  constructor(private readonly table: RouteTable) {}

  async start(): Promise<void> {}

  async set(path: string, data: RouteData): Promise<void> {
    this.table.setApiRoute(path, data, Date.now());
  }

  async remove(path: string): Promise<boolean> {
    return this.table.removeApiRoute(path);
  }

  async get(path: string): Promise<StoredRoute | undefined> {
    const r = this.table.getApiRoute(path);
    return r && { path: r.path, data: r.data, lastActivity: r.lastActivity };
  }

  async list(): Promise<StoredRoute[]> {
    return [...this.table.listApiRoutes()].map((r) => ({ path: r.path, data: r.data, lastActivity: r.lastActivity }));
  }

  async stop(): Promise<void> {}

  status(): StoreStatus {
    return { kind: 'memory', connected: true, location: null, lastSync: null };
  }
}
