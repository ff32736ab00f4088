/** A small DOM builder: h('a', { href: '#/', class: 'x', onclick: fn }, 'text', child). */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

const BOOLEAN_PROPS = new Set(['disabled', 'checked', 'selected', 'hidden', 'required', 'multiple', 'open', 'readOnly']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else if (k === 'value') (el as HTMLInputElement).value = String(v);
      else if (BOOLEAN_PROPS.has(k)) (el as unknown as Record<string, boolean>)[k] = Boolean(v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idSeq = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'f'): string {
  return `${prefix}-${++idSeq}`;
}

/** A labelled form field: <div class="field"><label for>…</label><control/></div>. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!control.id) control.id = uid();
  const hintEl = hint ? h('small', { id: `${control.id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function select(options: { value: string; label: string }[], value: string, attrs: Attrs = {}): HTMLSelectElement {
  return h(
    'select',
    attrs,
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
}
