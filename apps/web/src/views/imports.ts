import { field, h, mount } from '../dom';
import { ApiError, download, get, postFile } from '../api';
import { colon, t } from '../i18n';
import { bytes, dateTime, num } from '../format';
import { href, navigate, type Route } from '../router';
import { can } from '../session';
import { chip, errorBox, errorMessage, notice, tableWrap } from '../ui';
import type { ImportMapping, ImportStatus } from '../types';

// Calls: POST /v1/imports[?mapping=&crs=] (multipart, upload progress), GET /v1/imports/{id} (polled
// until done), GET /v1/imports/{id}/errors.csv (with the token), GET /v1/imports/template.{csv,xlsx}
// (public), GET /v1/import-mappings (the team's saved header mappings).

const RECENT_KEY = 'biomon.imports';
const POLL_MS = 400;

interface Recent {
  id: string;
  fileName: string;
  at: string;
}

function recent(): Recent[] {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as Recent[];
  } catch {
    return [];
  }
}

function remember(r: Recent): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([r, ...recent().filter((x) => x.id !== r.id)].slice(0, 10)));
  } catch {
    /* storage full or unavailable */
  }
}

const statusTone = (s: ImportStatus['status']) => (s === 'completed' ? 'ok' : s === 'failed' ? 'bad' : 'info') as 'ok' | 'bad' | 'info';
const statusText = (s: ImportStatus) =>
  s.status === 'completed'
    ? t('phaseCompleted')
    : s.status === 'failed'
      ? t('phaseFailed')
      : s.status === 'queued'
        ? t('phaseQueued')
        : s.progress.rowsTotal
          ? t('phaseRunning', { done: num(s.progress.rowsDone), total: num(s.progress.rowsTotal), p: s.progress.percent ?? 0 })
          : t('phaseRunningNoTotal', { done: num(s.progress.rowsDone) });

/** The progress bar: upload bytes first (0–100), then rows processed. */
function progressBlock(): { el: HTMLElement; set: (pct: number | null, text: string, tone?: string) => void } {
  const bar = h('progress', { max: '100', id: 'import-progress', 'aria-describedby': 'import-progress-text' });
  const text = h('p', { id: 'import-progress-text', class: 'progress-text', 'aria-live': 'polite', 'data-role': 'progress-text' });
  const el = h(
    'div',
    { class: 'upload-progress', 'data-role': 'progress' },
    h('label', { for: 'import-progress', class: 'sr-only' }, t('uploadProgress')),
    bar,
    text,
  );
  return {
    el,
    set(pct, msg, tone) {
      if (pct === null) bar.removeAttribute('value');
      else bar.value = pct;
      text.textContent = msg;
      el.dataset.state = tone ?? 'running';
    },
  };
}

function countsTable(s: ImportStatus): HTMLElement {
  const c = s.counts;
  const row = (label: string, x: { inserted?: number; updated?: number; unchanged?: number; rejected?: number } | undefined) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      ...[x?.inserted, x?.updated, x?.unchanged, x?.rejected].map((v, i) => h('td', { class: `num${i === 3 && v ? ' cell-bad' : ''}` }, num(v ?? 0))),
    );
  return tableWrap(
    h(
      'table',
      { class: 'data-table counts-table', 'data-role': 'counts' },
      h('thead', null, h('tr', null, h('td'), ...[t('cInserted'), t('cUpdated'), t('cUnchanged'), t('cRejected')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, row(t('recordsLabel'), c), c.events ? row(t('eventsLabel'), c.events) : null),
    ),
    t('uploadProgress'),
  );
}

/** How each source column was mapped: the team sees at once that 纬度 became decimalLatitude, and which columns were kept as data. */
function columnsTable(s: ImportStatus): HTMLElement | null {
  const files = (s.columns ?? []).filter((f) => f.columns.length);
  if (!files.length) return null;
  return h(
    'details',
    { class: 'column-mapping', 'data-role': 'column-mapping', open: files.some((f) => f.columns.some((c) => c.term === null)) },
    h('summary', null, `${t('columnsTitle')}${s.mapping ? ` · ${t('mappingLabel')}${colon()}${s.mapping}` : ''}`),
    files.map((f) =>
      tableWrap(
        h(
          'table',
          { class: 'data-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, '#'),
              h('th', { scope: 'col' }, `${t('colSource')}${files.length > 1 ? ` (${f.file})` : ''}`),
              h('th', { scope: 'col' }, t('colTerm')),
            ),
          ),
          h(
            'tbody',
            null,
            f.columns.map((c) =>
              h(
                'tr',
                { 'data-term': c.term ?? '' },
                h('td', { class: 'num' }, String(c.column)),
                h('td', null, c.header),
                h('td', { class: c.term ? 'mono' : 'muted' }, c.term ? `${c.term}${c.via === 'mapping' ? ` ${t('colViaMapping')}` : ''}` : t('colKept')),
              ),
            ),
          ),
        ),
        t('columnsTitle'),
      ),
    ),
  );
}

function resultBlock(s: ImportStatus): HTMLElement {
  return h(
    'div',
    { class: 'import-result', 'data-import': s.importId, 'data-status': s.status },
    h(
      'dl',
      { class: 'facts' },
      h('div', null, h('dt', null, t('fileName')), h('dd', null, s.fileName)),
      h('div', null, h('dt', null, t('size')), h('dd', null, bytes(s.sizeBytes))),
      h('div', null, h('dt', null, t('importId')), h('dd', { class: 'mono small' }, s.importId)),
      h('div', null, h('dt', null, t('status')), h('dd', null, chip(statusText(s), statusTone(s.status)))),
    ),
    s.error ? notice('error', `${s.error.code}: ${s.error.message}`) : null,
    s.status === 'completed' ? countsTable(s) : null,
    columnsTable(s),
    s.counts.warnings?.length
      ? h(
          'div',
          { class: 'import-warnings' },
          h('h3', null, t('warningsTitle')),
          h(
            'ul',
            null,
            s.counts.warnings.map((w) => h('li', null, w)),
          ),
        )
      : null,
    s.errorRows > 0
      ? h(
          'p',
          null,
          `${t('errorRows')}${colon()}${num(s.errorRows)} · `,
          h(
            'a',
            {
              href: `/v1/imports/${s.importId}/errors.csv`,
              'data-role': 'error-report',
              onclick: (e: Event) => {
                e.preventDefault();
                void download(`/v1/imports/${s.importId}/errors.csv`, `import-${s.importId}-errors.csv`).catch((err) => alert(errorMessage(err)));
              },
            },
            t('errorReport'),
          ),
        )
      : null,
  );
}

async function watch(id: string, progress: ReturnType<typeof progressBlock>, out: HTMLElement, isCurrent: () => boolean): Promise<void> {
  for (;;) {
    if (!isCurrent()) return;
    const s = await get<ImportStatus>(`/v1/imports/${id}`, {}, { fresh: true });
    if (s.status === 'completed' || s.status === 'failed') {
      progress.set(s.status === 'completed' ? 100 : (s.progress.percent ?? 0), statusText(s), s.status === 'completed' ? 'done' : 'failed');
      mount(out, resultBlock(s));
      return;
    }
    progress.set(s.status === 'queued' ? null : s.progress.percent, statusText(s));
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function renderImports(root: HTMLElement, route: Route, isCurrent: () => boolean): Promise<void> {
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('importsTitle'));
  const templates = h(
    'span',
    { class: 'templates' },
    `${t('templates')}${colon()}`,
    h('a', { href: '/v1/imports/template.xlsx?headers=zh', download: '' }, `Excel · ${t('templateZh')}`),
    ' · ',
    h('a', { href: '/v1/imports/template.xlsx', download: '' }, `Excel · ${t('templateDwc')}`),
    ' · ',
    h('a', { href: '/v1/imports/template.csv?headers=zh', download: '' }, `CSV · ${t('templateZh')}`),
    ' · ',
    h('a', { href: '/v1/imports/template.csv', download: '' }, `CSV · ${t('templateDwc')}`),
  );
  if (!can.viewImports()) {
    mount(
      root,
      h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('importsLead')))),
      notice('info', t('importsLogin')),
      h('p', null, templates),
    );
    return;
  }

  const progress = progressBlock();
  const out = h('div', { 'aria-live': 'polite' });
  let uploadPanel: HTMLElement;
  if (can.upload()) {
    const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.xls,.csv,.tsv,.txt,.gpx,.kml,.kmz,.zip,text/csv,application/zip', required: true });
    // the team's saved header mappings, and the CRS of GPS tracks that do not declare it
    const mappingSelect = h('select', { name: 'mapping' }, h('option', { value: '' }, t('mappingNone')));
    void get<{ mappings: ImportMapping[] }>('/v1/import-mappings', {}, { fresh: true })
      .then((r) => {
        for (const m of r.mappings) mappingSelect.append(h('option', { value: m.name }, m.description ? `${m.name} — ${m.description}` : m.name));
      })
      .catch(() => {
        /* none, or not this role */
      });
    const crsSelect = h(
      'select',
      { name: 'crs' },
      h('option', { value: '' }, t('crsAuto')),
      h('option', { value: 'gcj02' }, 'GCJ-02'),
      h('option', { value: 'bd09' }, 'BD-09'),
      h('option', { value: 'wgs84' }, 'WGS84'),
    );
    const submit = h('button', { type: 'submit', class: 'btn' }, t('upload'));
    uploadPanel = h(
      'section',
      { class: 'panel panel-accent' },
      h(
        'form',
        {
          class: 'upload-form',
          'data-role': 'upload-form',
          onsubmit: async (e: Event) => {
            e.preventDefault();
            const f = file.files?.[0];
            if (!f) return;
            submit.disabled = true;
            mount(out);
            progress.el.hidden = false;
            progress.set(0, t('phaseUpload', { p: 0 }));
            try {
              const query = new URLSearchParams(Object.entries({ mapping: mappingSelect.value, crs: crsSelect.value }).filter(([, v]) => v !== '')).toString();
              const res = await postFile<{ importId: string; duplicate: boolean }>(`/v1/imports${query ? `?${query}` : ''}`, f, (p) =>
                progress.set(p, t('phaseUpload', { p })),
              );
              remember({ id: res.importId, fileName: f.name, at: new Date().toISOString() });
              if (res.duplicate) out.before(notice('info', t('duplicateFile')));
              progress.set(null, t('phaseQueued'));
              await watch(res.importId, progress, out, isCurrent);
            } catch (err) {
              progress.set(0, t('phaseFailed'), 'failed');
              mount(out, errorBox(err));
            } finally {
              submit.disabled = false;
            }
          },
        },
        field(t('chooseFile'), file, 'Excel (.xlsx/.xls) · CSV · GPX/KML/KMZ · DwC-A (.zip) · Camtrap DP (.zip) · ≤ 512 MB'),
        field(t('mappingLabel'), mappingSelect),
        field(t('crsLabel'), crsSelect),
        submit,
      ),
      progress.el,
      out,
      h(
        'details',
        { class: 'steps', open: true },
        h('summary', null, t('importSteps')),
        h('ol', null, h('li', null, templates), h('li', null, t('importStep2')), h('li', null, t('importStep3')), h('li', null, t('importStep4'))),
      ),
    );
    progress.el.hidden = true;
  } else {
    uploadPanel = h('section', { class: 'panel' }, notice('info', t('importsNoUpload')), h('p', null, templates));
  }

  // look-up by id (#/imports/<id>) and this browser's recent uploads
  const idInput = h('input', { type: 'text', name: 'importId', pattern: '[0-9a-fA-F-]{36}', value: route.parts[1] ?? '', class: 'mono' });
  const lookupOut = h('div', { 'aria-live': 'polite' });
  const lookup = h(
    'section',
    { class: 'panel' },
    h('h2', null, t('lookupImport')),
    h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (idInput.value.trim()) navigate(['imports', idInput.value.trim()]);
        },
      },
      field(t('importId'), idInput),
      h('button', { type: 'submit', class: 'btn btn-ghost' }, t('lookup')),
    ),
    lookupOut,
  );
  const rec = recent();
  const recentPanel = rec.length
    ? h(
        'section',
        { class: 'panel' },
        h('h2', null, t('recentImports')),
        h(
          'ul',
          { class: 'plain-list' },
          rec.map((r) => h('li', null, h('a', { href: href(['imports', r.id]) }, r.fileName), h('span', { class: 'muted small' }, ` · ${dateTime(r.at)}`))),
        ),
      )
    : null;

  mount(root, h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('importsLead')))), uploadPanel, lookup, recentPanel);
  if (route.parts[1]) {
    try {
      mount(lookupOut, resultBlock(await get<ImportStatus>(`/v1/imports/${encodeURIComponent(route.parts[1])}`, {}, { fresh: true })));
    } catch (err) {
      mount(lookupOut, err instanceof ApiError && err.status === 404 ? notice('warn', errorMessage(err)) : errorBox(err));
    }
  }
}
