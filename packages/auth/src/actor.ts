import type { Role } from './token';
import type { Principal } from './token.repository';

/**
 * The role an actor acts in: a token's role, `public` (a request without a token), `system` (the
 * platform's own work: jobs, seeds, imports replayed by the worker) or `cli` (an operator at the
 * `biomon` command; audit rows name it so).
 */
export type ActorRole = Role | 'public' | 'system' | 'cli';

/**
 * Who acts or asks — the one request context of the platform. Every service takes an Actor, or a
 * `Pick<Actor, …>` of what it needs; a request's actor is `actorOf(request.principal)`. The scope
 * fields say what a role is limited to (a surveyor's team, a station's own station, a
 * department's own tasks); absent or null means none. Who sees exact positions of sensitive data
 * is decided from an actor by @biomon/sensitive (`seesExact`), nowhere else.
 */
export interface Actor {
  /** the token it acts with; null for public and system actors */
  readonly tokenId: string | null;
  readonly role: ActorRole;
  /** the name audit rows and histories record: the token's label, else its role */
  readonly label: string;
  /** a surveyor's team */
  readonly team?: string | null;
  /** a station token's station */
  readonly stationId?: string | null;
  /** a department token's department */
  readonly departmentId?: number | null;
  readonly departmentName?: string | null;
}

/** A request without a token. */
export const PUBLIC_ACTOR: Actor = Object.freeze({
  tokenId: null,
  role: 'public',
  label: 'public',
  team: null,
  stationId: null,
  departmentId: null,
  departmentName: null,
});

/** The platform itself (jobs, schedulers, seeds): may do and see everything. */
export const SYSTEM_ACTOR: Actor = Object.freeze({
  tokenId: null,
  role: 'system',
  label: 'system',
  team: null,
  stationId: null,
  departmentId: null,
  departmentName: null,
});

/** The actor of a request's principal (the token it sent); a request without a token acts as PUBLIC_ACTOR. */
export function actorOf(p: Principal | null | undefined): Actor {
  if (!p) return PUBLIC_ACTOR;
  return {
    tokenId: p.tokenId,
    role: p.role,
    label: p.label || p.role,
    team: p.team,
    stationId: p.stationId,
    departmentId: p.departmentId,
    departmentName: p.departmentName,
  };
}

/**
 * Whether the actor reads every team's, station's and department's data (admins, evaluators and
 * the platform); everyone else is held to their own scope. What they see of sensitive positions
 * is a separate question, answered by @biomon/sensitive.
 */
export function readsEveryScope(a: Pick<Actor, 'role'>): boolean {
  return a.role === 'admin' || a.role === 'evaluator' || a.role === 'system';
}
