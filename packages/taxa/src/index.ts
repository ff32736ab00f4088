export * from './taxon.types';
export { normalizeScientificName, nameKey, genusOf, speciesOf, normalizeChineseName } from './taxon-name';
export { parseNational2021List, parseSpeciesListCsv, parseSpeciesListFile } from './species-list.parser';
export { upsertTaxa, deriveHigherTaxa, findTaxaByName, type TaxaImportSummary, type TaxonMatch } from './taxon.repository';
