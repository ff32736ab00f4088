import { describe, expect, it } from 'vitest';
import { parsePhenomenonTime, parseTimeInto } from '@biomon/stations';
import { mulberry32 } from '@biomon/core';

// parsePhenomenonTime computes the epoch and the canonical UTC form in integer arithmetic (issue 17,
// station ingest); checked here against JavaScript's own Date for random times in every offset form.
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('parsePhenomenonTime', () => {
  it('gives the epoch and canonical UTC time of Date for random valid times, years 0100–9999, every offset form', () => {
    const rnd = mulberry32(17);
    const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
    for (let i = 0; i < 20_000; i++) {
      // a random instant, written in a random offset
      const y = i % 4 === 0 ? int(100, 9999) : int(1960, 2040);
      const local = Date.UTC(2000, 0, 1) + int(-1e6, 1e6) * 60_000; // any minute; the year set below
      const d = new Date(local);
      d.setUTCFullYear(y);
      const offsetMin = [0, 480, -330, 840, -720, 60, 345][i % 7];
      const sec = int(0, 59);
      const micros = int(0, 999_999);
      const text = `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(sec)}.${pad(micros, 6)}${
        offsetMin === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`
      }`;
      const r = parsePhenomenonTime(text);
      // Date parses milliseconds: compare the rest digit for digit
      const ms = text.replace(/(\.\d{3})\d{3}/, '$1');
      const expectedEpoch = Date.parse(ms);
      const utc = new Date(expectedEpoch).toISOString();
      const expected = utc.length === 24 ? `${utc.slice(0, 23)}${pad(micros % 1000, 3)}Z` : null;
      if (expected === null || expected.startsWith('0000')) {
        // a UTC year outside 0001–9999
        expect(r, text).toMatchObject({ ok: false, code: 'TIME_INVALID' });
        continue;
      }
      expect(r, text).toEqual({ ok: true, epochMs: expectedEpoch, iso: expected });
      // the loop form gives the same (into a slot it reuses)
      const slot = { iso: 'stale', epochMs: -1 };
      expect(parseTimeInto(text, slot), text).toBeNull();
      expect(slot).toEqual({ iso: expected, epochMs: expectedEpoch });
    }
  });

  it('takes the years 0001–9999 in UTC and refuses the instants outside them, whatever the offset', () => {
    const slot = { iso: '', epochMs: 0 };
    for (const ok of ['0001-01-01T00:00:00Z', '0001-01-01T01:30:00+01:00', '9999-12-31T23:59:59.999999Z', '9999-12-31T18:30:00-05:00']) {
      expect(parsePhenomenonTime(ok), ok).toMatchObject({ ok: true });
      expect(parseTimeInto(ok, slot), ok).toBeNull();
    }
    for (const bad of [
      '0000-01-01T00:00:00Z',
      '0000-12-31T23:59:59.999999Z',
      '0001-01-01T00:30:00+01:00',
      '9999-12-31T23:30:00-05:00',
      ' 0000-06-01T00:00:00Z ',
    ]) {
      expect(parsePhenomenonTime(bad), bad).toEqual({ ok: false, code: 'TIME_INVALID', message: `"${bad.trim()}" is outside the years 0001–9999 (UTC)` });
      const before = { ...slot };
      expect(parseTimeInto(bad, slot), bad).toEqual(parsePhenomenonTime(bad));
      expect(slot, 'a refused time leaves the slot alone').toEqual(before);
    }
  });

  it('reads years 0001–0099 as themselves, fractions to microseconds, and the other offset spellings', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 2, 1);
    year50.setUTCHours(12);
    expect(parsePhenomenonTime('0050-03-01T12:00:00Z')).toEqual({ ok: true, iso: '0050-03-01T12:00:00.000000Z', epochMs: year50.getTime() });
    expect(parsePhenomenonTime('2026-11-28 06:00+0800')).toEqual({ ok: true, iso: '2026-11-27T22:00:00.000000Z', epochMs: Date.parse('2026-11-27T22:00:00Z') });
    expect(parsePhenomenonTime('2026-11-28t06:00:00,123456789-05')).toEqual({
      ok: true,
      iso: '2026-11-28T11:00:00.123456Z',
      epochMs: Date.parse('2026-11-28T11:00:00.123Z'),
    });
    expect(parsePhenomenonTime(' 2024-02-29T23:59:59.5+00:00 ')).toEqual({
      ok: true,
      iso: '2024-02-29T23:59:59.500000Z',
      epochMs: Date.parse('2024-02-29T23:59:59.500Z'),
    });
    expect(parsePhenomenonTime('2000-01-01T00:30:00+01:00')).toEqual({
      ok: true,
      iso: '1999-12-31T23:30:00.000000Z',
      epochMs: Date.parse('1999-12-31T23:30:00Z'),
    });
  });

  it('reads a Z time by its characters exactly as the same time at +00:00 through the general path, and refuses the same', () => {
    // Z times take a path without the regular expression; +00:00 always takes the general one
    const rnd = mulberry32(29);
    for (let i = 0; i < 20_000; i++) {
      const y = Math.floor(rnd() * 10_000);
      const mo = 1 + Math.floor(rnd() * 12);
      const d = 1 + Math.floor(rnd() * 31); // some days do not exist (31 April, 30 February): both refuse
      const sep = ['T', 't', ' '][Math.floor(rnd() * 3)];
      const frac =
        rnd() < 0.3
          ? ''
          : `${rnd() < 0.5 ? '.' : ','}${String(Math.floor(rnd() * 1e9))
              .padStart(9, '0')
              .slice(0, 1 + Math.floor(rnd() * 9))}`;
      const body = `${pad(y, 4)}-${pad(mo)}-${pad(d)}${sep}${pad(Math.floor(rnd() * 24))}:${pad(Math.floor(rnd() * 60))}:${pad(Math.floor(rnd() * 60))}${frac}`;
      const z = parsePhenomenonTime(`${body}${rnd() < 0.5 ? 'Z' : 'z'}`);
      const general = parsePhenomenonTime(`${body}+00:00`);
      if (general.ok) expect(z).toEqual(general);
      else expect(z).toMatchObject({ ok: false, code: general.code });
    }
    // near misses fall to the general path and get its answers
    for (const bad of [
      '2026-13-01T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:60:00Z',
      '2026-01-01T00:00:60Z',
      '2026-01-01T00:00:00.Z',
      '2026-01-01T00:00:00.1234567890Z',
      '2026-01-01X00:00:00Z',
      '２026-01-01T00:00:00Z',
    ]) {
      expect(parsePhenomenonTime(bad).ok, bad).toBe(false);
    }
    expect(parsePhenomenonTime('2024-02-29T23:59:59.999999Z')).toEqual({
      ok: true,
      iso: '2024-02-29T23:59:59.999999Z',
      epochMs: Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    });
    expect(parsePhenomenonTime(' 2026-11-28 06:00:00,5z ')).toEqual({
      ok: true,
      iso: '2026-11-28T06:00:00.500000Z',
      epochMs: Date.UTC(2026, 10, 28, 6, 0, 0, 500),
    });
  });

  it('refuses what it refused before, with the same codes', () => {
    const code = (v: unknown) => {
      const r = parsePhenomenonTime(v);
      return r.ok ? 'ok' : r.code;
    };
    expect(code('2023-02-29T00:00:00Z')).toBe('TIME_INVALID');
    expect(code('2100-02-29T00:00:00Z')).toBe('TIME_INVALID');
    expect(code('2026-13-01T00:00:00Z')).toBe('TIME_INVALID');
    expect(code('2026-01-01T24:00:00Z')).toBe('TIME_INVALID');
    expect(code('2026-01-01T00:00:60Z')).toBe('TIME_INVALID');
    expect(code('2026-01-01T00:00:00+19:00')).toBe('TIME_INVALID');
    expect(code('2026-01-01T00:00:00')).toBe('TIME_OFFSET_MISSING');
    expect(code('2026-01-01')).toBe('TIME_OFFSET_MISSING');
    expect(code('2026-01-01T00:00:00Z/2026-01-02T00:00:00Z')).toBe('TIME_INVALID');
    expect(code(1_767_225_600_000)).toBe('TIME_INVALID');
    expect(code('yesterday')).toBe('TIME_INVALID');
  });
});
