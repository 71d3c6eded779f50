export {
  appendAuditRecord,
  AuditChainConflictError,
  GENESIS_HASH,
  hashRecord,
} from './auditChain';
export type { AuditAction, AuditEntry, StoredAuditRecord } from './auditChain';
export { AuditLog } from './AuditLog';
export type {
  AuditAppendedListener,
  AuditChainHead,
  AuditFilter,
  AuditListOptions,
  AuditPage,
  AuditRecordKeeper,
  AuditRecordView,
  AuditVerification,
  AuditVerifyOptions,
} from './AuditLog';
export { auditVerifyQuerySchema } from './auditAnchors';
export type { AuditAnchor } from './auditAnchors';
export { AuditEventForwarder } from './AuditEventForwarder';
export { AUDIT_CSV_HEADER } from './formatAuditExport';
export type { AuditExportFormat } from './formatAuditExport';
