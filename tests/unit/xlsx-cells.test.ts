/**
 * Excel cell values as text (packages/occurrences/src/import/xlsx-cells.ts): serial dates in both
 * date systems, computed in UTC arithmetic (the process time zone cannot move them), numbers at
 * Excel's precision, number formats that are dates and those that only look like them.
 */
import { describe, expect, it } from 'vitest';
import { cellText, decodeOoxmlEscapes, isDateFormat, numberText, serialToIso } from '../../packages/occurrences/src/import/xlsx-cells';

describe('serial dates', () => {
  it('the 1900 system, with Lotus 1-2-3 leap day 1900-02-29 (serial 60)', () => {
    // Excel for Windows: 1 = 1900-01-01, 59 = 1900-02-28, 60 = "1900-02-29" (no such day), 61 = 1900-03-01
    expect(serialToIso(1, false)).toBe('1900-01-01');
    expect(serialToIso(59, false)).toBe('1900-02-28');
    expect(serialToIso(60, false)).toBe('1900-02-29');
    expect(serialToIso(61, false)).toBe('1900-03-01');
    expect(serialToIso(25569, false)).toBe('1970-01-01');
    expect(serialToIso(36526, false)).toBe('2000-01-01');
    expect(serialToIso(45809, false)).toBe('2025-06-01');
    expect(serialToIso(2958465, false)).toBe('9999-12-31');
  });

  it('the 1904 system: 0 = 1904-01-01, the same day is the 1900 serial minus 1462', () => {
    expect(serialToIso(0, true)).toBe('1904-01-01');
    expect(serialToIso(45809 - 1462, true)).toBe('2025-06-01');
    expect(serialToIso(36526 - 1462, true)).toBe('2000-01-01');
    for (let s = 1462; s < 60_000; s += 997) expect(serialToIso(s - 1462, true)).toBe(serialToIso(s, false));
  });

  it('times: a date-time when the fraction is not zero (to the second, no zone), a time alone below 1', () => {
    expect(serialToIso(45809.75, false)).toBe('2025-06-01T18:00:00');
    expect(serialToIso(45809 + 1 / 3, false)).toBe('2025-06-01T08:00:00'); // 0.3333… rounds to the second
    expect(serialToIso(45809 + (8 * 3600 + 30 * 60 + 15) / 86400, false)).toBe('2025-06-01T08:30:15');
    expect(serialToIso(45809.99999999, false)).toBe('2025-06-02'); // 23:59:59.9991 rounds to midnight
    expect(serialToIso(0.5, false)).toBe('12:00:00');
    expect(serialToIso(0.5, true)).toBe('12:00:00');
  });

  it('no local time zone shifts them', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
        process.env.TZ = zone;
        expect(serialToIso(45809, false)).toBe('2025-06-01');
        expect(serialToIso(44347, true)).toBe('2025-06-01');
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('numbers', () => {
  it('at Excel precision (15 significant digits), shortest form, no float noise', () => {
    expect(numberText(43.1234)).toBe('43.1234');
    expect(numberText(43.123400000000004)).toBe('43.1234');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(128.123456789012)).toBe('128.123456789012');
    expect(numberText(2)).toBe('2');
    expect(numberText(-42.5)).toBe('-42.5');
    expect(numberText(1e-7)).toBe('0.0000001');
    expect(numberText(123456789012345)).toBe('123456789012345');
  });
});

describe('number formats', () => {
  it('dates and times, including Chinese formats and elapsed hours', () => {
    for (const f of [
      'yyyy-mm-dd',
      'mm-dd-yy',
      'yyyy"年"m"月"d"日"',
      '[$-804]yyyy"年"m"月"d"日";@',
      'h:mm:ss',
      '[h]:mm:ss',
      'm/d/yy h:mm',
      '上午/下午 h"时"mm"分"',
      'd-mmm-yy',
    ]) {
      expect(isDateFormat(f), f).toBe(true);
    }
  });
  it('numbers, text, and formats whose letters are quoted or escaped', () => {
    for (const f of [
      undefined,
      '',
      'General',
      '0',
      '0.00',
      '#,##0.00',
      '0%',
      '0.00E+00',
      '@',
      '0.0\\ \\k\\m',
      '0" m"',
      '#,##0_);[Red](#,##0)',
      '[$¥-804]#,##0.00',
      'General" 只"',
    ]) {
      expect(isDateFormat(f), String(f)).toBe(false);
    }
  });
});

describe('cell values', () => {
  it('by type: text, rich text, formulas (cached result), booleans, errors, hyperlinks, OOXML escapes', () => {
    expect(cellText('狍', undefined, false)).toBe('狍');
    expect(cellText({ richText: [{ text: '富' }, { text: '文本' }] }, undefined, false)).toBe('富文本');
    expect(cellText({ formula: 'A1*1', result: 43.123400000000004 }, '0.0000', false)).toBe('43.1234');
    expect(cellText({ formula: 'TODAY()', result: 45809 }, 'yyyy-mm-dd', false)).toBe('2025-06-01');
    expect(cellText({ formula: 'A1&B1', result: 'ab' }, undefined, false)).toBe('ab');
    expect(cellText({ formula: 'NA()', result: Number.NaN }, undefined, false)).toBe('');
    expect(cellText(true, undefined, false)).toBe('TRUE');
    expect(cellText({ error: '#N/A' }, undefined, false)).toBe('#N/A');
    expect(cellText({ text: '照片', hyperlink: 'https://example.org/p.jpg' }, undefined, false)).toBe('照片');
    expect(cellText(45809, 'yyyy-mm-dd', true)).toBe('2029-06-02');
    expect(cellText(null, undefined, false)).toBe('');
    expect(decodeOoxmlEscapes('a_x000D_b_x005F_x0041_')).toBe('a\rb_x0041_');
  });
});
