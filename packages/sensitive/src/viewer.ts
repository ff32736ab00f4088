/**
 * Who is looking. Every output of occurrence, event or station data is shaped for a viewer by this
 * package (BRIEF §8): evaluators and admins (and the platform itself) see exact positions; every
 * other caller — public, surveyors, departments, stations — sees sensitive rows generalised. A
 * camera-trap station sees its own position exactly.
 */
export interface Viewer {
  readonly role: string;
  /** A station token's station: it sees that station's own position exactly. */
  readonly stationId?: string | null;
}

export const PUBLIC_VIEWER: Viewer = Object.freeze({ role: 'public' });
/** The platform's own work (indicator runs, alerts for privileged subscribers, evaluator exports). */
export const SYSTEM_VIEWER: Viewer = Object.freeze({ role: 'system' });

const EXACT_ROLES = new Set(['admin', 'evaluator', 'system']);

/** Whether the viewer sees exact positions of sensitive rows. */
export function seesExact(v: Viewer | null | undefined): boolean {
  return !!v && EXACT_ROLES.has(v.role);
}

/** The viewer of a request's principal (null: no token). */
export function viewerOf(p: { role: string; stationId?: string | null } | null | undefined): Viewer {
  return p ? { role: p.role, stationId: p.stationId ?? null } : PUBLIC_VIEWER;
}
