import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { findTaxaByName } from '@biomon/taxa';
import type { AppContext } from '@biomon/runtime';
import { errorResponses } from '@biomon/http';

const TaxonMatch = Type.Object({
  id: Type.Integer(),
  scientificName: Type.String(),
  chineseName: Type.Union([Type.String(), Type.Null()]),
  rank: Type.String(),
  protectionClass: Type.Union([Type.String(), Type.Null()]),
  sensitive: Type.Boolean(),
  invasive: Type.Boolean(),
  matchedAs: Type.String(),
});

export const taxaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/taxa',
    {
      schema: {
        summary: 'Look a taxon up in the checklist by scientific name, synonym or Chinese name (物种名录查询)',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ taxa: Type.Array(TaxonMatch) }), ...errorResponses },
      },
    },
    async (req) => ({ taxa: await findTaxaByName(ctx.dbRead, req.query.name) }),
  );
};
