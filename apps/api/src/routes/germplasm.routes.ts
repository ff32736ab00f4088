import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageLimit } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  DOMAINS,
  INSTITUTION_TYPES,
  MAX_ACCESSION_BATCH,
  MCPD_CONTENT_TYPES,
  accessionCount,
  exportMcpd,
  getInstitutions,
  ingestAccessions,
  readAccessions,
  saveInstitution,
  type AccessionFilter,
  type McpdFormat,
} from '@biomon/germplasm';
import { errorResponses, fileResponse, ref } from '@biomon/http';
import { GermplasmAccessionPage, GermplasmBatchResult, GermplasmInstitution } from '../schemas/germplasm.schemas';

const CURSOR_KIND = 'germplasm-accessions';
/** 5,000 passports of ~1 KB each, with room. */
const BODY_LIMIT = 16 * 1024 * 1024;

const AccessionFilters = {
  taxon: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'scientific or Chinese name; synonyms and infraspecific taxa included' })),
  institution: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$', description: 'INSTCODE' })),
  domain: Type.Optional(Type.Union(DOMAINS.map((d) => Type.Literal(d)))),
  storage: Type.Optional(Type.Integer({ minimum: 10, maximum: 99, description: 'MCPD STORAGE code held (one of the multi-values)' })),
  sampstat: Type.Optional(Type.Integer({ minimum: 100, maximum: 999, description: 'MCPD SAMPSTAT code' })),
};

const filterOf = (q: { taxon?: string; institution?: string; domain?: string; storage?: number; sampstat?: number }): AccessionFilter => ({
  taxon: q.taxon,
  institution: q.institution,
  domain: q.domain,
  storage: q.storage,
  sampstat: q.sampstat,
});

/** The germplasm registry (种质资源登记, issue 20): institutions and MCPD v2.1 accessions; reads public, writes admin and department. */
export const germplasmRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/germplasm/institutions',
    {
      schema: {
        summary: 'Germplasm holding institutions (种质资源保存机构): seed banks, botanical gardens, breeding farms, culture collections, rescue centres',
        tags: ['api'],
        querystring: Type.Object({ type: Type.Optional(Type.Union(INSTITUTION_TYPES.map((t) => Type.Literal(t)))) }, { additionalProperties: false }),
        response: { 200: Type.Object({ institutions: Type.Array(ref(GermplasmInstitution)) }), ...errorResponses },
      },
    },
    async (req) => ({ institutions: await getInstitutions(ctx.dbRead, { type: req.query.type }) }),
  );

  r.post(
    '/v1/germplasm/institutions',
    {
      schema: {
        summary: 'Register or update a germplasm institution (登记保存机构) by its code (MCPD INSTCODE); 201 when new, 200 when updated',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 40, description: 'MCPD INSTCODE (FAO WIEWS, e.g. CHN001) or a provincial code (e.g. JL-GB-001)' }),
            name: Type.String({ minLength: 1, maxLength: 300 }),
            nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
            type: Type.Union(INSTITUTION_TYPES.map((t) => Type.Literal(t))),
            location: Type.Optional(
              Type.Union([
                Type.Object(
                  { type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }) },
                  { description: 'WGS84 [lon, lat]' },
                ),
                Type.Null(),
              ]),
            ),
            address: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
            department: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ institution: ref(GermplasmInstitution), created: Type.Boolean() }),
          201: Type.Object({ institution: ref(GermplasmInstitution), created: Type.Boolean() }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const out = await saveInstitution(ctx.db, req.body, { actor: actorOf(req.principal), route: 'POST /v1/germplasm/institutions' });
      reply.status(out.created ? 201 : 200);
      return out;
    },
  );

  r.get(
    '/v1/germplasm/accessions',
    {
      schema: {
        summary: 'Germplasm accessions (种质资源编目) with their MCPD v2.1 passports; collecting sites of sensitive taxa generalised below evaluator',
        description:
          'Filters: taxon (Chinese or Latin, synonyms and infraspecific taxa included), institution, domain, storage, sampstat. Paged by id; follow nextCursor.',
        tags: ['api'],
        querystring: Type.Object(
          {
            ...AccessionFilters,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: GermplasmAccessionPage, ...errorResponses },
      },
    },
    async (req) => {
      const limit = pageLimit(req.query.limit, 100);
      const cursors = await ctx.cursors();
      const filter = filterOf(req.query);
      const afterId = req.query.cursor ? String(cursors.decodeId(CURSOR_KIND, req.query.cursor)) : undefined;
      const { accessions, lastId } = await readAccessions(ctx.dbRead, actorOf(req.principal), { ...filter, limit, afterId });
      const total = await accessionCount(ctx.dbRead, filter);
      return { accessions, total, nextCursor: accessions.length === limit && lastId !== null ? cursors.encode(CURSOR_KIND, [Number(lastId)]) : null };
    },
  );

  r.get(
    '/v1/germplasm/accessions/export',
    {
      schema: {
        summary: 'Download accessions as an MCPD v2.1 file (导出 MCPD): CSV (UTF-8 with BOM), TSV or Excel, the standard column names then DOMAIN',
        description: 'The filters of GET /v1/germplasm/accessions. Multi-values stay separated by ;. Sensitive collecting sites generalised below evaluator.',
        tags: ['api'],
        querystring: Type.Object(
          { ...AccessionFilters, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('tsv'), Type.Literal('xlsx')], { default: 'csv' })) },
          { additionalProperties: false },
        ),
        response: {
          200: fileResponse(
            'The MCPD file',
            Object.values(MCPD_CONTENT_TYPES).map((t) => t.split(';')[0]),
          ),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const format: McpdFormat = req.query.format ?? 'csv';
      const body = exportMcpd(ctx.dbRead, actorOf(req.principal), filterOf(req.query), format);
      const first = await body.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* body;
      }
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      reply
        .type(MCPD_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="biomon-mcpd-${stamp}.${format}"`)
        .header('cache-control', 'private, no-store');
      return reply.send(Readable.from(all(), { objectMode: false }));
    },
  );

  r.post(
    '/v1/germplasm/accessions',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: `Register accessions (登记种质资源): up to ${MAX_ACCESSION_BATCH} MCPD v2.1 passports, upserted by (INSTCODE, ACCENUMB)`,
        description:
          'Each record is an object of MCPD descriptor names (and DOMAIN: crop, livestock, aquatic, wild_plant, medicinal_plant, microbial). Multi-values separated by ;. Files (CSV/TSV/XLSX) go through POST /v1/imports. 200 with the batch answer; 422 BATCH_REJECTED when nothing was stored.',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          { records: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: MAX_ACCESSION_BATCH }) },
          { additionalProperties: false },
        ),
        response: { 200: GermplasmBatchResult, ...errorResponses },
      },
    },
    async (req) => ingestAccessions(ctx.db, req.body.records, { actor: actorOf(req.principal), route: 'POST /v1/germplasm/accessions' }),
  );
};
