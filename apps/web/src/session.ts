import { ApiError, get, getToken, setToken } from './api';

/** The signed-in token's role and scope (GET /v1/me), or null for the public. */
export interface Me {
  role: 'admin' | 'surveyor' | 'station' | 'evaluator' | 'department';
  label: string;
  team: string | null;
  stationId: string | null;
  departmentId: number | null;
  departmentName: string | null;
}

let me: Me | null = null;

export function currentUser(): Me | null {
  return me;
}

/** Restores the session of this tab (token in sessionStorage); a revoked token signs out. */
export async function restoreSession(): Promise<void> {
  if (!getToken()) return;
  try {
    me = await get<Me>('/v1/me', {}, { fresh: true });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setToken(null);
    me = null;
  }
}

/** Checks the token with the API and keeps it for this tab; throws ApiError when refused. */
export async function signIn(token: string): Promise<Me> {
  const previous = getToken();
  setToken(token.trim());
  try {
    me = await get<Me>('/v1/me', {}, { fresh: true });
    return me;
  } catch (err) {
    setToken(previous);
    throw err;
  }
}

export function signOut(): void {
  setToken(null);
  me = null;
}

const is = (...roles: Me['role'][]) => me !== null && (me.role === 'admin' || roles.includes(me.role));

/** What the role may do (the API decides; the UI only hides what would be refused). */
export const can = {
  seeStations: () => is('evaluator', 'station', 'department'),
  upload: () => is('surveyor', 'station'),
  viewImports: () => is('surveyor', 'station', 'evaluator'),
  handleAlerts: () => is('evaluator'),
  seeExactPoints: () => is('evaluator'),
  /** a department on a task it is linked to (responsible or implementing); admin on any */
  reportProgress: (task: { departments: string[]; implementingDepartments: string[] }) =>
    me !== null &&
    (me.role === 'admin' ||
      (me.role === 'department' && me.departmentName !== null && [...task.departments, ...task.implementingDepartments].includes(me.departmentName))),
};
