export { ROLES, generateToken, hashToken, tokenPrefix, type Role, type CallerRole } from './token';
export {
  createToken, findPrincipal, listTokens, revokeToken, revokeTokensByLabelPrefix,
  type TokenScope, type Principal, type TokenListItem,
} from './token.repository';
export { writeAudit, type AuditEntry, type AuditActor } from './audit.repository';
export { ACCESS_MATRIX, accessFor, type Access } from './access-matrix';
