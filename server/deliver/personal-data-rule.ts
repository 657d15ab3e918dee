/*
 * Whether the people a schedule's target reaches (its `audience` role) may
 * see personal data, read from the access policy as it stands
 * (server/security/policy.ts): the policy's own /meta filter is asked
 * whether it keeps an `email` member for that role. Asking the policy, not a
 * copy of its table, keeps the rule written in one place.
 */
import { filterMeta, type MetaCube } from '../security/policy.js';
import type { Role } from '../security/roles.js';

const PROBE: MetaCube = { name: 'probe', type: 'cube', dimensions: [{ name: 'probe.email' }] };

export function mayReceivePersonalData(role: Role): boolean {
  const principal = { role, team: role === 'team' ? 'probe' : undefined, channels: role === 'agency' ? ['probe'] : undefined };
  const [cube] = filterMeta(principal, [PROBE], new Map());
  return (cube?.dimensions ?? []).length === 1;
}
