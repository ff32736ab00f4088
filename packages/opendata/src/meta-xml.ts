/**
 * meta.xml of a Darwin Core Archive (GBIF Darwin Core text guide, https://dwc.tdwg.org/text/):
 * one core and its extensions, each a UTF-8 tab-separated file with one header row
 * (ignoreHeaderLines 1), fields declared by index and term URI; the core's `<id>` and each
 * extension's `<coreid>` are index 0.
 */
import { CANONICAL_TERMS } from '@biomon/occurrences';

export const NS = {
  dwc: 'http://rs.tdwg.org/dwc/terms/',
  dcterms: 'http://purl.org/dc/terms/',
  eco: 'http://rs.tdwg.org/eco/terms/',
} as const;

export const ROW_TYPES = {
  event: `${NS.dwc}Event`,
  occurrence: `${NS.dwc}Occurrence`,
  /** The GBIF-registered Humboldt extension (rs.gbif.org/extension/eco/Humboldt_2024-04-16.xml). */
  humboldt: `${NS.eco}Event`,
} as const;

const DCTERMS = new Set(['type', 'modified', 'language', 'license', 'rightsHolder', 'accessRights', 'bibliographicCitation', 'references']);
const CANONICAL = new Set(CANONICAL_TERMS);

/**
 * The term URI of a record key. Darwin Core, Dublin Core and Humboldt (`eco:`) keys get their
 * namespace; a key that already is a URI stays as it is; any other key is a verbatim term the
 * submitter used and is written under its own name, which biomon's importer reads back unchanged.
 */
export function termUri(key: string): string {
  if (key.startsWith('eco:')) return NS.eco + key.slice(4);
  if (DCTERMS.has(key)) return NS.dcterms + key;
  if (CANONICAL.has(key)) return NS.dwc + key;
  return key;
}

/** Order of columns: the standard's order (record, occurrence, event, location, … taxon), then unknown keys by name. */
export function orderTerms(keys: Iterable<string>): string[] {
  const rank = new Map(CANONICAL_TERMS.map((t, i) => [t, i]));
  return [...new Set(keys)].sort((a, b) => (rank.get(a) ?? 1e6) - (rank.get(b) ?? 1e6) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface DataFileDecl {
  role: 'core' | 'extension';
  rowType: string;
  location: string;
  /** Column keys in file order; column 0 is the (core) id. */
  columns: string[];
  /** Whether column 0 is also declared as a term (eventID/occurrenceID); not for the Humboldt extension, whose terms are eco: only. */
  idIsField?: boolean;
}

const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildMetaXml(core: DataFileDecl, extensions: DataFileDecl[]): string {
  const file = (d: DataFileDecl): string => {
    const tag = d.role === 'core' ? 'core' : 'extension';
    const idTag = d.role === 'core' ? '<id index="0"/>' : '<coreid index="0"/>';
    const fields = d.columns
      .map((k, i) => (i === 0 && d.idIsField === false ? null : `    <field index="${i}" term="${xmlAttr(termUri(k))}"/>`))
      .filter((x) => x !== null)
      .join('\n');
    return `  <${tag} encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="&quot;" ignoreHeaderLines="1" rowType="${xmlAttr(d.rowType)}">
    <files><location>${xmlAttr(d.location)}</location></files>
    ${idTag}
${fields}
  </${tag}>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
${[core, ...extensions].map(file).join('\n')}
</archive>
`;
}
