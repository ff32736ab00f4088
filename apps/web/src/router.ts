/** Hash routing (#/ledger/12?overdue=true): no server fallback needed, no clash with /v1, /ogc, /tiles. */
export interface Route {
  /** path segments, e.g. ['ledger', '12'] ('' route = []) */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs ?? '') };
}

/** The hash for a path and query; empty query values are left out. */
export function href(parts: (string | number)[], query: Record<string, string | number | boolean | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}${s ? `?${s}` : ''}`;
}

export function navigate(parts: (string | number)[], query: Record<string, string | number | boolean | null | undefined> = {}): void {
  const next = href(parts, query);
  if (location.hash !== next) location.hash = next;
}
