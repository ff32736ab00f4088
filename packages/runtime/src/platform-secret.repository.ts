import type { Db } from '@biomon/db';

/** The SQL of `platform_secrets`: secrets every process of the platform shares, generated once. */

/** The secret `name`: `generated` stored unless one is already (the first writer wins), then the stored one read. */
export async function platformSecret(db: Db, name: string, generated: Buffer): Promise<Buffer> {
  await db
    .insertInto('platform_secrets')
    .values({ name, value: generated })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('platform_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value);
}
