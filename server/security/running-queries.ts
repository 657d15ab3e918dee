/*
 * Whose query a request id is. Cube cancels every queued or running query
 * whose request id (the client's `x-request-id`, or `traceparent`) matches,
 * and answers with the cancelled queries, SQL and bound values included —
 * for any caller. Here a request id belongs to the token subject that sent
 * it while its request runs: another subject cannot cancel it, read it, or
 * reuse the id for a request of its own (409).
 *
 * The owner is the token's `sub`; a token without one is owned by its role
 * and scope (two such tokens of the same role and scope are one owner).
 * Limits: per process (behind a load balancer, a cancel must reach the
 * instance that runs the query, as with Cube itself).
 */
import type { Principal } from './roles.js';

/** Cube's own reading of a request id: the UUID before a `-span-N` suffix (@cubejs-backend/shared extractRequestUUID). */
export function requestUuid(requestId: string): string {
  const i = requestId.lastIndexOf('-span-');
  return i === -1 ? requestId : requestId.slice(0, i);
}

export function ownerOf(p: Principal): string {
  return p.sub ? `sub:${p.sub}` : `role:${p.role}:${p.team ?? ''}:${(p.channels ?? []).join(',')}`;
}

export class RunningQueries {
  private readonly owners = new Map<string, { owner: string; count: number }>();

  /** Registers a request id for its owner; false when another owner's request holds it. */
  start(requestId: string, owner: string): boolean {
    const key = requestUuid(requestId);
    const held = this.owners.get(key);
    if (held && held.owner !== owner) return false;
    this.owners.set(key, { owner, count: (held?.count ?? 0) + 1 });
    return true;
  }

  finish(requestId: string): void {
    const key = requestUuid(requestId);
    const held = this.owners.get(key);
    if (!held) return;
    if (--held.count <= 0) this.owners.delete(key);
  }

  /** Whether the owner has a request running under this id. */
  owns(requestId: string, owner: string): boolean {
    return this.owners.get(requestUuid(requestId))?.owner === owner;
  }
}
