export { loadLedgerSeed, type LedgerSeed } from './ledger-seed';
export {
  PROGRESS_STATUSES,
  STATUS_LABELS,
  isOverdue,
  isDueWithin,
  type ProgressStatus,
  type Timeline,
} from './overdue';
export { DATA_LINKS, FLAGSHIP_SPECIES } from './ledger-links';
export {
  listTasks,
  getTask,
  reportProgress,
  departmentSummaries,
  ledgerSnapshot,
  resolveAsOf,
  DUE_SOON_DAYS,
  type TaskOut,
  type TaskDetailOut,
  type TaskFilters,
  type ProgressOut,
  type ProgressInput,
  type LinkOut,
  type LinkedIndicatorOut,
  type LinkedDataOut,
  type DepartmentSummary,
  type StatusCounts,
} from './ledger.service';
export { provinceRegion, type EvidenceItem } from './ledger.repository';
export { storeEvidenceFile, openEvidenceFile, findFile, cleanFileName, MAX_EVIDENCE_BYTES, type FileOut, type FileRow } from './evidence-file.service';
export { EVIDENCE_TYPES, ACCEPTED_EXTENSIONS, detectEvidenceType, sniffHead, extensionContradicts, type EvidenceType } from './file-type';
