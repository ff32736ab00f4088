/**
 * The Excel import template (GET /v1/imports/template.xlsx): the CSV template's columns as a header
 * row (Darwin Core terms or the Chinese names), the same example row, drop-down lists for the
 * controlled vocabularies on the data rows, and a notes sheet (说明 / Notes) saying what each column
 * means, Chinese first, then English. The workbook imports as it is (its example row is a record).
 */
import ExcelJS from 'exceljs';
import { BASIS_OF_RECORD, OCCURRENCE_STATUS } from '../dwc-vocabulary';
import { CSV_TEMPLATE_HEADERS } from './dwc-terms';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Data rows that carry the drop-down lists (row 1 is the header). */
export const TEMPLATE_VALIDATED_ROWS = { first: 2, last: 10_000 };
export const TEMPLATE_DATUMS = ['WGS84', 'CGCS2000', 'GCJ-02', 'BD-09'] as const;
export const TEMPLATE_SHEETS = { records: '记录 Records', notes: '说明 Notes' } as const;

interface ColumnNote {
  zh: string;
  en: string;
  required?: boolean;
  format: string;
}

/** What each template column means (Chinese first, then English), whether it is required, and its format. */
export const TEMPLATE_NOTES: Record<string, ColumnNote> = {
  occurrenceID: {
    zh: '记录的唯一编号；同一编号再次导入会更新该记录，不会重复',
    en: 'Unique id of the record; importing the same id again updates it instead of adding a copy',
    required: true,
    format: '文本 text, 例 e.g. CBS-2025-0001',
  },
  eventID: { zh: '所属样线或调查事件的编号', en: 'Id of the transect or survey event the record belongs to', format: '文本 text, 例 e.g. CBS-T01-20250601' },
  basisOfRecord: {
    zh: '记录类型，从下拉列表选择；留空时按 HumanObservation（人工观测）处理并标记 BASIS_OF_RECORD_ASSUMED',
    en: 'How the record was made, from the drop-down list; left empty, HumanObservation is assumed and the record flagged BASIS_OF_RECORD_ASSUMED',
    format: BASIS_OF_RECORD.join(' / '),
  },
  scientificName: {
    zh: '物种学名（拉丁名），按吉林省物种名录匹配',
    en: 'Scientific (Latin) name, matched against the Jilin checklist',
    required: true,
    format: '例 e.g. Capreolus pygargus',
  },
  vernacularName: { zh: '中文名', en: 'Chinese common name', format: '例 e.g. 狍' },
  taxonRank: { zh: '分类等级', en: 'Rank of the name', format: 'species / subspecies / genus / family …' },
  eventDate: {
    zh: '调查日期：Excel 日期单元格，或文本 YYYY-MM-DD；带时间 YYYY-MM-DDThh:mm；时间段 2025-06-01/2025-06-03',
    en: 'Date of the observation: an Excel date cell, or text YYYY-MM-DD; with a time YYYY-MM-DDThh:mm; a period 2025-06-01/2025-06-03',
    required: true,
    format: 'YYYY-MM-DD',
  },
  decimalLongitude: {
    zh: '经度，十进制度，东经为正（不要写度分秒）',
    en: 'Longitude in decimal degrees, east positive (not degrees-minutes-seconds)',
    required: true,
    format: '例 e.g. 128.06',
  },
  decimalLatitude: { zh: '纬度，十进制度，北纬为正', en: 'Latitude in decimal degrees, north positive', required: true, format: '例 e.g. 42.05' },
  geodeticDatum: {
    zh: '坐标系，从下拉列表选择：GPS 为 WGS84；高德、腾讯地图为 GCJ-02；百度地图为 BD-09（会换算为 WGS84）；留空时按 WGS84 处理并标记',
    en: 'Coordinate reference system, from the list: GPS gives WGS84; Amap/Tencent maps GCJ-02; Baidu maps BD-09 (converted to WGS84); left empty, WGS84 is assumed and the record flagged',
    format: TEMPLATE_DATUMS.join(' / '),
  },
  coordinateUncertaintyInMeters: { zh: '坐标不确定度（米）', en: 'Coordinate uncertainty in metres', format: '例 e.g. 30' },
  individualCount: { zh: '个体数量，非负整数', en: 'Number of individuals, a non-negative integer', format: '例 e.g. 2' },
  organismQuantity: { zh: '多度数值（与多度类型一起填写）', en: 'Quantity (together with its type)', format: '例 e.g. 35' },
  organismQuantityType: { zh: '多度类型', en: 'Type of the quantity', format: '例 e.g. 盖度% / % cover' },
  occurrenceStatus: {
    zh: '存在状态，从下拉列表选择：present（发现）或 absent（未发现）；留空时按 present 处理并标记',
    en: 'present or absent, from the list; left empty, present is assumed and the record flagged',
    format: OCCURRENCE_STATUS.join(' / '),
  },
  recordedBy: { zh: '调查人，多人用 | 分隔', en: 'Observer(s), several separated by |', format: '例 e.g. 张三 | 李四' },
  identifiedBy: { zh: '鉴定人', en: 'Who identified the organism', format: '文本 text' },
  samplingProtocol: { zh: '调查方法', en: 'Sampling method', format: '例 e.g. 样线法 / 红外相机' },
  locality: { zh: '地点描述', en: 'Description of the place', format: '例 e.g. 长白山北坡' },
  associatedMedia: { zh: '照片或其他媒体的链接，多个用 | 分隔', en: 'Links to photos or other media, several separated by |', format: 'https://…' },
  occurrenceRemarks: { zh: '备注', en: 'Remarks', format: '文本 text' },
};

const colLetter = (n: number): string => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** The template workbook; `example` is the example row by term (the CSV template's). */
export async function buildTemplateXlsx(headers: 'dwc' | 'zh', example: Record<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'biomon';
  const ws = wb.addWorksheet(TEMPLATE_SHEETS.records, { views: [{ state: 'frozen', ySplit: 1 }] });
  const columns = CSV_TEMPLATE_HEADERS.map((h, i) => ({ ...h, col: i + 1, letter: colLetter(i + 1) }));
  ws.addRow(columns.map((c) => (headers === 'zh' ? c.chinese : c.term)));
  const header = ws.getRow(1);
  header.font = { bold: true };
  columns.forEach((c) => {
    const required = TEMPLATE_NOTES[c.term]?.required;
    header.getCell(c.col).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: required ? 'FFFCE4D6' : 'FFDDEBF7' } };
    header.getCell(c.col).note = `${TEMPLATE_NOTES[c.term]?.zh ?? ''}\n${TEMPLATE_NOTES[c.term]?.en ?? ''}${required ? '\n必填 required' : ''}`;
    ws.getColumn(c.col).width = Math.max(12, (headers === 'zh' ? c.chinese.length * 2 : c.term.length) + 4);
  });
  // the example row, with values as a person would type them in Excel: numbers as numbers, the date as a date cell
  const numeric = new Set(['decimalLatitude', 'decimalLongitude', 'individualCount', 'coordinateUncertaintyInMeters', 'organismQuantity']);
  const row = ws.getRow(2);
  for (const c of columns) {
    const v = example[c.term];
    if (v === undefined || v === '') continue;
    const cell = row.getCell(c.col);
    if (c.term === 'eventDate' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
      const [y, m, d] = v.split('-').map(Number);
      cell.value = new Date(Date.UTC(y, m - 1, d));
      cell.numFmt = 'yyyy-mm-dd';
    } else if (numeric.has(c.term) && Number.isFinite(Number(v))) {
      cell.value = Number(v);
    } else {
      cell.value = v;
    }
  }
  // ids and free text stay text (Excel would turn 0001 into 1); dates are shown as dates
  for (const c of columns) {
    if (c.term === 'occurrenceID' || c.term === 'eventID') ws.getColumn(c.col).numFmt = '@';
    if (c.term === 'eventDate') ws.getColumn(c.col).numFmt = 'yyyy-mm-dd';
  }
  const lists: Record<string, readonly string[]> = { basisOfRecord: BASIS_OF_RECORD, occurrenceStatus: OCCURRENCE_STATUS, geodeticDatum: TEMPLATE_DATUMS };
  const dv = (ws as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations;
  for (const c of columns) {
    const values = lists[c.term];
    if (!values) continue;
    const note = TEMPLATE_NOTES[c.term];
    dv.add(`${c.letter}${TEMPLATE_VALIDATED_ROWS.first}:${c.letter}${TEMPLATE_VALIDATED_ROWS.last}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${values.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: '不在列表中 Not in the list',
      error: `${note.zh}\n${note.en}`,
      showInputMessage: true,
      promptTitle: headers === 'zh' ? c.chinese : c.term,
      prompt: values.join(', '),
    });
  }

  const notes = wb.addWorksheet(TEMPLATE_SHEETS.notes);
  notes.addRow(['填写说明 How to fill in the template']).font = { bold: true, size: 14 };
  for (const line of [
    '每行一条记录；第一行是表头，不要修改或删除。示例行（第 2 行）可以改写或删除。One record per row; row 1 is the header, keep it. The example row (row 2) may be overwritten or deleted.',
    '表头可以用中文名或 Darwin Core 术语，两种都能识别；表中没有的列（如 天气、样地名称）会原样保存在 dynamicProperties 中。Headers may be the Chinese names or the Darwin Core terms; extra columns (e.g. weather, plot name) are kept as they are in dynamicProperties.',
    '必填列：记录编号、物种学名、调查日期、经度、纬度（表头为浅红色）。Required columns: occurrenceID, scientificName, eventDate, decimalLongitude, decimalLatitude (pink headers).',
    '日期：使用 Excel 日期单元格或 YYYY-MM-DD 文本；坐标：十进制度（如 42.05），并在“坐标系”中注明 WGS84、CGCS2000、GCJ-02 或 BD-09。Dates: Excel date cells or YYYY-MM-DD text; coordinates: decimal degrees (e.g. 42.05), with the datum in geodeticDatum.',
    '填好后在平台“数据导入”中上传本文件（.xlsx），或另存为 CSV UTF-8 上传。Upload the filled workbook (.xlsx) under Imports, or save it as CSV UTF-8 and upload that.',
  ])
    notes.addRow([line]);
  notes.addRow([]);
  const head = notes.addRow(['列名 Column', 'Darwin Core', '说明', 'Description', '必填 Required', '格式或取值 Format / values']);
  head.font = { bold: true };
  for (const c of columns) {
    const n = TEMPLATE_NOTES[c.term];
    notes.addRow([
      headers === 'zh' ? c.chinese : `${c.term}（${c.chinese}）`,
      c.term,
      n?.zh ?? '',
      n?.en ?? '',
      n?.required ? '必填 required' : '选填 optional',
      n?.format ?? '',
    ]);
  }
  notes.getColumn(1).width = 22;
  notes.getColumn(2).width = 30;
  notes.getColumn(3).width = 60;
  notes.getColumn(4).width = 60;
  notes.getColumn(5).width = 14;
  notes.getColumn(6).width = 50;
  for (const col of [3, 4, 6]) notes.getColumn(col).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
