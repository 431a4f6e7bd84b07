// DOM helpers, Vietnamese formatting (dates dd/mm/yyyy in Vietnam time, money, sizes), error
// display next to fields, status badges.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Hyperscript: h('a', {href, class}, 'text', child...). `on*` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'html') el.innerHTML = v;
    else if (k in el && typeof v !== 'string' && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Appends children like h() does (arrays flattened, null/false skipped). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

export function setContent(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

let uid = 0;
export const nextId = (prefix = 'id') => `${prefix}-${++uid}`;

// ---- Formatting ---------------------------------------------------------------------------

export const TZ = 'Asia/Ho_Chi_Minh';
const fmtParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function parts(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(fmtParts.formatToParts(d).map((p) => [p.type, p.value]));
}

/** dd/mm/yyyy in Vietnam time; a plain yyyy-mm-dd date is shown as is (no time zone shift). */
export function fmtDate(iso) {
  if (!iso) return '—';
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (plain) return `${plain[3]}/${plain[2]}/${plain[1]}`;
  const p = parts(iso);
  return p ? `${p.day}/${p.month}/${p.year}` : '—';
}

/** dd/mm/yyyy HH:mm in Vietnam time. */
export function fmtDateTime(iso) {
  if (!iso) return '—';
  const p = parts(iso);
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : '—';
}

/** Today in Vietnam as yyyy-mm-dd. */
export function todayIso() {
  const p = parts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

/** Parses dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy) into yyyy-mm-dd; null when invalid. */
export function parseVnDate(s) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s || '');
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Parses "dd/mm/yyyy HH:mm" (Vietnam time) into an RFC 3339 string with +07:00. */
export function parseVnDateTime(s) {
  const m = /^\s*(\S+)\s+(\d{1,2}):(\d{2})\s*$/.exec(s || '');
  const day = parseVnDate(m ? m[1] : s);
  if (!day) return null;
  const [hh, mm] = m ? [Number(m[2]), Number(m[3])] : [17, 0];
  if (hh > 23 || mm > 59) return null;
  return `${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+07:00`;
}

const num = new Intl.NumberFormat('vi-VN');
export const fmtNumber = (n) => num.format(n);
export const fmtMoney = (n) => `${num.format(n)} đồng`;
export function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(bytes / 1024)} KB`;
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(bytes / 1048576)} MB`;
}

export function statutoryLabel(t) {
  if (!t) return '—';
  switch (t.unit) {
    case 'same_day': return 'Trong ngày';
    case 'working_days': return `${t.value} ngày làm việc`;
    case 'working_hours': return `${t.value} giờ làm việc`;
    case 'calendar_days': return `${t.value} ngày`;
    default: return String(t.value ?? '');
  }
}

export const ROLE_LABELS = {
  citizen: 'Công dân', business: 'Doanh nghiệp', receiving_officer: 'Cán bộ tiếp nhận',
  specialist: 'Chuyên viên xử lý', leader: 'Lãnh đạo', agency_admin: 'Quản trị cơ quan',
  system_admin: 'Quản trị hệ thống', integration_client: 'Hệ thống tích hợp',
};

export const CHANNEL_LABELS = { online: 'Trực tuyến', in_person: 'Trực tiếp', post: 'Qua bưu chính' };

const STATUS_KIND = { 1: 'info', 2: 'info', 3: 'bad', 4: 'info', 5: 'warn', 6: 'warn', 7: 'warn', 8: 'bad', 9: 'ok', 10: 'ok' };

export function statusBadge(d) {
  const kind = d.national_status ? STATUS_KIND[d.national_status] || 'neutral' : 'neutral';
  return h('span', { class: `badge ${kind}` }, d.status_label || d.status);
}

// ---- Messages and errors --------------------------------------------------------------------

/** An alert box; `kind` is ok | warn | error | info. role=alert for errors, status otherwise. */
export function alertBox(kind, title, ...body) {
  return h('div', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    title ? h('h2', {}, title) : null, ...body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)));
}

export function announce(text) {
  const live = document.getElementById('live');
  if (live) {
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  }
}

/** Shows a load failure in a container. */
export function showFailure(container, err, what = 'tải dữ liệu') {
  const detail = err && err.detail ? err.detail : String(err);
  setContent(container, alertBox('error', `Không ${what} được`, detail));
}

/** Removes the error marks a previous showErrors left on a form. */
export function clearErrors(form) {
  if (!form) return;
  $$('.error-summary', form).forEach((e) => e.remove());
  $$('.field-error', form).forEach((e) => e.remove());
  $$('[aria-invalid="true"], [data-field][aria-describedby]', form).forEach((el) => {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((i) => i && !i.startsWith('err-'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  });
}

function controlFor(form, field) {
  const byData = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (byData) return byData;
  const el = form.elements ? form.elements.namedItem(field) : null;
  if (el instanceof RadioNodeList) return el[0];
  return el;
}

/**
 * Shows an ApiError (or a list of {field, message}) on a form: a summary at its top that links
 * to each field, and the message next to each field (aria-invalid + aria-describedby).
 */
export function showErrors(form, err, { focus = true } = {}) {
  clearErrors(form);
  const errors = Array.isArray(err) ? err : err.errors || [];
  const title = Array.isArray(err) ? 'Vui lòng kiểm tra lại các trường được đánh dấu' : err.title || 'Có lỗi xảy ra';
  const detail = Array.isArray(err) ? null : err.detail;
  const items = [];
  for (const e of errors) {
    const el = controlFor(form, e.field);
    const id = nextId('err');
    if (el) {
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', `${el.getAttribute('aria-describedby') || ''} ${id}`.trim());
      const holder = el.closest('.field, fieldset, .upload-row') || el.parentElement;
      holder.append(h('p', { class: 'field-error', id }, e.message));
      if (!el.id) el.id = nextId('f');
      items.push(h('li', {}, h('a', { href: '#' + el.id, onclick: (ev) => { ev.preventDefault(); el.focus(); } }, e.message)));
    } else {
      items.push(h('li', {}, e.message));
    }
  }
  const summary = h('div', { class: 'alert error error-summary', role: 'alert', tabindex: '-1' },
    h('h2', {}, title), detail && detail !== title ? h('p', {}, detail) : null, items.length ? h('ul', {}, items) : null);
  form.prepend(summary);
  if (focus) summary.focus();
  return summary;
}

/** Disables a submit button while `fn` runs. */
export async function busy(button, fn, label = 'Đang xử lý…') {
  const old = button ? button.textContent : '';
  if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); button.textContent = label; }
  try {
    return await fn();
  } finally {
    if (button) { button.disabled = false; button.removeAttribute('aria-busy'); button.textContent = old; }
  }
}

/** A labelled field: {label, name, type, required, hint, value, ...input attributes}. */
export function field({ label, name, type = 'text', required = false, hint, value, options, rows, ...rest }) {
  const id = rest.id || nextId(name);
  const hintId = hint ? id + '-hint' : null;
  let control;
  if (type === 'select') {
    control = h('select', { id, name, required, 'aria-describedby': hintId, ...rest },
      (options || []).map((o) => {
        const [v, t] = Array.isArray(o) ? o : [o, o];
        return h('option', { value: v, selected: value !== undefined && String(value) === String(v) }, t);
      }));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, required, rows: rows || 4, 'aria-describedby': hintId, ...rest });
    if (value) control.value = value;
  } else {
    control = h('input', { id, name, type, required, 'aria-describedby': hintId, ...rest });
    if (value !== undefined && value !== null) control.value = value;
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    control);
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}
