/**
 * Camera Trap Data Packages (Camtrap DP 1.0.x, https://camtrap-dp.tdwg.org), zip or folder,
 * imported as one survey event per deployment and one MachineObservation occurrence per
 * event-level animal observation — the same selection as inbo/camtrapdp `write_dwc()`.
 *
 * Reads (all streamed except datapackage.json and deployments.csv):
 *  1. observations, pass 1: counts by level/type (stats), animal events and their intervals;
 *  2. observations, pass 2: media IDs referenced by observations of those events;
 *  3. media: the file paths of each animal event's media — media referenced by the event's
 *     observations, plus media of the same deployment timestamped within [eventStart, eventEnd]
 *     (how camtrapdp `read_camtrapdp()` assigns media to events);
 *  4. rows(): deployments as events, then observations again to yield the occurrences.
 */
import path from 'node:path';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { finishRecord } from './dwc-values';
import { readDelimited } from './delimited-text';
import { ImportFormatError, type DwcRecord, type ImportSource, type ParsedRow } from './import.types';
import type { ArchiveSource } from './zip';

type Json = Record<string, unknown>;

/** Camtrap DP 1.0.2 missing values: "", NA, NaN, nan. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan']);
const clean = (v: string | undefined): string => (v === undefined || MISSING.has(v.trim()) ? '' : v);

/** True when datapackage.json declares the Camtrap DP profile or has its three resources. */
export function isCamtrapDataPackage(dp: unknown): boolean {
  if (!dp || typeof dp !== 'object') return false;
  const pkg = dp as Json;
  if (typeof pkg.profile === 'string' && /camtrap-dp/i.test(pkg.profile)) return true;
  const names = Array.isArray(pkg.resources) ? (pkg.resources as Json[]).map((r) => r?.name) : [];
  return ['deployments', 'media', 'observations'].every((n) => names.includes(n));
}

interface Table {
  name: string;
  /** Path as declared in datapackage.json; used as ParsedRow.file. */
  file: string;
  storedPath: string;
  encoding: string;
  delimiter: string;
}

function resolveTable(src: ArchiveSource, dpPath: string, pkg: Json, name: string): Table {
  const res = (Array.isArray(pkg.resources) ? (pkg.resources as Json[]) : []).find((r) => r?.name === name);
  const p = res ? (Array.isArray(res.path) ? res.path[0] : res.path) : undefined;
  if (typeof p !== 'string' || p.trim() === '') {
    throw new ImportFormatError('CAMTRAPDP_RESOURCE_MISSING', `datapackage.json has no "${name}" resource with a path`, { resource: name });
  }
  if (/^[a-z]+:\/\//i.test(p)) {
    throw new ImportFormatError('CAMTRAPDP_RESOURCE_MISSING', `The "${name}" resource is remote (${p}); include the file in the upload`, { resource: name });
  }
  const dir = path.posix.dirname(dpPath) === '.' ? '' : path.posix.dirname(dpPath);
  const storedPath = src.find(path.posix.join(dir, p));
  if (storedPath === undefined) {
    throw new ImportFormatError('CAMTRAPDP_RESOURCE_MISSING', `${p} (the "${name}" resource) is named in datapackage.json but is not in the upload`, {
      resource: name,
      file: p,
    });
  }
  const dialect = (res?.dialect ?? {}) as Json;
  return {
    name,
    file: p,
    storedPath,
    encoding: typeof res?.encoding === 'string' ? res.encoding : 'utf-8',
    delimiter: typeof dialect.delimiter === 'string' && dialect.delimiter !== '' ? dialect.delimiter : ',',
  };
}

/** Rows of a table as objects keyed by its header, with row numbers (1-based, header excluded). */
async function* readTable(src: ArchiveSource, t: Table): AsyncGenerator<{ n: number; row: Record<string, string> }> {
  let header: string[] | null = null;
  let n = 0;
  for await (const rec of readDelimited(() => src.openStream(t.storedPath), { encoding: t.encoding, delimiter: t.delimiter, quote: '"', file: t.file })) {
    if (header === null) {
      header = rec.map((h) => h.replace(/^\uFEFF/, '').trim());
      continue;
    }
    n++;
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = clean(rec[i]);
    });
    yield { n, row };
  }
}

/** Days between two ISO 8601 timestamps (with offsets), 2 decimals; null when either does not parse. */
export function trapDays(start: string, end: string): string | null {
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return ((b - a) / 86_400_000).toFixed(2);
}

const DEPLOYMENT_MAPPED = new Set([
  'deploymentID',
  'locationID',
  'locationName',
  'latitude',
  'longitude',
  'coordinateUncertainty',
  'deploymentStart',
  'deploymentEnd',
  'setupBy',
  'habitat',
  'deploymentComments',
]);
const OBSERVATION_MAPPED = new Set([
  'observationID',
  'deploymentID',
  'eventStart',
  'eventEnd',
  'scientificName',
  'count',
  'lifeStage',
  'sex',
  'behavior',
  'individualID',
  'classifiedBy',
  'classificationTimestamp',
  'observationComments',
]);

/** Camtrap DP columns with no Darwin Core counterpart are kept, under `camtrapdp:<column>`. */
function keepUnmapped(rec: DwcRecord, row: Record<string, string>, mapped: Set<string>): void {
  for (const [k, v] of Object.entries(row)) if (!mapped.has(k) && v !== '') rec[`camtrapdp:${k}`] = v;
}

function deploymentEvent(d: Record<string, string>): DwcRecord {
  const rec: DwcRecord = {
    eventID: d.deploymentID ?? '',
    samplingProtocol: 'camera trap',
    eventDate: d.deploymentStart && d.deploymentEnd ? `${d.deploymentStart}/${d.deploymentEnd}` : (d.deploymentStart ?? ''),
    decimalLatitude: d.latitude ?? '',
    decimalLongitude: d.longitude ?? '',
    geodeticDatum: 'WGS84',
    coordinateUncertaintyInMeters: d.coordinateUncertainty ?? '',
    locationID: d.locationID ?? '',
    locality: d.locationName ?? '',
    habitat: d.habitat ?? '',
    eventRemarks: d.deploymentComments ?? '',
    'eco:isAbsenceReported': 'false',
    'eco:samplingPerformedBy': d.setupBy ?? '',
  };
  const days = trapDays(d.deploymentStart ?? '', d.deploymentEnd ?? '');
  if (days !== null) {
    rec['eco:samplingEffortValue'] = days;
    rec['eco:samplingEffortUnit'] = 'trap-days';
    rec.sampleSizeValue = days;
    rec.sampleSizeUnit = 'trap-days';
    rec.samplingEffort = `${days} trap-days`;
  }
  keepUnmapped(rec, d, DEPLOYMENT_MAPPED);
  return rec;
}

const NON_ANIMAL_TYPES = ['blank', 'human', 'vehicle', 'unknown', 'unclassified'] as const;

interface AnimalEvent {
  deploymentID: string;
  start: number;
  end: number;
  /** mediaID → filePath, in media.csv order. */
  media: Map<string, string>;
}

const eventKey = (deploymentID: string, eventID: string): string => `${deploymentID}\u0000${eventID}`;

/**
 * Opens a Camtrap DP package whose datapackage.json is at `dpPath` inside `src`.
 *
 * Yields one 'event' per deployment (eventID = deploymentID, eventDate = start/end as written,
 * trap-days effort in eco:samplingEffortValue and sampleSizeValue) and one 'occurrence' per
 * observation with observationLevel 'event' and observationType 'animal' (occurrenceID =
 * observationID, eventID = deploymentID, basisOfRecord MachineObservation, associatedMedia = the
 * event's media file paths joined with ' | '). Not yielded, only counted in `stats`: observations of
 * type blank/human/vehicle/unknown/unclassified (both levels), and media-level animal observations
 * (`mediaLevelAnimal`; `mediaLevelAnimalUnmatched` counts those whose event has no event-level
 * observation of the same scientificName). Observations pointing to an unknown deployment fail
 * with `CAMTRAPDP_UNKNOWN_DEPLOYMENT`; a missing resource with `CAMTRAPDP_RESOURCE_MISSING`.
 */
export async function openCamtrapDp(src: ArchiveSource, dpPath: string, pkg: Json, opts: { importId: string; limits?: ImportLimits }): Promise<ImportSource> {
  const budget = new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS);
  const warnings: string[] = [];
  if (src.ignored.length > 0) {
    warnings.push(`Ignored ${src.ignored.length} macOS metadata or hidden entr${src.ignored.length === 1 ? 'y' : 'ies'} (__MACOSX/, dot-files).`);
  }
  const known = new Set(['deployments', 'media', 'observations']);
  const extra = (Array.isArray(pkg.resources) ? (pkg.resources as Json[]) : []).map((r) => String(r?.name ?? '')).filter((n) => !known.has(n));
  if (extra.length > 0) warnings.push(`Resources that are not part of Camtrap DP were ignored: ${extra.join(', ')}.`);

  const deploymentsT = resolveTable(src, dpPath, pkg, 'deployments');
  const mediaT = resolveTable(src, dpPath, pkg, 'media');
  const observationsT = resolveTable(src, dpPath, pkg, 'observations');

  // Deployments are few; read them whole.
  const deployments: { n: number; row: Record<string, string> }[] = [];
  const deploymentById = new Map<string, Record<string, string>>();
  for await (const d of readTable(src, deploymentsT)) {
    budget.add(deploymentsT.file);
    deployments.push(d);
    deploymentById.set(d.row.deploymentID ?? '', d.row);
  }

  // Observations, pass 1: stats and animal events.
  const stats: Record<string, number> = {
    deployments: deployments.length,
    observations: 0,
    eventLevelAnimal: 0,
    mediaLevelAnimal: 0,
    mediaLevelAnimalUnmatched: 0,
    media: 0,
  };
  for (const t of NON_ANIMAL_TYPES) stats[t] = 0;
  const animalEvents = new Map<string, AnimalEvent>();
  const animalEventTaxa = new Set<string>();
  const unknownDeployments = new Map<string, number>();
  let otherTypes = 0;
  for await (const { n, row } of readTable(src, observationsT)) {
    budget.add(observationsT.file);
    stats.observations++;
    const dep = row.deploymentID ?? '';
    if (!deploymentById.has(dep) && !unknownDeployments.has(dep)) unknownDeployments.set(dep, n);
    const type = row.observationType ?? '';
    const level = row.observationLevel ?? '';
    if (type === 'animal') {
      if (level === 'event') {
        stats.eventLevelAnimal++;
        const key = eventKey(dep, row.eventID ?? '');
        animalEventTaxa.add(`${key}\u0000${row.scientificName ?? ''}`);
        const start = Date.parse(row.eventStart ?? '');
        const end = Date.parse(row.eventEnd ?? '');
        const prev = animalEvents.get(key);
        if (prev) {
          if (!Number.isNaN(start)) prev.start = Number.isNaN(prev.start) ? start : Math.min(prev.start, start);
          if (!Number.isNaN(end)) prev.end = Number.isNaN(prev.end) ? end : Math.max(prev.end, end);
        } else {
          animalEvents.set(key, { deploymentID: dep, start, end, media: new Map() });
        }
      } else {
        stats.mediaLevelAnimal++;
      }
    } else if ((NON_ANIMAL_TYPES as readonly string[]).includes(type)) {
      stats[type]++;
    } else {
      otherTypes++;
    }
  }
  if (unknownDeployments.size > 0) {
    const list = [...unknownDeployments]
      .slice(0, 20)
      .map(([id, n]) => `"${id}" (row ${n})`)
      .join(', ');
    throw new ImportFormatError('CAMTRAPDP_UNKNOWN_DEPLOYMENT', `${observationsT.file} refers to deployments missing from ${deploymentsT.file}: ${list}`, {
      deploymentIDs: [...unknownDeployments.keys()],
    });
  }
  if (otherTypes > 0) warnings.push(`${otherTypes} observation(s) have an observationType outside the Camtrap DP vocabulary and were not imported.`);
  if (stats.eventLevelAnimal === 0 && stats.mediaLevelAnimal > 0) {
    warnings.push('The package has only media-level animal observations; occurrences are made from event-level observations, so none were imported.');
  }

  // Observations, pass 2: media referenced by observations of animal events; match media-level animals.
  const mediaToEvents = new Map<string, string[]>();
  for await (const { row } of readTable(src, observationsT)) {
    const key = eventKey(row.deploymentID ?? '', row.eventID ?? '');
    const mediaID = row.mediaID ?? '';
    if (mediaID !== '' && animalEvents.has(key)) {
      const list = mediaToEvents.get(mediaID) ?? [];
      if (!list.includes(key)) list.push(key);
      mediaToEvents.set(mediaID, list);
    }
    if (row.observationType === 'animal' && row.observationLevel !== 'event' && !animalEventTaxa.has(`${key}\u0000${row.scientificName ?? ''}`)) {
      stats.mediaLevelAnimalUnmatched++;
    }
  }
  if (stats.mediaLevelAnimalUnmatched > 0) {
    warnings.push(
      `${stats.mediaLevelAnimalUnmatched} media-level animal observation(s) have no event-level observation of the same taxon in their event; only their event's occurrences list their media.`,
    );
  }

  // Animal events per deployment, sorted by start, for the timestamp join.
  const byDeployment = new Map<string, { start: number; end: number; key: string }[]>();
  for (const [key, ev] of animalEvents) {
    if (Number.isNaN(ev.start) || Number.isNaN(ev.end)) continue;
    const list = byDeployment.get(ev.deploymentID) ?? [];
    list.push({ start: ev.start, end: ev.end, key });
    byDeployment.set(ev.deploymentID, list);
  }
  const maxSpan = new Map<string, number>();
  for (const [dep, list] of byDeployment) {
    list.sort((a, b) => a.start - b.start);
    maxSpan.set(dep, Math.max(...list.map((e) => e.end - e.start)));
  }
  const eventsAt = (dep: string, ts: number): string[] => {
    const list = byDeployment.get(dep);
    if (!list || Number.isNaN(ts)) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start <= ts) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    const span = maxSpan.get(dep) ?? 0;
    for (let i = lo - 1; i >= 0 && list[i].start >= ts - span; i--) if (list[i].end >= ts) out.push(list[i].key);
    return out;
  };

  // Media pass.
  for await (const { row } of readTable(src, mediaT)) {
    budget.add(mediaT.file);
    stats.media++;
    const mediaID = row.mediaID ?? '';
    const filePath = row.filePath ?? '';
    if (filePath === '') continue;
    const keys = new Set([...(mediaToEvents.get(mediaID) ?? []), ...eventsAt(row.deploymentID ?? '', Date.parse(row.timestamp ?? ''))]);
    for (const key of keys) animalEvents.get(key)?.media.set(mediaID, filePath);
  }
  mediaToEvents.clear();

  async function* rows(): AsyncGenerator<ParsedRow> {
    for (const { n, row } of deployments) {
      const record = finishRecord(deploymentEvent(row), { kind: 'event', importId: opts.importId, file: deploymentsT.file, rowNumber: n });
      yield { kind: 'event', rowNumber: n, file: deploymentsT.file, record };
    }
    for await (const { n, row } of readTable(src, observationsT)) {
      if (row.observationType !== 'animal' || row.observationLevel !== 'event') continue;
      const dep = deploymentById.get(row.deploymentID ?? '') ?? {};
      const start = row.eventStart ?? '';
      const end = row.eventEnd ?? '';
      const media = animalEvents.get(eventKey(row.deploymentID ?? '', row.eventID ?? ''))?.media;
      const raw: DwcRecord = {
        occurrenceID: row.observationID ?? '',
        basisOfRecord: 'MachineObservation',
        eventID: row.deploymentID ?? '',
        eventDate: end === '' || end === start ? start : `${start}/${end}`,
        scientificName: row.scientificName ?? '',
        individualCount: row.count ?? '',
        lifeStage: row.lifeStage ?? '',
        sex: row.sex ?? '',
        behavior: row.behavior ?? '',
        organismID: row.individualID ?? '',
        occurrenceStatus: 'present',
        occurrenceRemarks: row.observationComments ?? '',
        identifiedBy: row.classifiedBy ?? '',
        dateIdentified: row.classificationTimestamp ?? '',
        samplingProtocol: 'camera trap',
        decimalLatitude: dep.latitude ?? '',
        decimalLongitude: dep.longitude ?? '',
        geodeticDatum: 'WGS84',
        coordinateUncertaintyInMeters: dep.coordinateUncertainty ?? '',
        locationID: dep.locationID ?? '',
        locality: dep.locationName ?? '',
        associatedMedia: media ? [...media.values()].join(' | ') : '',
      };
      keepUnmapped(raw, row, OBSERVATION_MAPPED);
      const record = finishRecord(raw, { kind: 'occurrence', importId: opts.importId, file: observationsT.file, rowNumber: n });
      yield { kind: 'occurrence', rowNumber: n, file: observationsT.file, record };
    }
  }

  return {
    format: 'camtrap-dp',
    rows,
    totalRows: deployments.length + stats.eventLevelAnimal,
    warnings,
    stats,
    close: () => src.close(),
  };
}
