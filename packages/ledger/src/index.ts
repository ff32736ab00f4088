export { loadLedgerSeed, type LedgerSeed } from './ledger-seed';
