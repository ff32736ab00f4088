import type { Actor } from '@biomon/auth';

/**
 * Who is looking: what this projection needs of an Actor (@biomon/auth). Every output of
 * occurrence, event or station data is shaped for a viewer by this package (BRIEF §8):
 * evaluators and admins (and the platform itself) see exact positions; every other caller —
 * public, surveyors, departments, stations — sees sensitive rows generalised. A camera-trap
 * station sees its own position exactly. Any Actor is a Viewer.
 */
export type Viewer = Pick<Actor, 'role' | 'stationId'>;

export const PUBLIC_VIEWER: Viewer = Object.freeze({ role: 'public' });
/** The platform's own work (indicator runs, alerts for privileged subscribers, evaluator exports). */
export const SYSTEM_VIEWER: Viewer = Object.freeze({ role: 'system' });

const EXACT_ROLES: ReadonlySet<Viewer['role']> = new Set(['admin', 'evaluator', 'system']);

/**
 * Whether the viewer sees exact positions of sensitive rows — and so sensitive data at all where
 * it cannot be generalised (sensitive-species alerts): the one place that decides it.
 */
export function seesExact(v: Viewer | null | undefined): boolean {
  return !!v && EXACT_ROLES.has(v.role);
}

/** The viewer of an actor or a request's principal (null: no token): its role and station, nothing else. */
export function viewerOf(p: Viewer | null | undefined): Viewer {
  return p ? { role: p.role, stationId: p.stationId ?? null } : PUBLIC_VIEWER;
}
