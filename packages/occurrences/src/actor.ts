/** Who writes: enough to authorise per team, attribute the change and audit it. */
export interface Actor {
  tokenId: string | null;
  role: string;
  team: string | null;
  label: string;
  stationId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { tokenId: null, role: 'system', team: null, label: 'system' };
