import type { Col, Tx } from '@biomon/db';

export interface LedgerSeed {
  source: string;
  implementingEverywhere: string[];
  sections: { code: string; title: string }[];
  measures: { code: string; section: string; title: string; text: string }[];
  departments: { name: string }[];
  tasks: {
    no: number;
    section: string;
    measure: string;
    text: string;
    departments: string[];
    responsibilityNote: string | null;
    timeline: { kind: 'deadline' | 'window' | 'continuous'; start: string | null; end: string | null; text: string };
  }[];
  links: { task: number; kind: 'indicator' | 'data'; ref: string }[];
}

function departmentKind(name: string): 'provincial' | 'prefecture_government' | 'central' | 'other' {
  if (name === '各市州人民政府') return 'prefecture_government';
  if (name.startsWith('省')) return 'provincial';
  if (/海关|国家税务总局|中科院/.test(name)) return 'central';
  return 'other';
}

/**
 * Loads the ledger (责任分工台账) into its tables inside the caller's transaction. Departments are
 * upserted by name; `implementingEverywhere` departments (各市州人民政府, per task 1) are linked to
 * every task with role `implementing`.
 */
export async function loadLedgerSeed(tx: Tx, seed: LedgerSeed): Promise<{ tasks: number; departments: number; links: number }> {
  for (const [i, s] of seed.sections.entries()) {
    await tx
      .insertInto('ledger_sections')
      .values({ code: s.code, ord: i + 1, title: s.title })
      .onConflict((oc) => oc.column('code').doUpdateSet({ title: s.title, ord: i + 1 }))
      .execute();
  }
  for (const [i, m] of seed.measures.entries()) {
    await tx
      .insertInto('ledger_measures')
      .values({ code: m.code, ord: i + 1, section_code: m.section, title: m.title, text: m.text })
      .onConflict((oc) => oc.column('code').doUpdateSet({ title: m.title, text: m.text, section_code: m.section, ord: i + 1 }))
      .execute();
  }
  const names = new Set<string>([...seed.departments.map((d) => d.name), ...seed.implementingEverywhere]);
  for (const name of names) {
    await tx
      .insertInto('departments')
      .values({ name, kind: departmentKind(name) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  const deptRows = await tx.selectFrom('departments').select(['id', 'name']).execute();
  const deptId = new Map(deptRows.map((d) => [d.name, d.id]));
  for (const t of seed.tasks) {
    const row = {
      no: t.no,
      section_code: t.section,
      measure_code: t.measure,
      text: t.text,
      responsibility_note: t.responsibilityNote,
      timeline_kind: t.timeline.kind,
      timeline_start: t.timeline.start,
      timeline_end: t.timeline.end,
      timeline_text: t.timeline.text,
    };
    await tx
      .insertInto('ledger_tasks')
      .values(row)
      .onConflict((oc) => oc.column('no').doUpdateSet(row))
      .execute();
    const links = [
      ...t.departments.map((name, i) => ({ name, role: 'responsible' as Col<'ledger_task_departments', 'role'>, ord: i + 1 })),
      ...seed.implementingEverywhere
        .filter((n) => !t.departments.includes(n))
        .map((name, i) => ({ name, role: 'implementing' as Col<'ledger_task_departments', 'role'>, ord: t.departments.length + i + 1 })),
    ];
    for (const l of links) {
      const id = deptId.get(l.name);
      if (id === undefined) throw new Error(`ledger seed: task ${t.no} names unknown department ${l.name}`);
      await tx
        .insertInto('ledger_task_departments')
        .values({ task_no: t.no, department_id: id, role: l.role, ord: l.ord })
        .onConflict((oc) => oc.columns(['task_no', 'department_id']).doUpdateSet({ role: l.role, ord: l.ord }))
        .execute();
    }
  }
  for (const l of seed.links) {
    await tx
      .insertInto('ledger_task_links')
      .values({ task_no: l.task, kind: l.kind, ref: l.ref })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { tasks: seed.tasks.length, departments: names.size, links: seed.links.length };
}
