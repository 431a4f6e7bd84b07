// The dossier form (P1, P2, P4): the e-form generated from the procedure's schema and
// pre-filled from the profile or, with the applicant's consent, from the national population
// database (G5: fields marked with their source, documents the state holds not asked for); save as draft (If-Match on the draft version); component uploads
// with progress; submission with an Idempotency-Key, then the receipt.
import { layout, requireLogin, kioskPoint } from '../layout.js';
import { get, post, patch, put, newKey } from '../api.js';
import { add, h, param, setContent, showFailure, showErrors, clearErrors, busy, announce, alertBox, statutoryLabel, fmtDateTime } from '../ui.js';
import { renderFields, readFields, nonEmpty } from '../form.js';
import { componentUploader } from '../upload.js';
import { deliveryChoice, readDeliveryChoice } from '../dossier.js';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal', ['citizen', 'business']);

const app = document.getElementById('app');
let dossier = null;
let procedure = null;
let consent = null; // the registry's consent text, when the deployment reads it
let viaVneid = false; // the account's identification number was vouched for by VNeID
let creating = null;
const createKey = newKey();
const submitKey = newKey();

const REGISTRY_MARK = 'Từ CSDL quốc gia về dân cư';

/** Field name → source, for the values the registry gave that the applicant kept (the server's word). */
function registryMarks(d) {
  return new Map((d && d.registry_fields || []).map((k) => [k, REGISTRY_MARK]));
}

async function load() {
  const [me, text] = await Promise.all([get('/me'), get('/registry/consent').catch(() => null)]);
  viaVneid = Boolean(me.vneid);
  consent = text;
  const id = param('id');
  if (id) {
    dossier = await get('/dossiers/' + encodeURIComponent(id));
    if (dossier.status !== 'draft') {
      location.replace('/ho-so.html?id=' + encodeURIComponent(id));
      return null;
    }
    procedure = await get('/procedures/' + encodeURIComponent(dossier.procedure_code));
    return { values: dossier.form, prefilled: registryMarks(dossier) };
  }
  const code = param('ma');
  if (!code) throw { detail: 'Chưa chọn thủ tục cần nộp hồ sơ.' };
  const [p, pre] = await Promise.all([get('/procedures/' + encodeURIComponent(code)), get(`/procedures/${encodeURIComponent(code)}/prefill`)]);
  procedure = p;
  const prefilled = new Set(Object.keys(pre.form || {}).filter((k) => pre.form[k] !== null && pre.form[k] !== ''));
  return { values: pre.form || {}, prefilled };
}

/** The draft's id, creating the draft from the current form values on first need. */
async function ensureDossier(form) {
  if (dossier) return dossier.id;
  if (!creating) {
    creating = (async () => {
      const { values } = readFields(form, procedure.form);
      const body = { procedure: procedure.code, form: nonEmpty(values), ...(kioskPoint() ? { assisted_at: kioskPoint() } : {}) };
      dossier = await post('/dossiers', body, { headers: { 'Idempotency-Key': createKey } });
      history.replaceState(null, '', '/nop-ho-so.html?id=' + encodeURIComponent(dossier.id));
      updateDraftNote();
      return dossier.id;
    })();
    creating.catch(() => { creating = null; });
  }
  return creating;
}

const draftNote = h('p', { class: 'small muted', role: 'status' });
function updateDraftNote() {
  draftNote.textContent = dossier ? `Hồ sơ nháp đã lưu lúc ${fmtDateTime(dossier.updated_at)}. Bạn có thể quay lại hoàn thiện trong mục “Hồ sơ của tôi”.` : 'Hồ sơ chưa được lưu.';
}

async function saveDraft(form) {
  const { values, errors } = readFields(form, procedure.form);
  if (errors.length) { showErrors(form, errors); return false; }
  if (!dossier) {
    await ensureDossier(form);
  } else {
    dossier = await patch('/dossiers/' + dossier.id, { form: values }, { headers: { 'If-Match': `"${dossier.version}"` } });
  }
  updateDraftNote();
  return true;
}

/** The offer to fill the form from the population database, with the consent to agree to. */
function registryBox(form) {
  if (!consent) return null;
  if (dossier && dossier.registry_use) {
    return alertBox('ok', null, `Đã điền sẵn từ ${dossier.registry_use.registry_name} lúc ${fmtDateTime(dossier.registry_use.read_at)}, theo sự đồng ý của bạn. Các trường có nhãn “${REGISTRY_MARK}” lấy từ đó; bạn xem và rút lại sự đồng ý tại trang Tài khoản.`);
  }
  if (!viaVneid) {
    return h('p', { class: 'small' }, `Đăng nhập bằng tài khoản định danh điện tử VNeID để điền sẵn tờ khai từ ${consent.registry_name}.`);
  }
  const agree = h('input', { type: 'checkbox', id: 'dong-y-csdl', name: 'registry_consent' });
  const btn = h('button', { type: 'button', class: 'secondary' }, `Điền sẵn từ ${consent.registry_name}`);
  btn.addEventListener('click', () => busy(btn, async () => {
    clearErrors(form);
    if (!agree.checked) { showErrors(form, [{ field: 'registry_consent', message: 'Vui lòng đọc và đánh dấu đồng ý trước khi lấy thông tin.' }]); return; }
    try {
      const id = await ensureDossier(form);
      dossier = await post(`/dossiers/${id}/registry-prefill`, { consent_version: consent.version }, { headers: { 'If-Match': `"${dossier.version}"` } });
      render({ values: dossier.form, prefilled: registryMarks(dossier) });
      announce(`Đã điền sẵn tờ khai từ ${consent.registry_name}.`);
    } catch (e) { showErrors(form, e); }
  }, 'Đang lấy thông tin…'));
  return h('fieldset', { class: 'registry' },
    h('legend', {}, `Lấy thông tin từ ${consent.registry_name}`),
    h('p', { class: 'small' }, consent.text),
    h('div', { class: 'field choice' }, agree, h('label', { for: 'dong-y-csdl' }, `Tôi đồng ý (nội dung phiên bản ${consent.version})`)),
    h('div', { class: 'actions' }, btn));
}

/** A component the registry holds: not asked for. */
function heldByRegistry(c) {
  return h('div', { class: 'upload-row', 'data-component': c.id }, h('p', {}, h('strong', {}, c.name)),
    h('p', { class: 'small' }, `Không cần nộp: Nhà nước đã có giấy tờ này trong ${dossier.registry_use.registry_name}.`));
}

function render({ values, prefilled }) {
  document.title = `Nộp hồ sơ: ${procedure.name} — Cổng Dịch vụ công`;
  const form = h('form', { id: 'dossier', novalidate: true });
  const fieldsBox = h('div', {});
  fieldsBox.append(renderFields(procedure.form, values, prefilled));
  const held = new Set((dossier && dossier.registry_use && dossier.registry_use.components) || []);
  const uploads = procedure.components.map((c) => held.has(c.id) ? heldByRegistry(c) : componentUploader(c, {
    ensureDossier: () => ensureDossier(form),
    files: dossier ? dossier.components : [],
    onChange: (d) => { dossier = d; updateDraftNote(); },
  }));
  const saveBtn = h('button', { type: 'button', class: 'secondary' }, 'Lưu nháp');
  saveBtn.addEventListener('click', () => busy(saveBtn, async () => {
    clearErrors(form);
    try {
      if (await saveDraft(form)) announce('Đã lưu hồ sơ nháp.');
    } catch (e) { showErrors(form, e); }
  }, 'Đang lưu…'));
  const pledge = h('div', { class: 'field choice' },
    h('input', { type: 'checkbox', id: 'pledge', name: 'pledge', required: true }),
    h('label', { for: 'pledge' }, 'Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.'));
  const submitBtn = h('button', { type: 'submit' }, 'Nộp hồ sơ');
  add(form, 
    h('section', { class: 'card', 'aria-labelledby': 'buoc-1' },
      h('h2', { id: 'buoc-1' }, 'Bước 1. Tờ khai'),
      registryBox(form),
      prefilled.size && !prefilled.get ? h('p', { class: 'small' }, 'Các trường có nhãn “Điền sẵn từ tài khoản” đã được điền từ thông tin bạn đã cung cấp; hãy kiểm tra lại.') : null,
      h('p', { class: 'small muted' }, 'Các trường có dấu ', h('span', { class: 'req' }, '*'), ' là bắt buộc.'),
      fieldsBox,
      h('div', { class: 'actions' }, saveBtn), draftNote),
    h('section', { class: 'card', 'aria-labelledby': 'buoc-2' },
      h('h2', { id: 'buoc-2' }, 'Bước 2. Thành phần hồ sơ'),
      h('p', { class: 'small' }, 'Tải lên bản chụp hoặc bản quét của từng giấy tờ. Tệp được kiểm tra định dạng và dung lượng trước khi gửi.'),
      uploads),
    h('section', { class: 'card', 'aria-labelledby': 'buoc-3' },
      h('h2', { id: 'buoc-3' }, 'Bước 3. Nộp hồ sơ'),
      h('p', {}, `Thời hạn giải quyết: ${statutoryLabel(procedure.statutory_time)}, tính từ khi hồ sơ được tiếp nhận.`),
      deliveryChoice(dossier && dossier.result_delivery, values.address),
      pledge,
      h('div', { class: 'actions' }, submitBtn)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submitBtn, async () => {
      clearErrors(form);
      const { errors } = readFields(form, procedure.form, { complete: true });
      const delivery = readDeliveryChoice(form);
      errors.push(...delivery.errors);
      if (!form.elements.pledge.checked) errors.push({ field: 'pledge', message: 'Vui lòng xác nhận lời cam đoan trước khi nộp.' });
      if (errors.length) { showErrors(form, errors); return; }
      try {
        await saveDraft(form);
        dossier = await put(`/dossiers/${dossier.id}/result-delivery`, delivery.choice, { headers: { 'If-Match': `"${dossier.version}"` } });
        const submitted = await post(`/dossiers/${dossier.id}/submit`, {}, {
          headers: { 'Idempotency-Key': submitKey, 'If-Match': `"${dossier.version}"` },
        });
        location.href = '/bien-nhan.html?id=' + encodeURIComponent(submitted.id);
      } catch (e) {
        showErrors(form, e);
      }
    }, 'Đang nộp…');
  });
  updateDraftNote();
  setContent(app,
    h('section', { class: 'hero', 'aria-labelledby': 'ten-thu-tuc' },
      h('h2', { id: 'ten-thu-tuc' }, procedure.name),
      h('p', {}, `${procedure.agency_detail ? procedure.agency_detail.name : procedure.agency} · ${procedure.level_label}`),
      h('p', { class: 'small' }, h('a', { href: '/huong-dan.html?ma=' + encodeURIComponent(procedure.code) }, 'Xem hướng dẫn thực hiện thủ tục'))),
    form);
}

try {
  const state = await load();
  if (state) render(state);
} catch (e) {
  if (e && e.status === 404) setContent(app, alertBox('error', 'Không tìm thấy', e.detail || 'Không tìm thấy thủ tục hoặc hồ sơ.'));
  else showFailure(app, e, 'tải tờ khai');
}
