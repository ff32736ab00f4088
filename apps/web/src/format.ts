import { getLang } from './i18n';

const locale = () => (getLang() === 'zh' ? 'zh-CN' : 'en-GB');

/** A percentage value as the reports print it: two decimals, e.g. "45.38%". */
export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}%`;
}

/** A signed difference in percentage points, e.g. "−0.42". */
export function signed(v: number, digits = 2): string {
  const s = Math.abs(v).toFixed(digits);
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

export function num(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? '—' : v.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const TZ = 'Asia/Shanghai';

/** A date as YYYY-MM-DD in Beijing time (the platform's zone). */
export function date(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Date and time in Beijing time, e.g. 2026-11-28 23:43. */
export function dateTime(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** "3 分钟前" / "3 minutes ago". */
export function ago(v: string | null | undefined): string {
  if (!v) return '—';
  const s = (Date.now() - new Date(v).getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (Math.abs(s) < 60) return rtf.format(-Math.round(s), 'second');
  if (Math.abs(s) < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (Math.abs(s) < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Today in Beijing time, YYYY-MM-DD (the ledger's calendar). */
export function todayBeijing(): string {
  return date(new Date());
}
