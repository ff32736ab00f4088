import { h, mount } from '../dom';
import { ApiError, get, post } from '../api';
import { getLang, t } from '../i18n';
import { dateTime } from '../format';
import { href, navigate, type Route } from '../router';
import { can, currentUser } from '../session';
import { chip, errorBox, errorMessage, loadingBox, notice, tableWrap, type Tone } from '../ui';

// Calls: GET /v1/alerts?status=open (or all), POST /v1/alerts/{id}/ack, POST /v1/alerts/{id}/resolve.
// The alerts API is being built alongside this view: its fields are read defensively, and a 404
// from the list route says that the server does not offer alerts yet.

interface Alert {
  id: string | number;
  kind?: string;
  type?: string;
  rule?: string;
  severity?: string;
  status?: string;
  title?: string;
  titleZh?: string;
  titleEn?: string;
  message?: string;
  messageZh?: string;
  messageEn?: string;
  createdAt?: string;
  raisedAt?: string;
  acknowledgedAt?: string | null;
  [k: string]: unknown;
}

const sevTone = (s: string | undefined): Tone => (s === 'critical' || s === 'high' ? 'bad' : s === 'warning' || s === 'medium' ? 'warn' : 'info');
const text = (a: Alert) => (getLang() === 'en' ? a.titleEn ?? a.messageEn : a.titleZh ?? a.messageZh) ?? a.title ?? a.message ?? '';

export async function renderAlerts(root: HTMLElement, route: Route): Promise<void> {
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('alertsTitle'));
  const head = h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('alertsLead'))));
  if (!currentUser()) {
    mount(root, head, notice('info', t('alertsLogin')));
    return;
  }
  const all = route.query.get('all') === 'true';
  mount(root, head, loadingBox());
  let alerts: Alert[];
  try {
    const res = await get<{ alerts?: Alert[]; items?: Alert[] } | Alert[]>('/v1/alerts', all ? {} : { status: 'open' }, { fresh: true });
    alerts = Array.isArray(res) ? res : res.alerts ?? res.items ?? [];
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      mount(root, head, notice('warn', t('alertsUnavailable')));
      return;
    }
    mount(root, head, errorBox(err, () => void renderAlerts(root, route)));
    return;
  }
  const toggle = h('input', { type: 'checkbox', id: 'f-all-alerts', checked: all, onchange: (e: Event) => navigate(['alerts'], { all: (e.target as HTMLInputElement).checked ? 'true' : '' }) });
  const msg = h('div', { 'aria-live': 'polite' });
  const act = async (a: Alert, action: 'ack' | 'resolve', btn: HTMLButtonElement) => {
    btn.disabled = true;
    try {
      await post(`/v1/alerts/${encodeURIComponent(String(a.id))}/${action}`, {});
      await renderAlerts(root, route);
    } catch (err) {
      btn.disabled = false;
      mount(msg, notice('error', errorMessage(err)));
    }
  };
  const table = h('table', { class: 'data-table alerts-table' },
    h('thead', null, h('tr', null, [t('createdAt'), t('severity'), t('alertKind'), t('message'), t('status'), t('actions')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, alerts.map((a) => {
      const ack = h('button', { type: 'button', class: 'btn btn-small', onclick: () => void act(a, 'ack', ack) }, t('acknowledge'));
      const res = h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => void act(a, 'resolve', res) }, t('resolve'));
      const open = !a.status || a.status === 'open';
      return h('tr', { 'data-alert': String(a.id) },
        h('td', { 'data-label': t('createdAt') }, dateTime(a.createdAt ?? a.raisedAt ?? null)),
        h('td', { 'data-label': t('severity') }, a.severity ? chip(a.severity, sevTone(a.severity)) : '—'),
        h('td', { 'data-label': t('alertKind') }, a.kind ?? a.type ?? a.rule ?? '—'),
        h('td', { 'data-label': t('message') }, text(a) || '—'),
        h('td', { 'data-label': t('status') }, a.status ?? '—', a.acknowledgedAt ? h('div', { class: 'muted small' }, `${t('acknowledged')} ${dateTime(a.acknowledgedAt)}`) : null),
        h('td', { 'data-label': t('actions') }, can.handleAlerts() && a.status !== 'resolved' ? [open && !a.acknowledgedAt ? ack : null, ' ', res] : '—'));
    })));
  mount(root, head,
    h('div', { class: 'field field-check' }, toggle, h('label', { for: 'f-all-alerts' }, t('showResolved'))), msg,
    alerts.length ? h('section', { class: 'panel panel-flush' }, tableWrap(table, t('alertsTitle'))) : notice('ok', t('noAlerts')),
    h('p', { class: 'muted small' }, h('a', { href: href(['ledger'], { overdue: 'true' }) }, t('viewOverdue'))));
}
