// Counter and postal reception (M2, P15): the officer enters a paper dossier (procedure,
// channel, applicant, form), uploads the scans of its components, accepts it and prints the
// receipt (Form 01).
import { layout, requireLogin } from '../layout.js';
import { get, post, newKey } from '../api.js';
import { add, h, setContent, showFailure, showErrors, clearErrors, busy, alertBox, field, fmtDateTime, announce } from '../ui.js';
import { renderFields, readFields, nonEmpty } from '../form.js';
import { componentUploader } from '../upload.js';
import { formsPanel, receiptOnly } from '../dossier.js';

layout({ area: 'console', current: 'tiep-nhan' });
const me = await requireLogin('console', ['receiving_officer']);
const app = document.getElementById('app');
const key = newKey();
let procedure = null;
let dossier = null;
const APPLICANT_FIELDS = ['full_name', 'id_number', 'phone', 'email', 'address'];

async function start() {
  // A Public Administration Service Centre receives the boundary-free procedures of every
  // agency (R5); another office, its own procedures.
  const agencies = (await get('/agencies')).items || [];
  const centre = agencies.some((a) => a.code === me.agency && a.service_centre);
  const q = new URLSearchParams({ limit: '100' });
  if (me.agency && !centre) q.set('agency', me.agency);
  const procedures = (await get('/procedures?' + q)).items
    .filter((p) => !centre || p.boundary_free || p.agency === me.agency)
    .map((p) => (p.agency === me.agency ? p : { ...p, name: `${p.name} — ${p.agency_name}` }));
  const form = h('form', { id: 'counter', class: 'card', novalidate: true });
  const formFields = h('div', {});
  const procSelect = field({ label: 'Thủ tục', name: 'procedure', type: 'select', required: true, options: [['', '— Chọn thủ tục —'], ...procedures.map((p) => [p.code, p.name])] });
  add(form, 
    h('h2', {}, '1. Thông tin hồ sơ'),
    procSelect,
    h('fieldset', {}, h('legend', {}, 'Hình thức nhận hồ sơ'),
      h('div', { class: 'choice' }, h('input', { type: 'radio', id: 'ch-in', name: 'channel', value: 'in_person', checked: true }), h('label', { for: 'ch-in' }, 'Trực tiếp tại Bộ phận Một cửa')),
      h('div', { class: 'choice' }, h('input', { type: 'radio', id: 'ch-post', name: 'channel', value: 'post' }), h('label', { for: 'ch-post' }, 'Qua dịch vụ bưu chính công ích'))),
    h('fieldset', { id: 'identity' }, h('legend', {}, 'Xác thực danh tính người nộp (nộp trực tiếp)'),
      [['vneid_app', 'Ứng dụng VNeID'], ['chip_reader', 'Đầu đọc chip thẻ căn cước'], ['paper_id', 'Giấy tờ tùy thân bản giấy']].map(([value, label], i) =>
        h('div', { class: 'choice' }, h('input', { type: 'radio', id: `id-${value}`, name: 'identity', value, 'data-field': i === 0 ? 'identity.method' : null }), h('label', { for: `id-${value}` }, label)))),
    h('fieldset', {}, h('legend', {}, 'Người nộp hồ sơ'),
      field({ label: 'Họ, chữ đệm và tên', name: 'applicant.full_name', required: true, autocomplete: 'off' }),
      h('div', { class: 'inline-fields' },
        field({ label: 'Số định danh cá nhân', name: 'applicant.id_number', inputmode: 'numeric', maxlength: 12, autocomplete: 'off' }),
        field({ label: 'Số điện thoại', name: 'applicant.phone', type: 'tel', autocomplete: 'off' }),
        field({ label: 'Thư điện tử', name: 'applicant.email', type: 'email', autocomplete: 'off' })),
      field({ label: 'Địa chỉ', name: 'applicant.address', autocomplete: 'off' })),
    h('fieldset', {}, h('legend', {}, 'Tờ khai'), formFields),
    h('button', { type: 'submit' }, 'Tạo hồ sơ và chuyển sang quét giấy tờ'));
  const sel = form.elements.procedure;
  sel.addEventListener('change', async () => {
    procedure = sel.value ? await get('/procedures/' + encodeURIComponent(sel.value)) : null;
    formFields.replaceChildren(procedure ? renderFields(procedure.form.filter((f) => !APPLICANT_FIELDS.includes(f.prefill)), {}) : h('p', {}, 'Chọn thủ tục để hiện tờ khai.'));
  });
  formFields.append(h('p', {}, 'Chọn thủ tục để hiện tờ khai.'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      const v = (n) => form.elements[n].value.trim();
      const errors = [];
      if (!procedure) errors.push({ field: 'procedure', message: 'Vui lòng chọn thủ tục.' });
      if (!v('applicant.full_name')) errors.push({ field: 'applicant.full_name', message: 'Vui lòng nhập họ và tên người nộp.' });
      const inPerson = form.elements.channel.value === 'in_person';
      const identity = inPerson && form.elements.identity.value ? { method: form.elements.identity.value } : null;
      if (v('applicant.id_number') && !/^\d{12}$/.test(v('applicant.id_number'))) errors.push({ field: 'applicant.id_number', message: 'Số định danh cá nhân phải gồm 12 chữ số.' });
      const read = procedure ? readFields(form, procedure.form.filter((f) => form.elements.namedItem(f.name))) : { values: {}, errors: [] };
      errors.push(...read.errors);
      if (errors.length) { showErrors(form, errors); return; }
      const applicant = {
        full_name: v('applicant.full_name'), id_number: v('applicant.id_number') || null, phone: v('applicant.phone') || null,
        email: v('applicant.email') || null, address: v('applicant.address') || null,
      };
      // Fields the profile would pre-fill online come from the applicant block here.
      const fromApplicant = {};
      for (const f of procedure.form) if (f.prefill && applicant[f.prefill]) fromApplicant[f.name] = applicant[f.prefill];
      try {
        dossier = await post('/counter/dossiers', {
          procedure: procedure.code, channel: form.elements.channel.value, applicant, form: { ...fromApplicant, ...nonEmpty(read.values) }, identity,
        }, { headers: { 'Idempotency-Key': key } });
        scans();
      } catch (e) {
        if (e.missingRoute) {
          showErrors(form, { title: 'Chưa hỗ trợ', detail: 'Máy chủ chưa hỗ trợ tiếp nhận hồ sơ giấy tại quầy. Vui lòng thử lại sau khi hệ thống được cập nhật.', errors: [] });
        } else {
          showErrors(form, mapErrors(e));
        }
      }
    }, 'Đang tạo hồ sơ…');
  });
  setContent(app, form);
}

/** Form fields filled from the applicant block are not shown: their errors point at it. */
function mapErrors(e) {
  const byName = Object.fromEntries(procedure.form.map((f) => [f.name, f]));
  e.errors = (e.errors || []).map((x) => {
    const f = byName[x.field];
    return f && APPLICANT_FIELDS.includes(f.prefill) ? { ...x, field: 'applicant.' + f.prefill } : x;
  });
  return e;
}

function scans() {
  const box = h('section', { class: 'card', 'aria-labelledby': 'quet' },
    h('h2', { id: 'quet', tabindex: '-1' }, '2. Quét, tải lên giấy tờ'),
    h('p', {}, `Hồ sơ của ${dossier.applicant.full_name} — ${dossier.procedure_name}. Tải lên bản quét từng giấy tờ người nộp mang đến.`),
    procedure.components.map((c) => componentUploader(c, { ensureDossier: async () => dossier.id, files: dossier.components || [], onChange: (d) => { dossier = d; } })));
  const acceptForm = h('form', { class: 'card', novalidate: true },
    h('h2', {}, '3. Tiếp nhận'),
    h('p', {}, 'Kiểm tra đủ giấy tờ rồi tiếp nhận: hệ thống cấp mã hồ sơ, tính ngày hẹn trả và lập Giấy tiếp nhận (Mẫu 01).'),
    h('button', { type: 'submit' }, 'Tiếp nhận hồ sơ'));
  acceptForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(acceptForm);
    busy(acceptForm.querySelector('button'), async () => {
      try {
        if (dossier.status === 'draft') dossier = await post(`/dossiers/${dossier.id}/submit`, {}, { headers: { 'Idempotency-Key': key + '-submit' } }).catch((e) => { if (e.status === 409 || e.status === 403) return dossier; throw e; });
        dossier = await post(`/dossiers/${dossier.id}/accept`, {});
        done();
      } catch (e) { showErrors(acceptForm, e); }
    }, 'Đang tiếp nhận…');
  });
  setContent(app, box, acceptForm);
  box.querySelector('h2').focus();
}

function done() {
  const ok = alertBox('ok', 'Đã tiếp nhận hồ sơ',
    h('p', {}, 'Mã hồ sơ: ', h('strong', {}, dossier.code), `. Hẹn trả kết quả: ${fmtDateTime(dossier.appointment)}.`),
    dossier.receipt_secret ? h('p', {}, 'Mã bí mật tra cứu: ', h('span', { class: 'secret' }, dossier.receipt_secret)) : null);
  ok.tabIndex = -1;
  setContent(app, ok,
    h('section', { class: 'card', 'aria-labelledby': 'in-01' }, h('h2', { id: 'in-01' }, 'In Giấy tiếp nhận và hẹn trả kết quả'), formsPanel(dossier, receiptOnly)),
    h('p', { class: 'actions' },
      h('a', { class: 'button secondary', href: `/can-bo/ho-so.html?id=${encodeURIComponent(dossier.id)}` }, 'Mở hồ sơ'),
      h('a', { class: 'button secondary', href: '/can-bo/tiep-nhan.html' }, 'Tiếp nhận hồ sơ khác')));
  ok.focus();
  announce(`Đã tiếp nhận hồ sơ ${dossier.code}.`);
}

try {
  await start();
} catch (e) {
  showFailure(app, e, 'tải danh mục thủ tục');
}
