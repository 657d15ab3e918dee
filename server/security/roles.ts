/*
 * Roles: from a verified token's claims to the principal the policy reads.
 *
 *   executive         every view, every row; no personal data
 *   analyst           every view, every row, and personal data (email, names)
 *   team:<name>       only rows owned by that team (owner_team), no personal data
 *   agency:<a,b,…>    only those channels' rows, no personal data
 *
 * The role comes from the role claim (REVCYCLE_ROLE_CLAIM, default `role`):
 * `team:east_team` / `agency:seo,ads`, or `team` / `agency` with the team
 * and channels claims. An identity provider may send a list (Entra ID app
 * roles): it must hold exactly one revcycle role. A token without a role is
 * refused: nothing is granted by default. Only the token says the role; no
 * header, body or query parameter can change it.
 */
import type { SecurityConfig } from '../config.js';

export const ROLES = ['executive', 'analyst', 'team', 'agency'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  sub?: string;
  role: Role;
  team?: string;
  channels?: string[];
  /** Cube API scopes the token is limited to (meta, data, graphql, sql); absent = the role's default. */
  scopes?: string[];
  /** A read-only token (the anonymous local session, claim `read_only`): it reads, and changes nothing. */
  readOnly?: boolean;
}

export class InvalidRole extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const API_SCOPES = ['meta', 'data', 'graphql', 'sql'] as const;

function names(raw: unknown, what: string): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  const out = list.map((v) => String(v).trim()).filter(Boolean);
  for (const n of out) if (!NAME.test(n)) throw new InvalidRole(`${what} "${n}" is not a valid name`);
  return [...new Set(out)];
}

function oneRole(raw: unknown, claim: string): string {
  const candidates = (Array.isArray(raw) ? raw : [raw])
    .filter((r): r is string => typeof r === 'string')
    .filter((r) => (ROLES as readonly string[]).includes(r.split(':')[0]!));
  if (candidates.length === 0) {
    const got = raw === undefined ? 'absent' : JSON.stringify(raw).slice(0, 80);
    throw new InvalidRole(
      `the token carries no role (claim "${claim}" is ${got}; expected executive, analyst, team:<name> or agency:<channels>)`,
    );
  }
  if (candidates.length > 1)
    throw new InvalidRole(`the token carries several roles (${candidates.join(', ')}); it must carry exactly one`);
  return candidates[0]!;
}

/** The claim names of this server's own tokens (npm run token, /api/session). */
export const OWN_CLAIMS: SecurityConfig['claims'] = { role: 'role', team: 'team', channels: 'channels' };

/** The principal of verified claims; throws InvalidRole naming what is wrong. */
export function principalFromClaims(claims: Record<string, unknown>, claimNames: SecurityConfig['claims']): Principal {
  const [role, arg] = oneRole(claims[claimNames.role], claimNames.role).split(/:(.*)/s) as [Role, string | undefined];
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  let scopes: string[] | undefined;
  if (claims.scopes !== undefined) {
    if (!Array.isArray(claims.scopes)) throw new InvalidRole('scopes must be a list');
    scopes = claims.scopes.filter((s): s is string => (API_SCOPES as readonly string[]).includes(s as string));
  }
  const base = { sub, ...(scopes ? { scopes } : {}), ...(claims.read_only === true ? { readOnly: true } : {}) };
  if (role === 'team') {
    const teams = names(arg ?? claims[claimNames.team], 'team');
    if (teams.length !== 1) throw new InvalidRole('a team role needs exactly one team (team:<name>, or the team claim)');
    return { ...base, role, team: teams[0] };
  }
  if (role === 'agency') {
    const channels = names(arg ?? claims[claimNames.channels], 'channel');
    if (channels.length === 0) throw new InvalidRole('an agency role needs its channels (agency:<a,b>, or the channels claim)');
    return { ...base, role, channels };
  }
  if (arg !== undefined) throw new InvalidRole(`the role "${role}" takes no argument`);
  return { ...base, role };
}

/** The claims of a token this server signs for a principal (npm run token, /api/session). */
export function claimsOfPrincipal(p: Principal): {
  sub?: string;
  role: string;
  team?: string;
  channels?: string[];
  scopes?: string[];
  read_only?: true;
} {
  return {
    sub: p.sub,
    role: p.role,
    team: p.team,
    channels: p.channels,
    scopes: p.scopes,
    ...(p.readOnly ? { read_only: true as const } : {}),
  };
}
