// The e-form of a procedure generated from its schema (P4), with the values pre-filled from
// the profile marked as such (P1), and the same checks as the server, in the same words, so
// errors show next to each field before anything is sent.

import { h, nextId, fmtDate, parseVnDate } from './ui.js';

const AUTOCOMPLETE = {
  full_name: 'name', phone: 'tel', email: 'email', address: 'street-address', date_of_birth: 'bday',
  business_name: 'organization',
};

function displayValue(f, v) {
  if (v === undefined || v === null) return '';
  if (f.kind === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(v) ? fmtDate(v) : String(v);
  if (f.kind === 'number') return String(Number(v));
  return String(v);
}

/**
 * Renders the fields. `values`: current values; `prefilled`: names whose value came from the
 * profile (a Set), or a Map of name → where the value came from. Returns a fragment of .field
 * blocks; each control has name = field name.
 */
export function renderFields(fields, values = {}, prefilled = new Set()) {
  const frag = document.createDocumentFragment();
  for (const f of fields) {
    const id = nextId('fld-' + f.name);
    const hintId = id + '-hint';
    const hints = [];
    if (f.help) hints.push(f.help);
    if (f.kind === 'date') hints.push('Dạng ngày/tháng/năm, ví dụ 25/11/2026');
    const describedBy = hints.length ? hintId : null;
    const common = { id, name: f.name, required: f.required, 'aria-describedby': describedBy, 'aria-required': f.required ? 'true' : null };
    let control;
    const value = values[f.name];
    switch (f.kind) {
      case 'textarea':
        control = h('textarea', { ...common, rows: 4, maxlength: f.max_length || 4000 });
        control.value = displayValue(f, value);
        break;
      case 'select':
        control = h('select', common, h('option', { value: '' }, '— Chọn —'),
          f.options.map((o) => h('option', { value: o, selected: value === o }, o)));
        break;
      case 'checkbox': {
        const box = h('input', { ...common, type: 'checkbox', checked: value === true });
        frag.append(h('div', { class: 'field choice' }, box, h('label', { for: id }, f.label,
          f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null)));
        continue;
      }
      case 'number':
        control = h('input', { ...common, type: 'number', min: '0', step: 'any', inputmode: 'decimal' });
        control.value = displayValue(f, value);
        break;
      case 'date':
        control = h('input', { ...common, type: 'text', inputmode: 'numeric', placeholder: 'dd/mm/yyyy', autocomplete: f.prefill === 'date_of_birth' ? 'bday' : 'off' });
        control.value = displayValue(f, value);
        break;
      default: {
        const type = { email: 'email', phone: 'tel' }[f.kind] || 'text';
        control = h('input', {
          ...common, type, maxlength: f.max_length || (f.kind === 'id_number' ? 12 : 500),
          inputmode: f.kind === 'id_number' ? 'numeric' : (f.kind === 'phone' ? 'tel' : null),
          autocomplete: AUTOCOMPLETE[f.prefill] || (f.kind === 'email' ? 'email' : f.kind === 'phone' ? 'tel' : 'off'),
        });
        control.value = displayValue(f, value);
      }
    }
    frag.append(h('div', { class: 'field' },
      h('label', { for: id }, f.label,
        f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
        prefilled.has(f.name) ? h('span', { class: 'prefilled' }, prefilled.get ? prefilled.get(f.name) : 'Điền sẵn từ tài khoản') : null),
      hints.length ? h('span', { class: 'hint', id: hintId }, hints.join('. ')) : null,
      control));
  }
  return frag;
}

const PHONE = /^(?:\+84|0)\d{9}$/;

/**
 * Reads and checks the fields. `complete`: required fields must be filled (submission).
 * Returns {values, errors}: values in API form (dates yyyy-mm-dd, numbers, booleans); an empty
 * field is null (removed from a draft).
 */
export function readFields(form, fields, { complete = false } = {}) {
  const values = {};
  const errors = [];
  const bad = (f, what) => errors.push({ field: f.name, message: `“${f.label}” ${what}` });
  for (const f of fields) {
    const el = form.elements.namedItem(f.name);
    if (!el) continue;
    if (f.kind === 'checkbox') {
      values[f.name] = el.checked;
      if (complete && f.required && !el.checked) errors.push({ field: f.name, message: `Vui lòng chọn “${f.label}”.` });
      continue;
    }
    const raw = el.value.trim();
    if (!raw) {
      values[f.name] = null;
      if (complete && f.required) errors.push({ field: f.name, message: `Vui lòng nhập “${f.label}”.` });
      continue;
    }
    const max = f.max_length || (f.kind === 'textarea' ? 4000 : 500);
    if (f.kind !== 'number' && f.kind !== 'date' && [...raw].length > max) { bad(f, `dài quá ${max} ký tự.`); continue; }
    switch (f.kind) {
      case 'number': {
        const n = Number(raw.replace(',', '.'));
        if (!Number.isFinite(n) || n < 0) bad(f, 'phải là một số không âm.');
        else values[f.name] = n;
        break;
      }
      case 'date': {
        const iso = parseVnDate(raw);
        if (!iso) bad(f, 'phải là ngày hợp lệ dạng ngày/tháng/năm (ví dụ 25/11/2026).');
        else values[f.name] = iso;
        break;
      }
      case 'email':
        if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(raw)) bad(f, 'không phải địa chỉ thư điện tử hợp lệ.');
        else values[f.name] = raw;
        break;
      case 'phone':
        if (!PHONE.test(raw.replace(/[\s.-]/g, ''))) bad(f, 'không phải số điện thoại hợp lệ (10 chữ số, bắt đầu bằng 0).');
        else values[f.name] = raw;
        break;
      case 'id_number':
        if (!/^\d{12}$/.test(raw)) bad(f, 'phải là số định danh cá nhân gồm 12 chữ số.');
        else values[f.name] = raw;
        break;
      default:
        values[f.name] = raw;
    }
  }
  return { values, errors };
}

/** Values without the empty ones (for a new draft). */
export const nonEmpty = (values) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ''));
