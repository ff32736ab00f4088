/**
 * The dashboard talks to the public API only: same origin, `Authorization: Bearer` when signed in.
 * GET answers are cached briefly in memory so that switching language or view does not refetch.
 */
const TOKEN_KEY = 'biomon.token';
const CACHE_MS = 30_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: nothing persists */
  }
  cache.clear();
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** `/v1/x?a=1`, leaving out empty values. */
export function url(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || code;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message, details);
}

const cache = new Map<string, { at: number; value: Promise<unknown> }>();

/** GET a JSON resource (cached for 30 s per URL and token). */
export function get<T>(path: string, query: Query = {}, opts: { fresh?: boolean; accept?: string } = {}): Promise<T> {
  const u = url(path, query);
  const key = `${getToken() ?? ''} ${opts.accept ?? ''} ${u}`;
  const hit = cache.get(key);
  if (!opts.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = (async () => {
    const res = await fetch(u, { headers: headers(opts.accept ? { accept: opts.accept } : {}) });
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  })();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value as Promise<T>;
}

/** POST JSON; clears the GET cache (a write changes what reads answer). */
export async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body ?? {}) });
  cache.clear();
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/**
 * POST one file as multipart/form-data (part "file") with upload progress (fetch has none, so
 * XMLHttpRequest). `onProgress` receives 0–100.
 */
export function postFile<T>(path: string, file: File, onProgress?: (pct: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      cache.clear();
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `HTTP_${xhr.status}`, err?.message ?? xhr.statusText, err?.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'network error'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** Downloads a resource that needs the token (a plain link cannot send the header). */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: headers({ accept: '*/*' }) });
  if (!res.ok) throw await errorFrom(res);
  const blobUrl = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = blobUrl;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
}

/** Every page of a cursor-paged list, up to `maxItems`. */
export async function getAll<T, K extends string>(path: string, listKey: K, query: Query, maxItems: number): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await get<Record<K, T[]> & { nextCursor?: string | null }>(path, { ...query, cursor });
    items.push(...page[listKey]);
    cursor = page.nextCursor;
  } while (cursor && items.length < maxItems);
  return { items: items.slice(0, maxItems), truncated: Boolean(cursor) || items.length > maxItems };
}
