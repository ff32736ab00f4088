import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';

// Drill 8: hostile geometries through POST /v1/layers/land-cover. Each is repaired with the area
// change reported, or rejected with the reason; never a 500, never silently dropped.

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  admin = await authAs(t, 'admin');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const sq = (x: number, y: number, s = 0.1) => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

function bigPolygon(n: number): number[][] {
  // a 200,000-vertex circle-like ring around (126, 43)
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([126 + 0.5 * Math.cos(a), 43 + 0.3 * Math.sin(a)]);
  }
  ring.push(ring[0]);
  return ring;
}

const CASES: { name: string; geometry: unknown; expect: 'repaired' | 'rejected' | 'stored' }[] = [
  {
    name: 'bowtie',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [125, 43],
          [125.1, 43.1],
          [125.1, 43],
          [125, 43.1],
          [125, 43],
        ],
      ],
    },
    expect: 'repaired',
  },
  {
    name: 'unclosed ring',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [125, 44],
          [125.1, 44],
          [125.1, 44.1],
          [125, 44.1],
        ],
      ],
    },
    expect: 'repaired',
  },
  {
    name: 'fewer than 4 points',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [125, 44],
          [125.1, 44],
          [125, 44],
        ],
      ],
    },
    expect: 'rejected',
  },
  { name: 'hole outside shell', geometry: { type: 'Polygon', coordinates: [sq(125.5, 43), sq(126.5, 43)] }, expect: 'repaired' },
  {
    name: 'spike',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [127, 43],
          [127.1, 43],
          [127.1, 43.1],
          [127.05, 43.1],
          [127.05, 43.5],
          [127.05, 43.1],
          [127, 43.1],
          [127, 43],
        ],
      ],
    },
    expect: 'repaired',
  },
  {
    name: 'duplicate vertices',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [128, 43],
          [128, 43],
          [128.1, 43],
          [128.1, 43],
          [128.1, 43.1],
          [128, 43.1],
          [128, 43],
        ],
      ],
    },
    expect: 'stored',
  },
  {
    name: '3-D coordinates',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [129, 43, 100],
          [129.1, 43, 100],
          [129.1, 43.1, 120],
          [129, 43.1, 90],
          [129, 43, 100],
        ],
      ],
    },
    expect: 'repaired',
  },
  { name: 'empty', geometry: { type: 'Polygon', coordinates: [] }, expect: 'rejected' },
  { name: 'empty ring', geometry: { type: 'Polygon', coordinates: [[]] }, expect: 'rejected' },
  { name: 'null geometry', geometry: null, expect: 'rejected' },
  {
    name: 'NaN-like coordinates',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          ['a', 43],
          [125.1, 43],
          [125.1, 43.1],
          ['a', 43],
        ],
      ],
    },
    expect: 'rejected',
  },
  {
    name: 'zero-area polygon',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [125, 45],
          [125.1, 45],
          [125.2, 45],
          [125, 45],
        ],
      ],
    },
    expect: 'rejected',
  },
  { name: '200,000-vertex polygon', geometry: { type: 'Polygon', coordinates: [bigPolygon(200_000)] }, expect: 'stored' },
];

describe('drill: invalid geometries', () => {
  it('repairs with the area change or rejects with the reason — never a 500, never silently dropped', async () => {
    const body = { type: 'FeatureCollection', features: CASES.map((c) => ({ type: 'Feature', properties: { class: 'forest' }, geometry: c.geometry })) };
    const res = await app.inject({ method: 'POST', url: '/v1/layers/land-cover?year=2024', headers: admin, payload: body });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const out = res.json() as {
      features: number;
      repaired: { index: number; reason: string; areaChangePct: number | null }[];
      rejected: { index: number; reason: string }[];
    };
    const lines: string[] = [];
    CASES.forEach((c, i) => {
      const rep = out.repaired.find((r) => r.index === i);
      const rej = out.rejected.find((r) => r.index === i);
      const got = rej ? 'rejected' : rep ? 'repaired' : 'stored';
      lines.push(`${c.name}: ${got}${rep ? ` (${rep.reason}; area change ${rep.areaChangePct} %)` : ''}${rej ? ` (${rej.reason})` : ''}`);
      expect(got, c.name).toBe(c.expect);
      if (rej) expect(rej.reason.length).toBeGreaterThan(5);
      if (rep) expect(rep.areaChangePct === null || Number.isFinite(rep.areaChangePct)).toBe(true);
    });
    // nothing silently dropped: every input is stored or listed as rejected
    expect(out.features + out.rejected.length).toBe(CASES.length);
    console.log(`drill 8:\n  ${lines.join('\n  ')}`);
  }, 120_000);
});
