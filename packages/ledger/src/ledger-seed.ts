import type { Col, Tx } from '@biomon/db';
import {
  departmentIdsByName,
  insertDepartment,
  insertTaskLink,
  upsertLedgerMeasure,
  upsertLedgerSection,
  upsertLedgerTask,
  upsertTaskDepartment,
} from './ledger.repository';

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
    await upsertLedgerSection(tx, { code: s.code, ord: i + 1, title: s.title });
  }
  for (const [i, m] of seed.measures.entries()) {
    await upsertLedgerMeasure(tx, { code: m.code, ord: i + 1, section: m.section, title: m.title, text: m.text });
  }
  const names = new Set<string>([...seed.departments.map((d) => d.name), ...seed.implementingEverywhere]);
  for (const name of names) {
    await insertDepartment(tx, name, departmentKind(name));
  }
  const deptId = await departmentIdsByName(tx);
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
    await upsertLedgerTask(tx, row);
    const links = [
      ...t.departments.map((name, i) => ({ name, role: 'responsible' as Col<'ledger_task_departments', 'role'>, ord: i + 1 })),
      ...seed.implementingEverywhere
        .filter((n) => !t.departments.includes(n))
        .map((name, i) => ({ name, role: 'implementing' as Col<'ledger_task_departments', 'role'>, ord: t.departments.length + i + 1 })),
    ];
    for (const l of links) {
      const id = deptId.get(l.name);
      if (id === undefined) throw new Error(`ledger seed: task ${t.no} names unknown department ${l.name}`);
      await upsertTaskDepartment(tx, { taskNo: t.no, departmentId: id, role: l.role, ord: l.ord });
    }
  }
  for (const l of seed.links) {
    await insertTaskLink(tx, l);
  }
  return { tasks: seed.tasks.length, departments: names.size, links: seed.links.length };
}
