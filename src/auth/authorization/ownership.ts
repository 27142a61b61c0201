import type { Principal } from '../principal';

/**
 * Ownership rules, in one place: a user reaches only rows they own; administrators reach all.
 * Services apply these to what they load, and answer "not found" (never "forbidden") for a row the
 * caller does not own, so nobody learns what exists of other users.
 */
export function mayAccess(p: Principal, ownerUserId: number): boolean {
  return p.admin || p.userId === ownerUserId;
}

/** The owner filter for list queries: undefined (everyone's) for administrators, else the caller. */
export function ownerFilter(p: Principal): number | undefined {
  return p.admin ? undefined : p.userId;
}

/** Whether the caller may act on another named user's account (tokens, listings). */
export function mayManageUser(p: Principal, userId: number): boolean {
  return !p.actingService && (p.admin || p.userId === userId);
}
