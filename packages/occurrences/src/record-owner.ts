import type { Actor } from '@biomon/auth';

/** Who owns a record or event: the team of the surveyors that created it, or the station that did. */
export interface Owner {
  team: string | null;
  owner_station: string | null;
}

/** What the ownership rule needs of an actor. */
type Writer = Pick<Actor, 'role' | 'team' | 'stationId'>;

/**
 * BRIEF §8: a record or event may be changed only by its owner — surveyors of the creating team,
 * the creating station's token — or by an admin (and the platform itself).
 */
export function mayEdit(actor: Writer, owner: Owner): boolean {
  if (actor.role === 'admin' || actor.role === 'system') return true;
  if (actor.role === 'station') return !!actor.stationId && owner.owner_station === actor.stationId;
  if (actor.role === 'surveyor') return owner.owner_station === null && owner.team !== null && owner.team === actor.team;
  return false;
}

/** The owner a new record or event gets from its creator. */
export function ownerOf(actor: Writer): Owner {
  return { team: actor.team ?? null, owner_station: actor.role === 'station' ? (actor.stationId ?? null) : null };
}
