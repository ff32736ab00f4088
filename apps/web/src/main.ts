import './styles.css';
import { h, mount, field } from './dom';
import { applyDocumentLang, getLang, setLang, t, type Key } from './i18n';
import { currentRoute, href, type Route } from './router';
import { currentUser, restoreSession, signIn, signOut } from './session';
import { disposeCharts } from './charts';
import { errorMessage, notice } from './ui';
import { renderOverview } from './views/overview';
import { renderLedger } from './views/ledger';
import { renderStations } from './views/stations';
import { renderImports } from './views/imports';
import { renderAlerts } from './views/alerts';
import { renderGermplasm } from './views/germplasm';

type Cleanup = (() => void) | void;
type View = (root: HTMLElement, route: Route, isCurrent: () => boolean) => Promise<Cleanup> | Cleanup;

const VIEWS: { path: string; key: Key; view: View }[] = [
  { path: '', key: 'navOverview', view: (root) => renderOverview(root) },
  // the map view (MapLibre) loads on demand: most visits never pay for it
  { path: 'map', key: 'navMap', view: async (root, route, isCurrent) => (await import('./views/map')).renderMap(root, route, isCurrent) },
  { path: 'ledger', key: 'navLedger', view: renderLedger },
  { path: 'stations', key: 'navStations', view: renderStations },
  { path: 'imports', key: 'navImports', view: renderImports },
  { path: 'alerts', key: 'navAlerts', view: renderAlerts },
  { path: 'germplasm', key: 'navGermplasm', view: renderGermplasm },
];

const app = document.getElementById('app')!;
const main = h('main', { id: 'main', tabindex: '-1' });
const header = h('header', { class: 'topbar' });
let renderSeq = 0;
let cleanup: Cleanup;
let lastPath = '';

function userBox(): HTMLElement {
  const me = currentUser();
  if (!me) return h('button', { type: 'button', class: 'btn btn-light', 'data-role': 'sign-in', onclick: openSignIn }, t('signIn'));
  const scope = me.departmentName ?? me.team ?? me.stationId;
  return h(
    'div',
    { class: 'user' },
    h(
      'span',
      { class: 'user-role', 'data-role': 'user-role', title: me.label },
      t(`role_${me.role}` as Key),
      scope ? h('span', { class: 'user-scope' }, ` · ${scope}`) : null,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-light btn-small',
        onclick: () => {
          signOut();
          renderShell();
          void route();
        },
      },
      t('signOut'),
    ),
  );
}

function renderShell(): void {
  const r = currentRoute();
  const active = r.parts[0] ?? '';
  mount(
    header,
    h(
      'a',
      {
        class: 'skip-link',
        href: '#main',
        onclick: (e: Event) => {
          e.preventDefault();
          main.focus();
        },
      },
      t('skip'),
    ),
    h(
      'div',
      { class: 'topbar-inner' },
      h(
        'a',
        { class: 'brand', href: href([]) },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
        h('span', { class: 'brand-text' }, h('strong', null, t('appShort')), h('small', null, t('appTitle'))),
      ),
      h(
        'div',
        { class: 'topbar-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-light btn-small',
            lang: getLang() === 'zh' ? 'en' : 'zh-CN',
            'aria-label': t('langSwitchLabel'),
            'data-role': 'lang',
            onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh'),
          },
          t('langSwitch'),
        ),
        userBox(),
      ),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('navLabel') },
      h(
        'ul',
        null,
        VIEWS.map((v) =>
          h(
            'li',
            null,
            h('a', { href: href(v.path ? [v.path] : []), 'aria-current': v.path === active ? 'page' : undefined, 'data-nav': v.path || 'overview' }, t(v.key)),
          ),
        ),
      ),
    ),
  );
}

const signInDialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'signin-title' });
function openSignIn(): void {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true, class: 'mono', 'data-role': 'token' });
  const msg = h('div', { 'aria-live': 'assertive' });
  mount(
    signInDialog,
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            await signIn(input.value);
            signInDialog.close();
            renderShell();
            void route();
          } catch (err) {
            mount(msg, notice('error', `${t('tokenInvalid')}: ${errorMessage(err)}`));
            input.select();
          }
        },
      },
      h('h2', { id: 'signin-title' }, t('signInTitle')),
      h('p', { class: 'muted small' }, t('signInHelp')),
      field(t('tokenLabel'), input),
      msg,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => signInDialog.close() }, t('cancel')),
        h('button', { type: 'submit', class: 'btn' }, t('signIn')),
      ),
    ),
  );
  signInDialog.showModal();
  input.focus();
}

async function route(): Promise<void> {
  const seq = ++renderSeq;
  const r = currentRoute();
  const entry = VIEWS.find((v) => v.path === (r.parts[0] ?? '')) ?? VIEWS[0];
  renderShell();
  if (typeof cleanup === 'function') cleanup();
  cleanup = undefined;
  disposeCharts();
  const root = h('div', { class: `view view-${entry.path || 'overview'}` });
  mount(main, root);
  const path = r.parts.join('/');
  const moved = path !== lastPath;
  lastPath = path;
  if (moved) window.scrollTo(0, 0);
  try {
    const c = await entry.view(root, r, () => seq === renderSeq);
    if (seq === renderSeq) cleanup = c;
    else if (typeof c === 'function') c();
  } catch (err) {
    console.error(err);
    mount(root, notice('error', errorMessage(err)));
  }
  // focus the page title after navigating (screen readers announce the new view)
  if (moved && seq === renderSeq && !signInDialog.open) root.querySelector<HTMLElement>('.page-title')?.focus({ preventScroll: true });
}

async function start(): Promise<void> {
  applyDocumentLang();
  mount(
    app,
    header,
    main,
    h(
      'footer',
      { class: 'footer' },
      h('p', null, t('footerNote'), ' · ', h('a', { href: '/docs' }, t('apiDocs')), ' · ', h('a', { href: '/openapi.json' }, 'OpenAPI')),
    ),
    signInDialog,
  );
  await restoreSession();
  window.addEventListener('hashchange', () => void route());
  window.addEventListener('biomon:lang', () => {
    mount(
      app.querySelector('footer')!,
      h('p', null, t('footerNote'), ' · ', h('a', { href: '/docs' }, t('apiDocs')), ' · ', h('a', { href: '/openapi.json' }, 'OpenAPI')),
    );
    void route();
  });
  await route();
}

void start();
