import { field, h, mount, select } from '../dom';
import { ApiError, get, post } from '../api';
import { pick, t, tx } from '../i18n';
import { dateTime, num } from '../format';
import { href, navigate, type Route } from '../router';
import { can, currentUser } from '../session';
import { chip, errorBox, errorMessage, loadingBox, notice, tableWrap, type Tone } from '../ui';

// Calls: GET /v1/alerts?status=…&severity=… (any token), POST /v1/alerts/{id}/ack and
// POST /v1/alerts/{id}/resolve (evaluator). A 404 from the list means the server has no alerts API.

interface Alert {
  id: number;
  rule: string;
  ruleNameZh: string | null;
  ruleNameEn: string | null;
  severity: string;
  status: 'open' | 'acknowledged' | 'resolved' | string;
  titleZh: string;
  titleEn: string;
  region: { code: string | null; name: string | null };
  taxon: { scientificName: string; chineseName: string | null } | null;
  cellId: string | null;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  acknowledged: { by: string | null; at: string } | null;
  resolved: { by: string | null; at: string; automatic: boolean } | null;
}

const SEV_TONE: Record<string, Tone> = { critical: 'bad', warning: 'warn', info: 'info' };
const STATUS_TONE: Record<string, Tone> = { open: 'bad', acknowledged: 'warn', resolved: 'ok' };

export async function renderAlerts(root: HTMLElement, route: Route): Promise<void> {
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('alertsTitle'));
  const head = h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('alertsLead'))));
  if (!currentUser()) {
    mount(root, head, notice('info', t('alertsLogin')));
    return;
  }
  const status = route.query.get('status') ?? 'open,acknowledged';
  const severity = route.query.get('severity') ?? '';
  const statusSel = select(
    [
      { value: 'open,acknowledged', label: t('alertsUnresolved') },
      { value: 'open', label: tx('al_', 'open') },
      { value: 'acknowledged', label: tx('al_', 'acknowledged') },
      { value: 'resolved', label: tx('al_', 'resolved') },
      { value: 'all', label: t('allStatuses') },
    ],
    status,
    { name: 'status' },
  );
  const sevSel = select(
    [{ value: '', label: t('allSeverities') }, ...['critical', 'warning', 'info'].map((s) => ({ value: s, label: tx('sev_', s) }))],
    severity,
    { name: 'severity' },
  );
  const apply = () => navigate(['alerts'], { status: statusSel.value === 'open,acknowledged' ? '' : statusSel.value, severity: sevSel.value });
  statusSel.addEventListener('change', apply);
  sevSel.addEventListener('change', apply);
  const filters = h(
    'form',
    {
      class: 'filters filters-compact',
      onsubmit: (e: Event) => {
        e.preventDefault();
        apply();
      },
    },
    field(t('status'), statusSel),
    field(t('severity'), sevSel),
    h('div', { class: 'field-actions' }, h('button', { type: 'submit', class: 'btn' }, t('filter'))),
  );

  mount(root, head, loadingBox());
  let alerts: Alert[];
  try {
    ({ alerts } = await get<{ alerts: Alert[] }>('/v1/alerts', { status: status === 'all' ? undefined : status, severity, limit: 200 }, { fresh: true }));
  } catch (err) {
    mount(
      root,
      head,
      err instanceof ApiError && err.status === 404 ? notice('warn', t('alertsUnavailable')) : errorBox(err, () => void renderAlerts(root, route)),
    );
    return;
  }
  const msg = h('div', { 'aria-live': 'polite' });
  const act = async (a: Alert, action: 'ack' | 'resolve', btn: HTMLButtonElement) => {
    btn.disabled = true;
    try {
      await post(`/v1/alerts/${a.id}/${action}`, {});
      await renderAlerts(root, route);
      root.querySelector<HTMLElement>('[data-role="alerts-status"]')?.focus();
    } catch (err) {
      btn.disabled = false;
      mount(msg, notice('error', errorMessage(err)));
    }
  };
  const table = h(
    'table',
    { class: 'data-table alerts-table' },
    h('caption', { class: 'sr-only' }, t('alertsTitle')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [t('severity'), t('message'), t('alertKind'), t('region'), t('lastSeenAlert'), t('status'), t('actions')].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      null,
      alerts.map((a) => {
        const ack = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'ack', onclick: () => void act(a, 'ack', ack) }, t('acknowledge'));
        const res = h(
          'button',
          { type: 'button', class: 'btn btn-small btn-ghost', 'data-action': 'resolve', onclick: () => void act(a, 'resolve', res) },
          t('resolve'),
        );
        return h(
          'tr',
          { 'data-alert': String(a.id), 'data-status': a.status },
          h('td', { 'data-label': t('severity') }, chip(tx('sev_', a.severity), SEV_TONE[a.severity] ?? 'muted')),
          h(
            'td',
            { 'data-label': t('message') },
            h('strong', null, pick(a.titleZh, a.titleEn)),
            a.occurrences > 1
              ? h('div', { class: 'muted small' }, t('alertTimes', { n: num(a.occurrences) }), ` · ${t('firstSeen')} ${dateTime(a.firstSeen)}`)
              : null,
          ),
          h('td', { 'data-label': t('alertKind') }, pick(a.ruleNameZh, a.ruleNameEn) || a.rule),
          h('td', { 'data-label': t('region') }, a.region.name ?? a.region.code ?? (a.cellId ? `${t('cell')} ${a.cellId}` : '—')),
          h('td', { 'data-label': t('lastSeenAlert') }, dateTime(a.lastSeen)),
          h(
            'td',
            { 'data-label': t('status') },
            chip(tx('al_', a.status), STATUS_TONE[a.status] ?? 'muted'),
            a.acknowledged ? h('div', { class: 'muted small' }, `${t('acknowledged')} ${a.acknowledged.by ?? ''} ${dateTime(a.acknowledged.at)}`) : null,
            a.resolved
              ? h(
                  'div',
                  { class: 'muted small' },
                  `${tx('al_', 'resolved')} ${a.resolved.automatic ? t('automatic') : (a.resolved.by ?? '')} ${dateTime(a.resolved.at)}`,
                )
              : null,
          ),
          h('td', { 'data-label': t('actions') }, can.handleAlerts() && a.status !== 'resolved' ? [a.status === 'open' ? ack : null, ' ', res] : '—'),
        );
      }),
    ),
  );
  const open = alerts.filter((a) => a.status === 'open').length;
  mount(
    root,
    head,
    h('section', { class: 'panel' }, filters),
    h('p', { class: 'result-count', role: 'status', tabindex: '-1', 'data-role': 'alerts-status' }, t('alertsFound', { n: alerts.length, o: open })),
    msg,
    alerts.length ? h('section', { class: 'panel panel-flush' }, tableWrap(table, t('alertsTitle'))) : notice('ok', t('noAlerts')),
    !can.handleAlerts() ? h('p', { class: 'muted small' }, t('alertsEvaluatorOnly')) : null,
    h('p', { class: 'muted small' }, h('a', { href: href(['ledger'], { overdue: 'true' }) }, t('viewOverdue'))),
  );
}
