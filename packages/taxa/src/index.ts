export * from './taxon.types';
export { normalizeScientificName, nameKey, genusOf, speciesOf, normalizeChineseName } from './taxon-name';
export { parseNational2021List, parseSpeciesListCsv, parseSpeciesListFile } from './species-list.parser';
export {
  upsertTaxa,
  deriveHigherTaxa,
  findTaxaByName,
  matchNamesExactly,
  matchNamesToSpecies,
  matchNamesFuzzily,
  type TaxaImportSummary,
  type TaxonMatch,
  type NameMatchRow,
} from './taxon.repository';
