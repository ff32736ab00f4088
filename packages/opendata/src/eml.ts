/**
 * eml.xml of a Darwin Core Archive: EML 2.1.1 in the GBIF metadata profile (the profile IPT
 * writes): title, abstract, creator/metadata provider/contact, licence, geographic and temporal
 * coverage, and the citation. Publisher details come from configuration (BIOMON_EML_*); coverage
 * is measured on the rows actually written (for a generalised archive, on the generalised points).
 */
import type { EmlConfig } from '@biomon/config';

export interface EmlCoverage {
  /** [west, south, east, north] in WGS84 degrees, or null when the archive is empty. */
  bbox: [number, number, number, number] | null;
  /** YYYY-MM-DD in Asia/Shanghai, or null. */
  begin: string | null;
  end: string | null;
}

export interface EmlInput {
  exportId: string;
  config: EmlConfig;
  coverage: EmlCoverage;
  /** Whether sensitive records were generalised in this archive; stated under methods. */
  generalised: boolean;
  generalisedRows: number;
  createdAt: Date;
  filters: Record<string, unknown>;
}

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ymd = (d: Date): string => d.toISOString().slice(0, 10);

function party(tag: string, c: EmlConfig, withName: boolean): string {
  return `    <${tag}>
${withName ? `      <individualName><surName>${esc(c.contactName)}</surName></individualName>\n` : ''}      <organizationName>${esc(c.organisation)}</organizationName>
      <electronicMailAddress>${esc(c.contactEmail)}</electronicMailAddress>
    </${tag}>`;
}

export function buildEml(input: EmlInput): string {
  const { config: c, coverage } = input;
  const lang = esc(c.language);
  const filters = Object.entries(input.filters).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const geo = coverage.bbox
    ? `      <geographicCoverage>
        <geographicDescription>吉林省 Jilin Province, China${filters.length ? ` (selection: ${esc(filters.map(([k, v]) => `${k}=${String(v)}`).join(', '))})` : ''}</geographicDescription>
        <boundingCoordinates>
          <westBoundingCoordinate>${coverage.bbox[0]}</westBoundingCoordinate>
          <eastBoundingCoordinate>${coverage.bbox[2]}</eastBoundingCoordinate>
          <northBoundingCoordinate>${coverage.bbox[3]}</northBoundingCoordinate>
          <southBoundingCoordinate>${coverage.bbox[1]}</southBoundingCoordinate>
        </boundingCoordinates>
      </geographicCoverage>\n`
    : '';
  const temporal =
    coverage.begin && coverage.end
      ? `      <temporalCoverage>
        <rangeOfDates>
          <beginDate><calendarDate>${coverage.begin}</calendarDate></beginDate>
          <endDate><calendarDate>${coverage.end}</calendarDate></endDate>
        </rangeOfDates>
      </temporalCoverage>\n`
      : '';
  const generalisation = input.generalised
    ? `Records of sensitive taxa (national key protected species flagged in the checklist, e.g. Panthera tigris altaica, Panthera pardus orientalis) are generalised: the point is the centre of its 10 km grid cell (Albers equal-area, +proj=aea +lat_1=25 +lat_2=47 +lon_0=105), coordinateUncertaintyInMeters covers the cell, location-revealing terms are withheld, and dataGeneralizations/informationWithheld say so (${input.generalisedRows} rows). 敏感物种位置已按 10 km 网格模糊化。`
    : 'Exact coordinates: this archive was requested by a role entitled to precise locations (evaluator or administrator) and must not be published as is. 本数据包含敏感物种的精确位置，不得公开发布。';
  return `<?xml version="1.0" encoding="UTF-8"?>
<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" xmlns:dc="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="eml://ecoinformatics.org/eml-2.1.1 http://rs.gbif.org/schema/eml-gbif-profile/1.2/eml.xsd" packageId="${esc(input.exportId)}" system="http://gbif.org" scope="system" xml:lang="${lang}">
  <dataset>
    <alternateIdentifier>${esc(input.exportId)}</alternateIdentifier>
    <title xml:lang="${lang}">${esc(c.title)}</title>
${party('creator', c, false)}
${party('metadataProvider', c, false)}
    <pubDate>${ymd(input.createdAt)}</pubDate>
    <language>${lang}</language>
    <abstract>
      <para>${esc(c.abstract)}</para>
    </abstract>
    <intellectualRights>
      <para>This work is licensed under a <ulink url="${esc(c.licenceUrl)}"><citetitle>${esc(c.licenceName)} License</citetitle></ulink>.</para>
    </intellectualRights>
    <coverage>
${geo}${temporal}    </coverage>
${party('contact', c, true)}
    <methods>
      <methodStep>
        <description><para>${esc(generalisation)}</para></description>
      </methodStep>
    </methods>
  </dataset>
  <additionalMetadata>
    <metadata>
      <gbif>
        <dateStamp>${input.createdAt.toISOString()}</dateStamp>
        <hierarchyLevel>dataset</hierarchyLevel>
        <citation>${esc(c.citation)}</citation>
      </gbif>
    </metadata>
  </additionalMetadata>
</eml:eml>
`;
}
