export { ROLES, generateToken, hashToken, tokenPrefix, type Role, type CallerRole } from './token';
export {
  createToken, findPrincipal, listTokens, revokeToken, revokeTokensByLabelPrefix,
  type TokenScope, type Principal, type TokenListItem,
} from './token.repository';
export { writeAudit, type AuditEntry } from './audit.repository';
export { actorOf, readsEveryScope, PUBLIC_ACTOR, SYSTEM_ACTOR, type Actor, type ActorRole } from './actor';
export { ACCESS_MATRIX, accessFor, type Access } from './access-matrix';
