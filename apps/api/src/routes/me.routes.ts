import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/runtime';
import { errorResponses } from '@biomon/http';

const Me = Type.Object({
  role: Type.String(),
  label: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  stationId: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.Union([Type.Integer(), Type.Null()]),
  departmentName: Type.Union([Type.String(), Type.Null()]),
});

/** GET /v1/me: who the bearer token is — so a client (the dashboard) can adapt to the role and scope. */
export const meRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app) => {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/me',
    {
      schema: {
        summary: "The caller's token: role and scope (team, station, department) (当前令牌的角色与范围)",
        tags: ['api'],
        security: [{ bearer: [] }],
        response: { 200: Me, ...errorResponses },
      },
    },
    async (req) => {
      const p = req.principal!;
      return { role: p.role, label: p.label, team: p.team, stationId: p.stationId, departmentId: p.departmentId, departmentName: p.departmentName };
    },
  );
};
