/** Round robin over the members that are in rotation, skipping one (the member a retry must avoid). */
export class RoundRobin<T extends { health: { healthy: boolean } }> {
  private next = 0;

  constructor(private readonly members: readonly T[]) {}

  pick(exclude: T | null = null): T | null {
    const n = this.members.length;
    for (let i = 0; i < n; i++) {
      const index = (this.next + i) % n;
      const m = this.members[index];
      if (m.health.healthy && m !== exclude) {
        this.next = (index + 1) % n;
        return m;
      }
    }
    return null;
  }
}
