/**
 * OGC API – Features – Part 1: Core (OGC 17-069r4): the landing page, conformance, collections
 * and items documents, with the links a client such as GDAL's OAPIF driver or QGIS follows
 * (self, alternate, service-desc, conformance, data, items, collection, next). GeoJSON only,
 * CRS84 only.
 */
import type { Db } from '@biomon/db';
import { AppError, type CursorCodec } from '@biomon/core';
import type { Viewer } from '@biomon/sensitive';
import { findCollection, listCollections, type CollectionDef, type Extent, type ItemsQuery } from './ogc-collections';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];
export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
/** Items per page: default and maximum. */
export const OGC_DEFAULT_LIMIT = 100;
export const OGC_MAX_LIMIT = 10_000;

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** Where links point: the absolute base of the OGC API (`https://host/ogc`). */
export interface OgcBase {
  base: string;
}

const link = (href: string, rel: string, type?: string, title?: string): Link => ({ href, rel, ...(type ? { type } : {}), ...(title ? { title } : {}) });

export function landingPage({ base }: OgcBase) {
  return {
    title: '吉林省生物多样性监测数据平台 biomon — OGC API – Features',
    description:
      'Open data of the Jilin Province biodiversity monitoring platform: occurrences (sensitive species generalised), survey events, stations, reference layers and indicator results. GeoJSON, CRS84.',
    links: [
      link(base, 'self', JSON_TYPE, 'This document'),
      link(`${base}/api`, 'service-desc', OPENAPI_TYPE, 'The API definition (OpenAPI 3.0)'),
      link(`${base.replace(/\/ogc$/, '')}/docs`, 'service-doc', 'text/html', 'The API documentation'),
      link(`${base}/conformance`, 'conformance', JSON_TYPE, 'Conformance classes'),
      link(`${base}/conformance`, 'http://www.opengis.net/def/rel/ogc/1.0/conformance', JSON_TYPE, 'Conformance classes'),
      link(`${base}/collections`, 'data', JSON_TYPE, 'Feature collections'),
      link(`${base}/collections`, 'http://www.opengis.net/def/rel/ogc/1.0/data', JSON_TYPE, 'Feature collections'),
    ],
  };
}

export const conformance = () => ({ conformsTo: CONFORMANCE });

function extentDoc(e: Extent) {
  return {
    spatial: { bbox: [e.bbox ?? [-180, -90, 180, 90]], crs: CRS84 },
    ...(e.interval ? { temporal: { interval: [e.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
  };
}

async function collectionDoc(db: Db, c: CollectionDef, { base }: OgcBase, viewer: Viewer) {
  const self = `${base}/collections/${encodeURIComponent(c.id)}`;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: extentDoc(await c.extent(db, viewer)),
    links: [
      link(self, 'self', JSON_TYPE, 'This collection'),
      link(`${self}/items`, 'items', GEOJSON, 'Features as GeoJSON'),
      link(`${self}/items?f=json`, 'items', JSON_TYPE, 'Features as JSON'),
    ],
  };
}

export async function collectionsDoc(db: Db, b: OgcBase, viewer: Viewer) {
  const all = await listCollections(db);
  return {
    links: [link(`${b.base}/collections`, 'self', JSON_TYPE, 'This document')],
    collections: await Promise.all(all.map((c) => collectionDoc(db, c, b, viewer))),
  };
}

async function mustFind(db: Db, id: string): Promise<CollectionDef> {
  const c = await findCollection(db, id);
  if (!c) throw new AppError('NOT_FOUND', `No collection ${id}`);
  return c;
}

export async function oneCollectionDoc(db: Db, id: string, b: OgcBase, viewer: Viewer) {
  return collectionDoc(db, await mustFind(db, id), b, viewer);
}

export interface ItemsRequest extends Omit<ItemsQuery, 'after'> {
  /** The request's own query string parameters, to rebuild self/next links. */
  params: Record<string, string>;
  asJson: boolean;
  /** `next` of the request: a sealed cursor of a previous page's next link */
  next?: string;
}

/** The kind of the paging cursors of a collection's items (a cursor of one collection is refused by another). */
const cursorKind = (collectionId: string) => `ogc:${collectionId}`;

export async function itemsDoc(db: Db, id: string, q: ItemsRequest, viewer: Viewer, b: OgcBase, cursors: CursorCodec) {
  const c = await mustFind(db, id);
  const after = q.next ? cursors.decodeId(cursorKind(c.id), q.next, 'querystring.next') : undefined;
  const page = await c.items(db, { ...q, after }, viewer);
  const itemsUrl = `${b.base}/collections/${encodeURIComponent(c.id)}/items`;
  const qs = (p: Record<string, string>) => {
    const s = new URLSearchParams(p).toString();
    return s ? `?${s}` : '';
  };
  const own = { ...q.params };
  delete own.f;
  const links: Link[] = [
    link(`${itemsUrl}${qs(q.asJson ? { ...own, f: 'json' } : own)}`, 'self', q.asJson ? JSON_TYPE : GEOJSON, 'This page'),
    link(`${itemsUrl}${qs(q.asJson ? own : { ...own, f: 'json' })}`, 'alternate', q.asJson ? GEOJSON : JSON_TYPE, 'This page in the other encoding'),
    link(`${b.base}/collections/${encodeURIComponent(c.id)}`, 'collection', JSON_TYPE, 'The collection'),
  ];
  if (page.next !== null) {
    const p = { ...own, limit: String(q.limit), next: cursors.encode(cursorKind(c.id), [page.next]), ...(q.asJson ? { f: 'json' } : {}) };
    links.push(link(`${itemsUrl}${qs(p)}`, 'next', q.asJson ? JSON_TYPE : GEOJSON, 'Next page'));
  }
  return {
    type: 'FeatureCollection' as const,
    timeStamp: new Date().toISOString(),
    ...(page.numberMatched === null ? {} : { numberMatched: page.numberMatched }),
    numberReturned: page.features.length,
    features: page.features,
    links,
  };
}

export async function itemDoc(db: Db, id: string, featureId: string, viewer: Viewer, b: OgcBase, asJson: boolean) {
  const c = await mustFind(db, id);
  const f = await c.item(db, featureId, viewer);
  if (!f) throw new AppError('NOT_FOUND', `No feature ${featureId} in ${id}`);
  const self = `${b.base}/collections/${encodeURIComponent(c.id)}/items/${encodeURIComponent(featureId)}`;
  return {
    ...f,
    links: [
      link(asJson ? `${self}?f=json` : self, 'self', asJson ? JSON_TYPE : GEOJSON, 'This feature'),
      link(asJson ? self : `${self}?f=json`, 'alternate', asJson ? GEOJSON : JSON_TYPE, 'This feature in the other encoding'),
      link(`${b.base}/collections/${encodeURIComponent(c.id)}`, 'collection', JSON_TYPE, 'The collection'),
    ],
  };
}
