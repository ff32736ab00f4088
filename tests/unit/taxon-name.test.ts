/**
 * Name normalisation used for every taxon lookup (packages/taxa/src/taxon-name.ts).
 * Expectations are written by hand from the conventions (ICN/ICZN spelling, the brief's examples).
 */
import { describe, it, expect } from 'vitest';
import { normalizeScientificName, nameKey, genusOf, speciesOf, rankOf, normalizeChineseName } from '../../packages/taxa/src/taxon-name';

describe('normalizeScientificName', () => {
  it.each([
    ['Panthera tigris altaica Temminck, 1844', 'Panthera tigris altaica'],
    ['Panthera tigris (Linnaeus, 1758)', 'Panthera tigris'],
    ['Falco tinnunculus Linnaeus, 1758', 'Falco tinnunculus'],
    ['Pinus koraiensis Siebold & Zucc.', 'Pinus koraiensis'],
    ['Rosa rugosa Thunb.', 'Rosa rugosa'],
    ['Abies alba de Candolle', 'Abies alba'],
    ['  Panthera   tigris  ', 'Panthera tigris'],
    ['panthera TIGRIS', 'Panthera tigris'],
    ['PANTHERA TIGRIS ALTAICA', 'Panthera tigris altaica'],
    ['panthera tigris Linnaeus, 1758', 'Panthera tigris'],
    ['Ketupa Zeylonensis', 'Ketupa zeylonensis'],
    ['Ｐａｎｔｈｅｒａ　ｔｉｇｒｉｓ', 'Panthera tigris'], // full-width letters and ideographic space (Chinese IME)
  ])('%s → %s', (input, expected) => {
    expect(normalizeScientificName(input)).toBe(expected);
  });

  it('fixes rank-marker spacing and canonicalises the markers', () => {
    expect(normalizeScientificName('Abies beshanzuensis var.ziyuanensis')).toBe('Abies beshanzuensis var. ziyuanensis');
    expect(normalizeScientificName('Acer amplum subsp.catalpifolium')).toBe('Acer amplum subsp. catalpifolium');
    expect(normalizeScientificName('Gleditsia japonica var. velutina')).toBe('Gleditsia japonica var. velutina');
    expect(normalizeScientificName('Ursus arctos ssp. lasiotus')).toBe('Ursus arctos subsp. lasiotus');
    expect(normalizeScientificName('Pinus densiflora var. ussuriensis Liou & Q.L.Wang')).toBe('Pinus densiflora var. ussuriensis');
  });

  it('keeps hybrids, written one way', () => {
    expect(normalizeScientificName('Poncirus×polyandra')).toBe('Poncirus × polyandra');
    expect(normalizeScientificName('Populus ×irtyschensis')).toBe('Populus × irtyschensis');
    expect(normalizeScientificName('Citrus x aurantium')).toBe('Citrus × aurantium');
    expect(normalizeScientificName('Salix × fragilis L.')).toBe('Salix × fragilis');
    expect(normalizeScientificName('×Chitalpa tashkentensis')).toBe('×Chitalpa tashkentensis');
  });

  it('drops a subgenus and open-nomenclature sp./spp.', () => {
    expect(normalizeScientificName('Carabus (Coptolabrus) lafossei')).toBe('Carabus lafossei');
    expect(normalizeScientificName('Nycticebus spp.')).toBe('Nycticebus');
    expect(normalizeScientificName('Panthera sp.')).toBe('Panthera');
  });

  it('reduces a genus with authorship to the genus', () => {
    expect(normalizeScientificName('Taxus L.')).toBe('Taxus');
    expect(normalizeScientificName('Panthera Oken, 1816')).toBe('Panthera');
  });

  it('keeps hyphenated epithets', () => {
    expect(normalizeScientificName('Vitis zhejiang-adstricta')).toBe('Vitis zhejiang-adstricta');
  });

  it('leaves vernacular names alone (nameKey is also used for English names)', () => {
    expect(normalizeScientificName('Eurasian Red Squirrel')).toBe('Eurasian Red Squirrel');
    expect(normalizeScientificName("Steller's sea eagle")).toBe("Steller's sea eagle");
  });

  it('returns "" for empty input', () => {
    expect(normalizeScientificName('')).toBe('');
    expect(normalizeScientificName('   ')).toBe('');
  });
});

describe('nameKey', () => {
  it('gives every spelling of a name the same lower-case key', () => {
    const k = nameKey('Panthera tigris');
    expect(k).toBe('panthera tigris');
    for (const v of ['panthera  TIGRIS', 'PANTHERA TIGRIS Linnaeus, 1758', ' Panthera tigris (Linnaeus, 1758) ']) {
      expect(nameKey(v)).toBe(k);
    }
    expect(nameKey('Ketupa Zeylonensis')).toBe(nameKey('Ketupa zeylonensis'));
    expect(nameKey('Poncirus×polyandra')).toBe(nameKey('Poncirus × polyandra'));
    expect(nameKey('Pinus sylvestris var.sylvestriformis')).toBe('pinus sylvestris var. sylvestriformis');
  });

  it('keeps different taxa apart', () => {
    expect(nameKey('Panthera tigris altaica')).not.toBe(nameKey('Panthera tigris'));
    expect(nameKey('Falco tinnunculus')).not.toBe(nameKey('Falco vespertinus'));
  });

  it('removes diacritics from Latin letters', () => {
    expect(nameKey('Boöpis')).toBe('boopis');
  });

  it('keys Chinese names without whitespace, and vernacular names case-insensitively', () => {
    expect(nameKey(' 东北 虎 ')).toBe('东北虎');
    expect(nameKey('普通𫛭')).toBe('普通𫛭'); // non-BMP character kept as is
    expect(nameKey('Eurasian Red Squirrel')).toBe('eurasian red squirrel');
    expect(nameKey('Amur tiger')).toBe(nameKey('AMUR TIGER'));
  });
});

describe('genusOf / speciesOf / rankOf', () => {
  it('genusOf is the first word', () => {
    expect(genusOf('Panthera tigris altaica Temminck, 1844')).toBe('Panthera');
    expect(genusOf('Taxus')).toBe('Taxus');
    expect(genusOf('')).toBe('');
  });

  it('speciesOf rolls a subspecies or variety up to its species', () => {
    expect(speciesOf('Panthera tigris altaica')).toBe('Panthera tigris');
    expect(speciesOf('Panthera tigris')).toBe('Panthera tigris');
    expect(speciesOf('Pinus sylvestris var. sylvestriformis')).toBe('Pinus sylvestris');
    expect(speciesOf('Acer amplum subsp.catalpifolium')).toBe('Acer amplum');
    expect(speciesOf('Poncirus×polyandra')).toBe('Poncirus × polyandra');
    expect(speciesOf('Panthera')).toBeNull();
  });

  it('rankOf reads the rank from the name', () => {
    expect(rankOf('Panthera tigris')).toBe('species');
    expect(rankOf('Panthera tigris altaica')).toBe('subspecies');
    expect(rankOf('Acer amplum subsp. catalpifolium')).toBe('subspecies');
    expect(rankOf('Pinus sylvestris var.sylvestriformis')).toBe('variety');
    expect(rankOf('Rhododendron dauricum f. albiflorum')).toBe('form');
    expect(rankOf('Poncirus × polyandra')).toBe('species');
  });
});

describe('normalizeChineseName', () => {
  it('trims and strips all whitespace, including U+3000 and zero-width characters', () => {
    expect(normalizeChineseName(' 中华 秋沙鸭 ')).toBe('中华秋沙鸭');
    expect(normalizeChineseName('东北\u3000红豆杉')).toBe('东北红豆杉');
    expect(normalizeChineseName('\ufeff红松\u200b')).toBe('红松');
    expect(normalizeChineseName('')).toBe('');
  });
});
