import { field, h, mount, select } from '../dom';
import { ApiError, get, post, postFile } from '../api';
import { colon, pick, t, tx } from '../i18n';
import { dateTime, pct, todayBeijing } from '../format';
import { href, navigate, type Route } from '../router';
import { can, currentUser } from '../session';
import { chip, errorBox, errorMessage, loadingBox, notice, tableWrap, type Tone } from '../ui';
import type { DepartmentSummary, Progress, Task, TaskDetail } from '../types';

// Calls: GET /v1/ledger/tasks (filters department, section, status, overdue), GET /v1/ledger/departments,
// GET /v1/ledger/tasks/{no}; with a department token POST /v1/files and POST /v1/ledger/tasks/{no}/progress.

const STATUSES = ['not_reported', 'not_started', 'in_progress', 'done', 'blocked'] as const;
const statusTone = (s: string | null): Tone => (s === 'done' ? 'ok' : s === 'blocked' ? 'bad' : s === 'in_progress' ? 'info' : 'muted');

function statusChip(task: Pick<Task, 'status' | 'overdue' | 'daysOverdue'>): HTMLElement[] {
  const out = [chip(tx('st_', task.status ?? 'not_reported'), statusTone(task.status))];
  if (task.overdue) out.push(chip(t('overdueDays', { n: task.daysOverdue ?? 0 }), 'bad', { 'data-role': 'overdue' }));
  return out;
}

export async function renderLedger(root: HTMLElement, route: Route): Promise<void> {
  if (route.parts[1]) return renderTask(root, Number(route.parts[1]));
  const q = route.query;
  const filters = {
    department: q.get('department') ?? '',
    section: q.get('section') ?? '',
    status: q.get('status') ?? '',
    overdue: q.get('overdue') === 'true',
  };
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('ledgerTitle'));
  mount(root, title, loadingBox());
  let all: Task[];
  let depts: DepartmentSummary[];
  let tasks: Task[];
  try {
    [{ tasks: all }, { departments: depts }, { tasks }] = await Promise.all([
      get<{ tasks: Task[] }>('/v1/ledger/tasks'),
      get<{ departments: DepartmentSummary[] }>('/v1/ledger/departments'),
      get<{ tasks: Task[] }>('/v1/ledger/tasks', {
        department: filters.department,
        section: filters.section,
        status: filters.status,
        overdue: filters.overdue || undefined,
      }),
    ]);
  } catch (err) {
    mount(
      root,
      title,
      errorBox(err, () => void renderLedger(root, route)),
    );
    return;
  }

  const sections = [...new Map(all.map((x) => [x.section, x.sectionTitle])).entries()];
  const kindOrder: Record<string, number> = { provincial: 0, central: 1, prefecture_government: 2, other: 3 };
  const deptOptions = [...depts].sort((a, b) => (kindOrder[a.kind] ?? 9) - (kindOrder[b.kind] ?? 9) || b.counts.tasks - a.counts.tasks);

  const deptSel = select(
    [{ value: '', label: t('allDepartments') }, ...deptOptions.map((d) => ({ value: d.name, label: `${d.name}（${d.counts.tasks}）` }))],
    filters.department,
    { name: 'department' },
  );
  const sectionSel = select(
    [{ value: '', label: t('allSections') }, ...sections.map(([s, title]) => ({ value: s, label: `${s}、${title}` }))],
    filters.section,
    { name: 'section' },
  );
  const statusSel = select([{ value: '', label: t('allStatuses') }, ...STATUSES.map((s) => ({ value: s, label: tx('st_', s) }))], filters.status, {
    name: 'status',
  });
  const overdueBox = h('input', { type: 'checkbox', name: 'overdue', id: 'f-overdue', checked: filters.overdue });
  const apply = () =>
    navigate(['ledger'], { department: deptSel.value, section: sectionSel.value, status: statusSel.value, overdue: overdueBox.checked ? 'true' : '' });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': t('filter'),
      onsubmit: (e: Event) => {
        e.preventDefault();
        apply();
      },
    },
    field(t('department'), deptSel),
    field(t('section'), sectionSel),
    field(t('status'), statusSel),
    h('div', { class: 'field field-check' }, overdueBox, h('label', { for: 'f-overdue' }, t('overdueOnly'))),
    h(
      'div',
      { class: 'field field-actions' },
      h('button', { type: 'submit', class: 'btn' }, t('filter')),
      h('a', { class: 'btn btn-ghost', href: href(['ledger']) }, t('reset')),
    ),
  );
  // selects apply at once (no need to find the button); the button is there for keyboard users
  for (const el of [deptSel, sectionSel, statusSel, overdueBox]) el.addEventListener('change', apply);

  const dept = depts.find((d) => d.name === filters.department);
  const overdueN = tasks.filter((x) => x.overdue).length;
  const table = h(
    'table',
    { class: 'data-table ledger-table' },
    h('caption', { class: 'sr-only' }, t('ledgerTitle')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('taskNo')),
        h('th', { scope: 'col' }, t('taskText')),
        h('th', { scope: 'col' }, t('responsible')),
        h('th', { scope: 'col' }, t('timeline')),
        h('th', { scope: 'col' }, t('status')),
      ),
    ),
    h(
      'tbody',
      null,
      tasks.map((x) =>
        h(
          'tr',
          { 'data-task': x.no, class: x.overdue ? 'row-overdue' : '' },
          h(
            'td',
            { class: 'num', 'data-label': t('taskNo') },
            h('a', { href: href(['ledger', x.no]), 'aria-label': t('taskTitle', { no: x.no }) }, String(x.no)),
          ),
          h(
            'td',
            { 'data-label': t('taskText') },
            h('a', { class: 'task-link', href: href(['ledger', x.no]) }, x.text),
            h('div', { class: 'muted small' }, `${x.section}、${x.sectionTitle} ·（${x.measure}）${x.measureTitle}`),
          ),
          h('td', { 'data-label': t('responsible') }, x.departments.join('、')),
          h('td', { 'data-label': t('timeline') }, x.timeline.text),
          h('td', { 'data-label': t('status') }, statusChip(x)),
        ),
      ),
    ),
  );

  mount(
    root,
    h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('ledgerLead')))),
    h('section', { class: 'panel' }, form),
    dept ? notice('info', t('deptSummary', { name: dept.name, r: dept.responsibleCounts.tasks, o: dept.counts.overdue, d: dept.counts.done })) : null,
    h(
      'p',
      { class: 'result-count', role: 'status', 'data-role': 'count' },
      t('tasksFound', { n: tasks.length }),
      overdueN ? t('tasksFoundOverdue', { n: overdueN }) : '',
    ),
    h('section', { class: 'panel panel-flush' }, tableWrap(table, t('ledgerTitle'))),
  );
}

async function renderTask(root: HTMLElement, no: number): Promise<void> {
  const back = h('a', { class: 'back', href: href(['ledger']) }, `← ${t('backToLedger')}`);
  mount(root, back, loadingBox());
  let task: TaskDetail;
  try {
    task = await get<TaskDetail>(`/v1/ledger/tasks/${no}`, {}, { fresh: true });
  } catch (err) {
    mount(
      root,
      back,
      errorBox(err, () => void renderTask(root, no)),
    );
    return;
  }
  const indicators = task.linkedIndicators.length
    ? h(
        'section',
        { class: 'panel' },
        h('h2', null, t('linkedIndicators')),
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
                h('th', { scope: 'col' }, t('linkedIndicators')),
                h('th', { scope: 'col' }, t('dataYear')),
                h('th', { scope: 'col' }, t('value')),
                h('th', { scope: 'col' }, t('target')),
                h('th', { scope: 'col' }, t('metQ')),
              ),
            ),
            h(
              'tbody',
              null,
              task.linkedIndicators.map((v) =>
                h(
                  'tr',
                  { 'data-indicator': v.code },
                  h('th', { scope: 'row' }, pick(v.nameZh, v.nameEn)),
                  h('td', null, String(v.year)),
                  h('td', { class: 'num' }, pct(v.value)),
                  h('td', null, v.target !== null ? pct(v.target, 1) : (v.targetText ?? '—')),
                  h('td', null, v.meetsTarget === null ? chip(t('noNumericTarget'), 'info') : v.meetsTarget ? chip(t('met'), 'ok') : chip(t('notMet'), 'bad')),
                ),
              ),
            ),
          ),
          t('linkedIndicators'),
        ),
      )
    : null;
  const data = task.linkedData.length
    ? h(
        'section',
        { class: 'panel' },
        h('h2', null, t('linkedData')),
        task.linkedData.map((d) =>
          h(
            'div',
            { class: 'linked-data' },
            h('h3', null, pick(d.nameZh, d.nameEn)),
            figures(d.figures ?? {}),
            d.note ? h('p', { class: 'muted small' }, d.note) : null,
          ),
        ),
      )
    : null;

  const history = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'h-history' },
    h('h2', { id: 'h-history' }, t('progressHistory')),
    task.progress.length
      ? h('ol', { class: 'timeline', 'data-role': 'progress' }, task.progress.map(progressItem))
      : h('p', { class: 'muted' }, t('noProgress')),
  );

  mount(
    root,
    back,
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        null,
        h('h1', { class: 'page-title', tabindex: '-1' }, t('taskTitle', { no: task.no }), ' ', statusChip(task)),
        h('p', { class: 'muted' }, `${task.section}、${task.sectionTitle} ·（${task.measure}）${task.measureTitle}`),
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('p', { class: 'task-text' }, task.text),
      h(
        'dl',
        { class: 'facts facts-wide' },
        h(
          'div',
          null,
          h('dt', null, t('responsible')),
          h(
            'dd',
            null,
            task.departments.map((d) => chip(d, 'info')),
          ),
        ),
        h(
          'div',
          null,
          h('dt', null, t('implementing')),
          h(
            'dd',
            null,
            task.implementingDepartments.join('、') || '—',
            task.responsibilityNote ? h('span', { class: 'muted small' }, `（${task.responsibilityNote}）`) : null,
          ),
        ),
        h(
          'div',
          null,
          h('dt', null, t('timeline')),
          h('dd', null, task.timeline.text, task.timeline.end ? h('span', { class: 'muted small' }, ` (${task.timeline.end})`) : null),
        ),
        h('div', null, h('dt', null, t('status')), h('dd', null, statusChip(task))),
      ),
    ),
    indicators,
    data,
    progressForm(task, () => void renderTask(root, no)),
    history,
  );
}

function figures(f: Record<string, unknown>): HTMLElement {
  // linked-data figures are small lists of rows; show each as a compact table
  return h(
    'div',
    null,
    Object.entries(f).map(([k, rows]) =>
      Array.isArray(rows) && rows.length && typeof rows[0] === 'object'
        ? tableWrap(
            h(
              'table',
              { class: 'data-table compact' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  Object.keys(rows[0] as object).map((c) => h('th', { scope: 'col' }, c)),
                ),
              ),
              h(
                'tbody',
                null,
                rows.map((r) =>
                  h(
                    'tr',
                    null,
                    Object.values(r as object).map((v) => h('td', null, v === null ? '—' : String(v))),
                  ),
                ),
              ),
            ),
            k,
          )
        : h('p', null, `${k}: ${JSON.stringify(rows)}`),
    ),
  );
}

function progressItem(p: Progress): HTMLElement {
  return h(
    'li',
    { class: 'timeline-item', 'data-status': p.status },
    h(
      'div',
      { class: 'timeline-head' },
      chip(tx('st_', p.status), statusTone(p.status)),
      h('span', null, `${t('progressAsOf')} ${p.asOf}`),
      h('span', { class: 'muted small' }, `${t('reportedBy')} ${p.department ?? p.reporterRole} · ${dateTime(p.reportedAt)}`),
    ),
    p.note ? h('p', { class: 'timeline-note' }, p.note) : null,
    p.evidence.length
      ? h(
          'ul',
          { class: 'evidence' },
          p.evidence.map((e) =>
            h(
              'li',
              null,
              `${t('evidence')}${colon()}`,
              'url' in e
                ? h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.title)
                : h('span', null, `${e.title}（${e.originalName ?? e.fileId}）`),
            ),
          ),
        )
      : null,
  );
}

function progressForm(task: TaskDetail, done: () => void): HTMLElement {
  const me = currentUser();
  if (!me || (me.role !== 'department' && me.role !== 'admin'))
    return h('section', { class: 'panel' }, h('h2', null, t('reportProgress')), notice('info', t('reportProgressLogin')));
  if (!can.reportProgress(task))
    return h(
      'section',
      { class: 'panel' },
      h('h2', null, t('reportProgress')),
      notice('warn', t('reportProgressNotYours', { dept: me.departmentName ?? me.role })),
    );

  const status = select(
    ['in_progress', 'done', 'blocked', 'not_started'].map((s) => ({ value: s, label: tx('st_', s) })),
    task.status ?? 'in_progress',
    { name: 'status', required: true },
  );
  const asOf = h('input', { type: 'date', name: 'asOf', value: todayBeijing(), max: todayBeijing(), required: true });
  const note = h('textarea', { name: 'note', rows: '4', maxlength: '4000' });
  const evTitle = h('input', { type: 'text', name: 'evidenceTitle', maxlength: '300' });
  const evUrl = h('input', { type: 'url', name: 'evidenceUrl', placeholder: 'https://', maxlength: '2000' });
  const evFile = h('input', { type: 'file', name: 'evidenceFile', accept: '.pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx' });
  const msg = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn' }, t('submit'));
  const form = h(
    'form',
    {
      class: 'form-grid',
      'data-role': 'progress-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        submit.disabled = true;
        submit.textContent = t('submitting');
        mount(msg);
        try {
          const evidence: ({ title: string; url: string } | { title: string; fileId: string })[] = [];
          const title = evTitle.value.trim();
          if (evUrl.value.trim()) evidence.push({ title: title || evUrl.value.trim(), url: evUrl.value.trim() });
          const file = evFile.files?.[0];
          if (file) {
            const up = await postFile<{ fileId: string }>('/v1/files', file);
            evidence.push({ title: title || file.name, fileId: up.fileId });
          }
          await post(`/v1/ledger/tasks/${task.no}/progress`, {
            status: status.value,
            asOf: asOf.value || undefined,
            note: note.value.trim() || undefined,
            evidence: evidence.length ? evidence : undefined,
          });
          mount(msg, notice('ok', t('progressSaved')));
          setTimeout(done, 600);
        } catch (err) {
          const fields = err instanceof ApiError ? ((err.details as { errors?: { field: string; message: string }[] } | undefined)?.errors ?? []) : [];
          mount(
            msg,
            notice(
              'error',
              errorMessage(err),
              fields.length
                ? h(
                    'ul',
                    null,
                    fields.map((f) => h('li', null, `${f.field}: ${f.message}`)),
                  )
                : null,
            ),
          );
          submit.disabled = false;
          submit.textContent = t('submit');
        }
      },
    },
    field(t('progressStatus'), status),
    field(t('progressAsOf'), asOf),
    h('div', { class: 'span-2' }, field(t('progressNote'), note)),
    field(t('evidenceTitle'), evTitle),
    field(t('evidenceUrl'), evUrl),
    h('div', { class: 'span-2' }, field(t('evidenceFile'), evFile)),
    h('div', { class: 'span-2 form-actions' }, submit),
    h('div', { class: 'span-2' }, msg),
  );
  return h(
    'section',
    { class: 'panel panel-accent', 'aria-labelledby': 'h-report' },
    h('h2', { id: 'h-report' }, t('reportProgress')),
    h('p', { class: 'lead' }, t('reportProgressHelp', { dept: me.departmentName ?? t('role_admin') })),
    form,
  );
}
