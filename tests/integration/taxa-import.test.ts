import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { sql } from '@biomon/db';
import { findTaxaByName } from '@biomon/taxa';
import { createTestContext, type TestContext } from '../support/test-db';
import { runCli, SHARED_DATA } from '../support/cli';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const LISTS = path.join(SHARED_DATA, 'species-lists');

describe('biomon taxa import (the 2021 national lists)', () => {
  it('imports the animal list: 976 species and its 8 group entries', async () => {
    const res = await runCli(['taxa', 'import', path.join(LISTS, 'china-key-protected-wild-animals-2021.json')], { DATABASE_URL: t.database.url });
    expect(res.code, res.stderr).toBe(0);
    // 976 species rows, none merged (SOURCES.md §6); 8 taxonRules: 1 × I (红珊瑚科), 7 × II
    expect(JSON.parse(res.stdout)).toMatchObject({ taxa: 976, inserted: 976, updated: 0, rules: 8 });
  });

  it('imports the plant list: 455 taxa (the Taiwania flousiana row is a synonym) and 40 group entries', async () => {
    const res = await runCli(['taxa', 'import', path.join(LISTS, 'china-key-protected-wild-plants-2021.json')], { DATABASE_URL: t.database.url });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ taxa: 455, inserted: 455, updated: 0, rules: 40 });
  });

  it('stores what was imported, group entries (属 所有种) included, and is idempotent', async () => {
    const n = await sql<{ taxa: number; rules: number; i: number; ii: number }>`
      SELECT (SELECT count(*) FROM taxa WHERE rank NOT IN ('genus', 'family')) AS taxa, (SELECT count(*) FROM taxon_rules) AS rules,
             (SELECT count(*) FROM taxon_rules WHERE protection_class = 'I') AS i, (SELECT count(*) FROM taxon_rules WHERE protection_class = 'II') AS ii`.execute(
      t.ctx.db,
    );
    expect(n.rows[0]).toEqual({ taxa: 976 + 455, rules: 48, i: 1 + 4, ii: 7 + 36 });
    const groups = await t.ctx.db
      .selectFrom('taxon_rules')
      .select(['scientific_name', 'chinese_name', 'protection_class', 'rank'])
      .where('scientific_name', 'in', ['Taxus', 'Panax', 'Brachymystax'])
      .orderBy('scientific_name')
      .execute();
    expect(groups).toEqual([
      { scientific_name: 'Brachymystax', chinese_name: expect.stringContaining('细鳞鲑属'), protection_class: 'II', rank: 'genus' },
      { scientific_name: 'Panax', chinese_name: expect.stringContaining('人参属'), protection_class: 'II', rank: 'genus' },
      { scientific_name: 'Taxus', chinese_name: expect.stringContaining('红豆杉属'), protection_class: 'I', rank: 'genus' },
    ]);
    const again = await runCli(['taxa', 'import', path.join(LISTS, 'china-key-protected-wild-plants-2021.json')], { DATABASE_URL: t.database.url });
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, updated: 455 });
    const after = await sql<{
      taxa: number;
      higher: number;
    }>`SELECT count(*) FILTER (WHERE rank NOT IN ('genus', 'family')) AS taxa, count(*) FILTER (WHERE rank IN ('genus', 'family')) AS higher FROM taxa`.execute(
      t.ctx.db,
    );
    expect(after.rows[0].taxa).toBe(976 + 455);
    // every genus and family of the lists has an entry of its own ("Panthera sp.", 红豆杉属), derived once, never a species
    const genera = await sql<{ n: number }>`SELECT count(DISTINCT genus) AS n FROM taxa WHERE rank NOT IN ('genus', 'family')`.execute(t.ctx.db);
    expect(Number(after.rows[0].higher)).toBeGreaterThanOrEqual(Number(genera.rows[0].n));
    expect(await findTaxaByName(t.ctx.db, 'Panthera sp.')).toMatchObject([{ scientificName: 'Panthera', rank: 'genus', protectionClass: null }]);
    expect(await findTaxaByName(t.ctx.db, '红豆杉属')).toMatchObject([{ scientificName: 'Taxus', rank: 'genus' }]);
  });

  it('resolves Chinese names, synonyms and corrected misspellings', async () => {
    expect((await findTaxaByName(t.ctx.db, '虎'))[0]).toMatchObject({ scientificName: 'Panthera tigris', protectionClass: 'I' });
    expect((await findTaxaByName(t.ctx.db, 'Taiwania flousiana'))[0]).toMatchObject({ scientificName: 'Taiwania cryptomerioides', matchedAs: 'synonym' });
    expect((await findTaxaByName(t.ctx.db, '红隼'))[0]).toMatchObject({ scientificName: 'Falco tinnunculus' });
  });
});
