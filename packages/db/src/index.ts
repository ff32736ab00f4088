export { createDb, withTx, PREPARED_STATEMENT, type Db, type Tx, type DbOrTx, type DbHandle } from './db';
export { copyFromStdin, type CopyInStream } from './copy';
export type * from './schema';
export { migrateToLatest } from './migrate';
export { translatePgError } from './pg-errors';
export { sql, type RawBuilder } from 'kysely';
export { CHINA_TZ_SQL, inChinaTime, chinaDayStart, chinaDayEnd, chinaDateText, chinaPart } from './china-time.sql';
export { createReadRouting, type ClientSource, type ReadRouting, type ReplicaState, type ReplicaStatus } from './replica';
export { pingDatabase } from './server.repository';
