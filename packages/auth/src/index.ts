export { ROLES, generateToken, hashToken, tokenPrefix, type Role, type CallerRole } from './token';
export {
  createToken,
  findPrincipal,
  listTokens,
  revokeToken,
  revokeTokensByLabelPrefix,
  revokeStationTokens,
  type TokenScope,
  type Principal,
  type TokenListItem,
} from './token.repository';
export { writeAudit, listAuditEntries, type AuditEntry, type AuditFilter } from './audit.repository';
export { actorOf, readsEveryScope, PUBLIC_ACTOR, SYSTEM_ACTOR, type Actor, type ActorRole } from './actor';
export { ACCESS_MATRIX, accessFor, type Access } from './access-matrix';
