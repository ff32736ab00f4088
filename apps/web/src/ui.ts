import { h, mount, type Child } from './dom';
import { colon, t, type Key } from './i18n';
import { ApiError } from './api';

export function loadingBox(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('loading'));
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code}${err.status ? `, HTTP ${err.status}` : ''})`;
  return err instanceof Error ? err.message : String(err);
}

/** An error notice with a retry button. */
export function errorBox(err: unknown, retry?: () => void): HTMLElement {
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('strong', null, `${t('errorPrefix')}${colon()}`),
    errorMessage(err),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, t('retry')) : null,
  );
}

export function notice(kind: 'info' | 'warn' | 'ok' | 'error', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted' | 'info';

export function chip(text: string, tone: Tone, attrs: Record<string, unknown> = {}): HTMLElement {
  return h('span', { class: `chip chip-${tone}`, ...attrs }, text);
}

/** A titled panel. */
export function section(titleKey: Key | string, lead: string | null, ...children: Child[]): HTMLElement {
  const title = titleKey;
  return h('section', { class: 'panel' }, h('h2', null, title), lead ? h('p', { class: 'lead' }, lead) : null, ...children);
}

/** Renders async content into `el`: a loading state, then the result or an error with retry. */
export async function loadInto(el: HTMLElement, work: () => Promise<Child>): Promise<void> {
  el.setAttribute('aria-busy', 'true');
  mount(el, loadingBox());
  try {
    mount(el, await work());
  } catch (err) {
    console.warn(err);
    mount(
      el,
      errorBox(err, () => void loadInto(el, work)),
    );
  } finally {
    el.removeAttribute('aria-busy');
  }
}

/** A horizontal bar 0–100 (completeness, progress) with its text. */
export function meter(value: number | null, tone: Tone, label: string): HTMLElement {
  const v = value === null ? 0 : Math.max(0, Math.min(100, value));
  return h('span', { class: 'meter', role: 'img', 'aria-label': label }, h('span', { class: `meter-fill tone-${tone}`, style: { width: `${v}%` } }));
}

/** Wraps a table so that it scrolls sideways on a phone instead of breaking the layout. */
export function tableWrap(table: HTMLTableElement, label: string): HTMLElement {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}
