import { createHash } from 'node:crypto';
import type { Db, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, invalidTextErrors, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { convertCoordinates, type InputCrs } from '@biomon/layers';
import { mayEdit, ownerOf } from './record-owner';
import { refreshSensitivity } from './sensitivity';
import { holdRulesShared, lockEvents } from './sensitivity.repository';
import { checkEventGeometries, eventOwners, setEventRegions, upsertSurveyEvents } from './survey-event.repository';
import type { BatchResult, RejectedRecord } from './batch-result';
import { DATUMS } from './dwc-vocabulary';
import { parseEventDate } from './event-date';
import { asksFootprintLength, FOOTPRINT_LENGTH_DECIMALS, FOOTPRINT_LENGTH_UNITS } from './footprint-effort';

const HUMBOLDT = [
  'samplingEffortValue',
  'samplingEffortUnit',
  'samplingEffortProtocol',
  'isAbsenceReported',
  'targetTaxonomicScope',
  'eventDurationValue',
  'eventDurationUnit',
  'totalAreaSampledValue',
  'totalAreaSampledUnit',
  'inventoryTypes',
  'protocolNames',
  'samplingPerformedBy',
  'absentTaxa',
  'taxonCompletenessReported',
];

interface PreparedEvent {
  index: number;
  eventId: string;
  parentEventId: string | null;
  samplingProtocol: string | null;
  start: Date;
  end: Date;
  sampleSizeValue: number | null;
  sampleSizeUnit: string | null;
  effortValue: number | null;
  effortUnit: string | null;
  /** the effort is the footprint's geodesic length in this unit (footprint-effort.ts), computed when stored */
  effortFromFootprint: string | null;
  absenceReported: boolean | null;
  targetScope: string | null;
  geojson: string | null;
  wkt: string | null;
  data: Record<string, unknown>;
  hash: string;
}

const s = (v: unknown): string | null => (v === undefined || v === null || String(v).trim() === '' ? null : String(v).trim());

function n(v: unknown): number | null | 'bad' {
  if (v === undefined || v === null || v === '') return null;
  const x = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(x) ? x : 'bad';
}

function bool(v: unknown): boolean | null | 'bad' {
  if (v === undefined || v === null || v === '') return null;
  if (v === true || v === 'true' || v === 'TRUE' || v === 1 || v === '1' || v === 'yes') return true;
  if (v === false || v === 'false' || v === 'FALSE' || v === 0 || v === '0' || v === 'no') return false;
  return 'bad';
}

/** A Humboldt term is accepted with or without its `eco:` prefix. */
function eco(rec: Record<string, unknown>, term: string): unknown {
  return rec[`eco:${term}`] ?? rec[term];
}

export function validateSurveyEvent(raw: unknown, index: number): { ok: true; value: PreparedEvent } | { ok: false; rejected: RejectedRecord } {
  const errors: FieldError[] = [];
  const e = (field: string, code: string, message: string) => errors.push({ field, code, message });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      rejected: {
        index,
        id: null,
        errors: [{ field: '', code: 'RECORD_NOT_OBJECT', message: 'an event must be a JSON object of Darwin Core / Humboldt terms' }],
      },
    };
  }
  const rec = raw as Record<string, unknown>;
  errors.push(...invalidTextErrors(rec)); // NUL / unpaired surrogates: TEXT_INVALID_CHARACTER naming the term
  for (const k of Object.keys(rec)) if (['__proto__', 'constructor', 'prototype'].includes(k)) e(k, 'TERM_NAME_INVALID', 'forbidden key');
  const eventId = s(rec.eventID);
  if (!eventId) e('eventID', 'EVENT_ID_MISSING', 'eventID is required: it is the idempotency key');
  let start = new Date(NaN);
  let end = new Date(NaN);
  const d = s(rec.eventDate);
  if (!d) e('eventDate', 'EVENT_DATE_MISSING', 'eventDate is required (ISO 8601 date or interval)');
  else {
    const r = parseEventDate(d);
    if (!r.ok) e('eventDate', 'EVENT_DATE_INVALID', r.reason);
    else if (r.value.start.getTime() > Date.now() + 600_000) e('eventDate', 'EVENT_DATE_IN_FUTURE', `eventDate "${d}" is in the future`);
    else ({ start, end } = r.value);
  }
  const ssv = n(rec.sampleSizeValue);
  if (ssv === 'bad' || (typeof ssv === 'number' && ssv < 0)) e('sampleSizeValue', 'NUMBER_INVALID', 'sampleSizeValue must be a non-negative number');
  if (typeof ssv === 'number' && !s(rec.sampleSizeUnit)) e('sampleSizeUnit', 'UNIT_MISSING', 'sampleSizeValue requires sampleSizeUnit');
  const sev = n(eco(rec, 'samplingEffortValue'));
  if (sev === 'bad' || (typeof sev === 'number' && sev < 0))
    e('eco:samplingEffortValue', 'NUMBER_INVALID', 'eco:samplingEffortValue must be a non-negative number');
  if (typeof sev === 'number' && !s(eco(rec, 'samplingEffortUnit')))
    e('eco:samplingEffortUnit', 'UNIT_MISSING', 'eco:samplingEffortValue requires eco:samplingEffortUnit');
  // effort = the footprint's geodesic length, computed by PostGIS when stored (footprint-effort.ts)
  let effortFromFootprint: string | null = null;
  if (sev === null && asksFootprintLength(s(eco(rec, 'samplingEffortProtocol')))) {
    const unit = s(eco(rec, 'samplingEffortUnit'))?.toLowerCase() ?? '';
    if (FOOTPRINT_LENGTH_UNITS[unit] === undefined) e('eco:samplingEffortUnit', 'UNIT_INVALID', `the footprint's length is given in km or m, not "${unit}"`);
    else effortFromFootprint = unit;
  }
  const absence = bool(eco(rec, 'isAbsenceReported'));
  if (absence === 'bad') e('eco:isAbsenceReported', 'BOOLEAN_INVALID', 'eco:isAbsenceReported must be true or false');

  let geojson: string | null = null;
  let wkt: string | null = null;
  const datumRaw = s(rec.geodeticDatum);
  const datum: InputCrs | undefined = datumRaw ? DATUMS[datumRaw.toLowerCase()] : 'wgs84';
  if (!datum) e('geodeticDatum', 'GEODETIC_DATUM_INVALID', `geodeticDatum "${datumRaw}" is not supported`);
  const g = rec.geometry;
  if (g !== undefined && g !== null) {
    const ok =
      typeof g === 'object' &&
      !Array.isArray(g) &&
      ['Point', 'LineString', 'Polygon', 'MultiLineString', 'MultiPolygon', 'MultiPoint'].includes(String((g as { type?: unknown }).type)) &&
      Array.isArray((g as { coordinates?: unknown }).coordinates);
    if (!ok) e('geometry', 'GEOMETRY_INVALID', 'geometry must be a GeoJSON Point, LineString, Polygon or Multi* geometry');
    else {
      const flat = JSON.stringify((g as { coordinates: unknown }).coordinates);
      if (/null|NaN|Infinity/.test(flat)) e('geometry', 'GEOMETRY_INVALID', 'geometry coordinates must be finite numbers');
      else
        geojson = JSON.stringify({
          type: (g as { type: string }).type,
          coordinates:
            datum && datum !== 'wgs84' ? convertCoordinates((g as { coordinates: number[] }).coordinates, datum) : (g as { coordinates: unknown }).coordinates,
        });
    }
  } else if (s(rec.footprintWKT)) {
    wkt = s(rec.footprintWKT);
    if (!/^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*\(/i.test(wkt!))
      e('footprintWKT', 'WKT_INVALID', 'footprintWKT must be a WKT POINT, LINESTRING, POLYGON or MULTI* geometry');
  } else if (rec.decimalLatitude !== undefined || rec.decimalLongitude !== undefined) {
    const lat = n(rec.decimalLatitude);
    const lon = n(rec.decimalLongitude);
    if (typeof lat !== 'number' || typeof lon !== 'number' || lat < -90 || lat > 90 || lon < -180 || lon > 180)
      e('decimalLatitude', 'COORDINATE_INVALID', 'decimalLatitude/decimalLongitude must be valid WGS84 decimal degrees');
    else geojson = JSON.stringify({ type: 'Point', coordinates: datum && datum !== 'wgs84' ? convertCoordinates([lon, lat], datum) : [lon, lat] });
  }
  if (effortFromFootprint !== null) {
    const linear =
      geojson !== null ? /^(Multi)?LineString$/.test(String((g as { type?: unknown }).type)) : wkt !== null && /^\s*(MULTI)?LINESTRING\s*\(/i.test(wkt);
    if (!linear)
      e(
        wkt !== null ? 'footprintWKT' : 'geometry',
        'EFFORT_FOOTPRINT_NOT_LINEAR',
        "eco:samplingEffortProtocol asks for the footprint's length: the footprint must be a LineString or MultiLineString",
      );
  }
  if (errors.length) return { ok: false, rejected: { index, id: eventId, errors } };
  const data: Record<string, unknown> = { ...rec };
  const hash = createHash('sha256')
    .update(
      JSON.stringify(
        Object.keys(data)
          .sort()
          .map((k) => [k, data[k]]),
      ),
    )
    .digest('hex');
  for (const t of HUMBOLDT)
    if (rec[t] !== undefined && rec[`eco:${t}`] === undefined) {
      data[`eco:${t}`] = rec[t];
      delete data[t];
    }
  return {
    ok: true,
    value: {
      index,
      eventId: eventId!,
      parentEventId: s(rec.parentEventID),
      samplingProtocol: s(rec.samplingProtocol),
      start,
      end,
      sampleSizeValue: ssv as number | null,
      sampleSizeUnit: s(rec.sampleSizeUnit),
      effortValue: sev as number | null,
      effortUnit: s(eco(rec, 'samplingEffortUnit')),
      effortFromFootprint,
      absenceReported: absence as boolean | null,
      targetScope: s(eco(rec, 'targetTaxonomicScope')),
      geojson,
      wkt,
      data,
      hash,
    },
  };
}

/** Upserts survey events by eventID (BRIEF §9 batch answer). Geometry from GeoJSON, footprintWKT or a point. */
export async function ingestSurveyEvents(
  db: Db | Tx,
  records: unknown[],
  opts: { actor: Actor; atomic?: boolean; importId?: string | null; route?: string },
): Promise<BatchResult> {
  const rejected: RejectedRecord[] = [];
  const prepared = new Map<string, PreparedEvent>();
  records.forEach((r, i) => {
    const v = validateSurveyEvent(r, i);
    if (!v.ok) rejected.push(v.rejected);
    else if (prepared.has(v.value.eventId) && prepared.get(v.value.eventId)!.hash !== v.value.hash) {
      rejected.push({
        index: i,
        id: v.value.eventId,
        errors: [{ field: 'eventID', code: 'DUPLICATE_IN_BATCH', message: 'eventID used twice in this batch with different content' }],
      });
    } else prepared.set(v.value.eventId, v.value);
  });
  const fail = (): never => {
    const ownerOnly = rejected.length > 0 && rejected.every((r) => r.errors.every((e) => e.code === 'RECORD_OF_OTHER_OWNER'));
    if (ownerOnly)
      throw new AppError('RECORD_OF_OTHER_OWNER', 'These events belong to another team or station; nothing was stored', {
        rejected: rejected.sort((a, b) => a.index - b.index),
      });
    throw new AppError('BATCH_REJECTED', 'No event of the batch could be stored', { rejected: rejected.sort((a, b) => a.index - b.index) });
  };
  if (!prepared.size || (opts.atomic && rejected.length)) fail();
  const run = async (tx: Tx): Promise<BatchResult> => {
    await holdRulesShared(tx);
    // writers of the same events wait for each other; an event is changed only by its owner (BRIEF §8)
    await lockEvents(tx, [...prepared.keys()]);
    const owners = await eventOwners(tx, [...prepared.keys()]);
    for (const o of owners) {
      if (mayEdit(opts.actor, o)) continue;
      const p = prepared.get(o.event_id)!;
      prepared.delete(o.event_id);
      rejected.push({
        index: p.index,
        id: p.eventId,
        errors: [
          {
            field: 'eventID',
            code: 'RECORD_OF_OTHER_OWNER',
            message: `eventID ${p.eventId} belongs to another team or station; an event is changed only by its owner (or an admin); nothing of it was changed`,
          },
        ],
      });
    }
    if (!prepared.size || (opts.atomic && rejected.length)) fail();
    const list = [...prepared.values()];
    // a length on the ellipsoid needs longitudes and latitudes in range (geography refuses others)
    const geomCheck = await checkEventGeometries(tx, list);
    const good: PreparedEvent[] = [];
    for (const r of geomCheck.rows) {
      const p = list[r.i];
      if (r.ok && r.geodetic) good.push(p);
      else if (!r.ok)
        rejected.push({
          index: p.index,
          id: p.eventId,
          errors: [{ field: p.wkt ? 'footprintWKT' : 'geometry', code: 'GEOMETRY_INVALID', message: 'PostGIS could not read the geometry' }],
        });
      else
        rejected.push({
          index: p.index,
          id: p.eventId,
          errors: [
            {
              field: p.wkt ? 'footprintWKT' : 'geometry',
              code: 'GEOMETRY_INVALID',
              message: 'the footprint has coordinates outside longitude ±180 / latitude ±90, so its length on the ellipsoid cannot be computed',
            },
          ],
        });
    }
    if (!good.length || (opts.atomic && rejected.length)) fail();
    const rows = good.map((p) => ({
      event_id: p.eventId,
      parent_event_id: p.parentEventId,
      sampling_protocol: p.samplingProtocol,
      event_start: p.start.toISOString(),
      event_end: p.end.toISOString(),
      sample_size_value: p.sampleSizeValue,
      sample_size_unit: p.sampleSizeUnit,
      sampling_effort_value: p.effortValue,
      sampling_effort_unit: p.effortUnit,
      is_absence_reported: p.absenceReported,
      target_taxonomic_scope: p.targetScope,
      gj: p.geojson,
      wkt: p.wkt,
      data: p.data,
      content_hash: p.hash,
      effort_div: p.effortFromFootprint === null ? null : FOOTPRINT_LENGTH_UNITS[p.effortFromFootprint],
      effort_decimals: p.effortFromFootprint === null ? null : FOOTPRINT_LENGTH_DECIMALS[p.effortFromFootprint],
    }));
    const owner = ownerOf(opts.actor);
    const res = await upsertSurveyEvents(tx, rows, owner, opts.importId ?? null, opts.actor.tokenId);
    const inserted = res.rows.filter((r) => r.inserted).length;
    const updated = res.rows.length - inserted;
    await setEventRegions(
      tx,
      good.map((p) => p.eventId),
    );
    // a new or changed event may be the small parent of a sensitive one: it becomes sensitive too, with its records
    if (res.rows.length) await refreshSensitivity(tx, {});
    if (res.rows.length) {
      await writeAudit(tx, opts.actor, {
        action: 'survey-events.upsert',
        entity: 'survey_event',
        entityIds: good.map((p) => p.eventId),
        route: opts.route ?? null,
        summary: { inserted, updated },
      });
    }
    return { inserted, updated, unchanged: good.length - res.rows.length, rejected: rejected.sort((a, b) => a.index - b.index), warnings: [] };
  };
  return withTx(db, run);
}
