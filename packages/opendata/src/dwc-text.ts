/**
 * Lines of the delimited files open data writes: Darwin Core Archive data files (tab-separated
 * UTF-8, `"` as the enclosing character — GBIF Darwin Core text guide: fieldsEnclosedBy) and CSV
 * downloads (RFC 4180, with the formula-injection guard). Both come from the platform's one
 * writer, `@biomon/core` csv.ts (csv-stringify).
 */
export { csvLine, tsvLine, UTF8_BOM } from '@biomon/core';
