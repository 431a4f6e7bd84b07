// One dossier in the officer console (M2, M7, M8, M9): applicant, form data, files, the
// actions this officer may take now (each with the fields it needs), the standard forms to
// print, the process control timeline (Form 05) and the messages with the applicant (P5).
import { layout, requireLogin } from '../layout.js';
import { get, post, STAFF_ROLES } from '../api.js';
import {
  add, h, $, param, setContent, showFailure, alertBox, fmtDateTime, fmtMoney, fmtDate, facts, statusBadge, statutoryLabel,
  CHANNEL_LABELS, showErrors, clearErrors, busy, nextId, parseVnDateTime, announce, fmtSize,
} from '../ui.js';
import { timeline, fileList, messagesPanel, formsPanel, archiveNotice, deliveryText, parcelPanel, pickupPanel } from '../dossier.js';
import { allowedActions, dueState } from '../workflow.js';
import { uploadFile, checkFile } from '../upload.js';
import { ratingQuestions, readAnswers, scoreSection } from '../rating-form.js';

layout({ area: 'console', current: 'inbox' });
const me = await requireLogin('console', STAFF_ROLES);
const app = document.getElementById('app');
const id = param('id') || '';
let procedure = { components: [], form: [] };
let staff = null;

const RESULT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

function noteField(action, required) {
  const fid = nextId(`note-${action.key}`);
  return h('div', { class: 'field' },
    h('label', { for: fid }, required ? 'Lý do' : 'Ghi chú', required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : ' (không bắt buộc)'),
    h('textarea', { id: fid, name: 'note', rows: 2, required, maxlength: 2000 }));
}

function supplementFields(d) {
  const rows = procedure.components.map((c, i) => {
    const cb = nextId('sup');
    const reason = nextId('sup-reason');
    return h('div', { class: 'upload-row' },
      h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: cb, name: 'component', value: c.id, 'data-index': String(i) }), h('label', { for: cb }, c.name)),
      h('div', { class: 'field' }, h('label', { for: reason }, `Lý do cần bổ sung “${c.name}”`), h('input', { id: reason, name: `reason-${c.id}`, type: 'text' })));
  });
  const other = nextId('sup-other');
  return [
    h('fieldset', { 'data-field': 'items' }, h('legend', {}, 'Giấy tờ cần bổ sung, hoàn thiện'), rows,
      h('div', { class: 'field' }, h('label', { for: other }, 'Giấy tờ khác (ngoài danh mục), nếu có'), h('input', { id: other, name: 'other', type: 'text' }))),
    noteField({ key: 'supplement' }, false),
  ];
}

async function assignFields() {
  const fid = nextId('assignee');
  if (staff === null) {
    try {
      staff = ((await get(`/agencies/${encodeURIComponent(me.agency)}/staff`)).items || [])
        .filter((u) => u.role === 'specialist' && !u.locked);
    } catch { staff = []; }
  }
  const control = staff.length
    ? h('select', { id: fid, name: 'assignee', required: true }, h('option', { value: '' }, '— Chọn chuyên viên —'),
      staff.map((u) => h('option', { value: u.username }, `${u.full_name || (u.profile && u.profile.full_name) || u.username} (${u.username})`)))
    : h('input', { id: fid, name: 'assignee', required: true, autocomplete: 'off', 'aria-describedby': fid + '-hint' });
  return [h('div', { class: 'field' },
    h('label', { for: fid }, 'Chuyên viên được phân công', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    staff.length ? null : h('span', { class: 'hint', id: fid + '-hint' }, 'Tên đăng nhập hoặc mã tài khoản của chuyên viên, ví dụ chuyenvien.phuong'),
    control), noteField({ key: 'assign' }, false)];
}

function paymentFields() {
  const a = nextId('amount');
  const n = nextId('pay-note');
  const fee = (procedure.fees || []).reduce((s, f) => s + (f.amount_vnd || 0), 0);
  return [
    h('div', { class: 'field' }, h('label', { for: a }, 'Số tiền (đồng)', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('input', { id: a, name: 'amount', type: 'number', min: '1', step: '1', inputmode: 'numeric', required: true, value: fee ? String(fee) : '' })),
    h('div', { class: 'field' }, h('label', { for: n }, 'Nội dung', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('input', { id: n, name: 'note', required: true, value: (procedure.fees || []).map((f) => f.name).join('; ') })),
  ];
}

function apologyFields(d) {
  const r = nextId('apology-reason');
  const t = nextId('apology-date');
  return [
    h('div', { class: 'field' }, h('label', { for: r }, 'Lý do chậm trả kết quả', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('textarea', { id: r, name: 'reason', rows: 2, required: true })),
    h('div', { class: 'field' }, h('label', { for: t }, 'Ngày hẹn trả mới', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('span', { class: 'hint', id: t + '-hint' }, `Dạng ngày/tháng/năm giờ:phút, ví dụ ${fmtDate(new Date(Date.now() + 3 * 864e5).toISOString())} 16:00. Ngày hẹn hiện tại: ${fmtDateTime(d.appointment)}`),
      h('input', { id: t, name: 'new_appointment', required: true, 'aria-describedby': t + '-hint', inputmode: 'numeric',
        value: d.risk && d.risk.suggested_new_appointment ? fmtDateTime(d.risk.suggested_new_appointment) : null })),
  ];
}

function resultFields(action) {
  const f = nextId('result');
  // A Vietnamese button opens the (hidden) native file input, whose own words are the browser's.
  const input = h('input', { id: f, name: 'result', type: 'file', accept: RESULT_TYPES.join(','), hidden: true, tabindex: '-1' });
  const chosen = h('span', { id: f + '-chosen', class: 'small' }, 'Chưa chọn tệp.');
  const pick = h('button', { type: 'button', class: 'secondary', 'data-field': 'result', 'aria-describedby': f + '-chosen', onclick: () => input.click() }, 'Chọn tệp kết quả');
  input.addEventListener('change', () => {
    const file = input.files[0];
    chosen.textContent = file ? `Đã chọn: ${file.name} (${fmtSize(file.size)}).` : 'Chưa chọn tệp.';
  });
  return [
    h('div', { class: 'field' },
      h('p', { class: 'label' }, 'Tệp kết quả (PDF, JPG hoặc PNG, tối đa 20 MB)', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('div', { class: 'row' }, pick, input, chosen)),
    h('div', { class: 'progress-box', hidden: true }, h('label', { for: f + '-p', class: 'small' }, 'Tiến độ tải lên'), h('progress', { id: f + '-p', max: 100, value: 0 })),
    noteField(action, false),
  ];
}

/** Builds the request body of an action from its form; returns {body, errors}. */
async function bodyOf(action, form) {
  const v = (n) => (form.elements[n] ? form.elements[n].value.trim() : '');
  const errors = [];
  const note = v('note') || null;
  if (action.note === 'required' && !note) errors.push({ field: 'note', message: 'Vui lòng nêu rõ lý do.' });
  switch (action.kind) {
    case 'supplement': {
      const items = Array.from(form.querySelectorAll('input[name=component]:checked')).map((cb) => ({
        component: cb.value, reason: v(`reason-${cb.value}`) || 'Chưa đầy đủ, đề nghị bổ sung.',
      }));
      if (v('other')) items.push({ component: v('other'), reason: 'Giấy tờ bổ sung theo yêu cầu.' });
      if (!items.length) errors.push({ field: 'items', message: 'Chọn ít nhất một giấy tờ cần bổ sung.' });
      return { body: { note, items }, errors };
    }
    case 'assign':
      if (!v('assignee')) errors.push({ field: 'assignee', message: 'Vui lòng chọn hoặc nhập chuyên viên.' });
      return { body: { assignee: v('assignee'), note }, errors };
    case 'payment': {
      const amount = Number(v('amount'));
      if (!Number.isInteger(amount) || amount <= 0) errors.push({ field: 'amount', message: 'Số tiền phải là số nguyên dương.' });
      if (!note) errors.push({ field: 'note', message: 'Vui lòng nhập nội dung thu.' });
      return { body: { amount_vnd: amount, note }, errors };
    }
    case 'apology': {
      const at = parseVnDateTime(v('new_appointment'));
      if (!v('reason')) errors.push({ field: 'reason', message: 'Vui lòng nêu lý do chậm trả kết quả.' });
      if (!at) errors.push({ field: 'new_appointment', message: 'Ngày hẹn mới phải có dạng ngày/tháng/năm giờ:phút.' });
      return { body: { note: v('reason'), new_appointment: at }, errors };
    }
    case 'result': {
      const file = form.elements.result.files[0];
      if (!file) errors.push({ field: 'result', message: 'Vui lòng chọn tệp kết quả.' });
      if (file) {
        const problem = checkFile(file, RESULT_TYPES, 20 * 1024 * 1024);
        if (problem) errors.push({ field: 'result', message: problem });
      }
      return { body: { note }, file, errors };
    }
    case 'consult': {
      const days = Number(v('working_days'));
      if (!v('agency')) errors.push({ field: 'agency', message: 'Vui lòng chọn cơ quan, đơn vị được xin ý kiến.' });
      if (!v('question')) errors.push({ field: 'question', message: 'Vui lòng nhập nội dung xin ý kiến.' });
      if (!Number.isInteger(days) || days < 1) errors.push({ field: 'working_days', message: 'Thời hạn trả lời phải là số ngày làm việc, ít nhất 1.' });
      return { body: { agency: v('agency'), question: v('question'), working_days: days }, errors };
    }
    case 'consult_answer':
      if (!v('answer')) errors.push({ field: 'answer', message: 'Vui lòng nhập nội dung trả lời.' });
      return { body: { consultation: Number(v('consultation')), answer: v('answer') }, errors };
    case 'return': {
      const method = form.elements.return_method.value;
      const body = { return_method: method, note };
      if (method === 'post') {
        body.tracking_number = v('tracking_number') || null;
        body.address = v('address') || null;
        if (!body.address) errors.push({ field: 'address', message: 'Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.' });
      }
      return { body, errors };
    }
    default:
      return { body: { note }, errors };
  }
}

let agencies = null;
async function consultFields() {
  if (!agencies) { try { agencies = (await get('/agencies')).items; } catch { agencies = []; } }
  const a = nextId('c-agency');
  const q = nextId('c-question');
  const d = nextId('c-days');
  return [
    h('div', { class: 'field' }, h('label', { for: a }, 'Cơ quan, đơn vị được xin ý kiến', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('select', { id: a, name: 'agency', required: true }, h('option', { value: '' }, '— Chọn —'), agencies.filter((x) => x.code !== me.agency).map((x) => h('option', { value: x.code }, x.name)))),
    h('div', { class: 'field' }, h('label', { for: q }, 'Nội dung xin ý kiến', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('textarea', { id: q, name: 'question', rows: 3, required: true })),
    h('div', { class: 'field' }, h('label', { for: d }, 'Thời hạn trả lời (ngày làm việc)', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('input', { id: d, name: 'working_days', type: 'number', min: '1', step: '1', value: '2', required: true })),
  ];
}

function consultAnswerFields(d) {
  const open = (d.consultations || []).filter((c) => c.agency === me.agency && !c.answered_at);
  const s = nextId('c-no');
  const t = nextId('c-answer');
  return [
    h('div', { class: 'field' }, h('label', { for: s }, 'Câu hỏi'), h('select', { id: s, name: 'consultation' },
      open.map((c) => h('option', { value: String(c.number) }, `Lần ${c.number}: ${c.question} (hạn ${fmtDateTime(c.due_at)})`)))),
    h('div', { class: 'field' }, h('label', { for: t }, 'Nội dung trả lời', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('textarea', { id: t, name: 'answer', rows: 3, required: true })),
  ];
}

function returnFields(d) {
  const ids = ['r-counter', 'r-post', 'r-online'].map(nextId);
  const addr = nextId('r-addr');
  const track = nextId('r-track');
  const chosen = d.result_delivery ? d.result_delivery.method : (d.channel === 'online' ? 'online' : 'counter');
  const postBox = h('div', { hidden: chosen !== 'post' },
    h('div', { class: 'field' }, h('label', { for: addr }, 'Địa chỉ nhận kết quả', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('input', { id: addr, name: 'address', value: (d.result_delivery && d.result_delivery.address) || d.applicant.address || '' })),
    h('div', { class: 'field' }, h('label', { for: track }, 'Số hiệu bưu gửi'),
      h('p', { class: 'hint', id: `${track}-hint` }, 'Để trống: hệ thống đặt dịch vụ phát với bưu điện và nhận số hiệu.'),
      h('input', { id: track, name: 'tracking_number', 'aria-describedby': `${track}-hint` })));
  const fs = h('fieldset', {}, h('legend', {}, 'Hình thức trả kết quả'),
    d.result_delivery ? h('p', { class: 'hint' }, `Người nộp đã chọn: ${deliveryText(d.result_delivery)}.`) : null,
    [['counter', 'Trực tiếp tại Bộ phận Một cửa'], ['post', 'Qua dịch vụ bưu chính công ích'], ['online', 'Trực tuyến (bản điện tử)']].map(([v, t], i) =>
      h('div', { class: 'choice' }, h('input', { type: 'radio', id: ids[i], name: 'return_method', value: v, checked: v === chosen }), h('label', { for: ids[i] }, t))));
  fs.addEventListener('change', () => { postBox.hidden = fs.querySelector('input:checked').value !== 'post'; });
  return [fs, postBox, noteField({ key: 'return' }, false)];
}

async function actionCard(d, action) {
  const headingId = nextId('act');
  const form = h('form', { novalidate: true, 'aria-labelledby': action.primary ? headingId : null });
  let fields = [];
  if (action.kind === 'supplement') fields = supplementFields(d);
  else if (action.kind === 'assign') fields = await assignFields();
  else if (action.kind === 'payment') fields = paymentFields();
  else if (action.kind === 'apology') fields = apologyFields(d);
  else if (action.kind === 'result') fields = resultFields(action);
  else if (action.kind === 'consult') fields = await consultFields();
  else if (action.kind === 'consult_answer') fields = consultAnswerFields(d);
  else if (action.kind === 'return') fields = returnFields(d);
  else fields = [noteField(action, action.note === 'required')];
  const button = h('button', { type: 'submit', class: action.danger ? 'danger' : action.primary ? null : 'secondary' }, action.label);
  add(form, action.primary ? h('h3', { id: headingId }, action.label) : null, h('p', { class: 'small muted' }, action.hint), ...fields, button);
  if (!action.primary) form.setAttribute('aria-label', action.label);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(button, async () => {
      const { body, file, errors } = await bodyOf(action, form);
      if (errors.length) { showErrors(form, errors); return; }
      try {
        if (file) {
          const box = form.querySelector('.progress-box');
          box.hidden = false;
          const { uploadId } = await uploadFile(file, { declarePath: `/dossiers/${d.id}/result-uploads`, onProgress: (p) => { box.querySelector('progress').value = p; } });
          body.upload_id = uploadId;
        }
        const updated = await post(`/dossiers/${d.id}/${action.path}`, body, { headers: { 'If-Match': `"${d.version}"` } });
        if (action.key === 'answer_consultation') {
          // A consulted agency no longer sees the dossier once it has answered.
          const done = alertBox('ok', null, 'Đã gửi ý kiến trả lời. Hồ sơ không còn hiển thị với cơ quan của bạn.');
          setContent(app, done, h('p', {}, h('a', { href: 'index.html' }, 'Về hộp hồ sơ cần xử lý')));
          return;
        }
        await render(null, `${action.label}: đã thực hiện.${updated && updated.code && action.key === 'accept' ? ` Mã hồ sơ ${updated.code}, hẹn trả ${fmtDateTime(updated.appointment)}.` : ''}`);
      } catch (e) {
        if (e.missingRoute) e.detail = `Máy chủ chưa hỗ trợ thao tác “${action.label}”.`;
        if (e.status === 412) e.detail = 'Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới.';
        showErrors(form, e);
      }
    });
  });
  // The usual next step is open; the others are one click away.
  if (action.primary) return h('div', { class: 'card', 'data-action': action.key }, form);
  return h('details', { class: 'card', 'data-action': action.key }, h('summary', {}, action.label), form);
}

/** What the population database gave, and the officer's check against it (G5) while the
 * applicant's consent stands. */
function registryPanel(d) {
  const used = d.registry_use;
  if (!used) return null;
  const labels = Object.fromEntries((procedure.form || []).map((f) => [f.name, f.label]));
  const names = Object.fromEntries(procedure.components.map((c) => [c.id, c.name]));
  const result = h('div', { role: 'status' });
  const btn = h('button', { type: 'button', class: 'secondary' }, `Đối chiếu với ${used.registry_name}`);
  btn.addEventListener('click', () => busy(btn, async () => {
    try {
      const c = await post(`/dossiers/${encodeURIComponent(d.id)}/registry-check`, {});
      setContent(result,
        c.all_match ? alertBox('ok', null, 'Thông tin trong hồ sơ khớp với cơ sở dữ liệu.') : alertBox('warn', null, 'Có thông tin khác với cơ sở dữ liệu: kiểm tra lại với người nộp.'),
        h('table', {}, h('caption', {}, `Đối chiếu lúc ${fmtDateTime(c.checked_at)}`),
          h('thead', {}, h('tr', {}, ['Thông tin', 'Trong hồ sơ', 'Trong cơ sở dữ liệu', 'Kết quả'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, c.fields.map((f) => h('tr', {}, h('td', {}, f.label), h('td', {}, f.in_dossier || '—'), h('td', {}, f.in_registry),
            h('td', {}, f.matches ? 'Khớp' : 'Khác'))))));
    } catch (e) { setContent(result, alertBox('error', null, e.detail || 'Không đối chiếu được.')); }
  }, 'Đang đối chiếu…'));
  const kept = (d.registry_fields || []).map((k) => labels[k] || k);
  return h('section', { class: 'card', 'aria-labelledby': 'csdl' },
    h('h2', { id: 'csdl' }, `Dữ liệu từ ${used.registry_name}`),
    facts([
      ['Khai thác lúc', `${fmtDateTime(used.read_at)}, theo sự đồng ý của người nộp`],
      ['Thông tin giữ nguyên từ cơ sở dữ liệu', kept.join(', ') || '—'],
      used.components.length ? ['Giấy tờ không phải nộp', used.components.map((c) => names[c] || c).join('; ')] : null,
    ]),
    h('div', { class: 'actions' }, btn), result);
}

function formDataTable(d) {
  const labels = Object.fromEntries((procedure.form || []).map((f) => [f.name, f]));
  // In the order of the procedure's form, then anything else the dossier holds.
  const order = (procedure.form || []).map((f) => f.name);
  const entries = Object.entries(d.form || {}).sort(([a], [b]) => ((order.indexOf(a) + 1) || 999) - ((order.indexOf(b) + 1) || 999));
  if (!entries.length) return h('p', {}, 'Không có dữ liệu tờ khai.');
  const show = (k, v) => {
    const f = labels[k];
    if (f && f.kind === 'date') return fmtDate(v);
    if (typeof v === 'boolean') return v ? 'Có' : 'Không';
    return String(v);
  };
  return facts(entries.map(([k, v]) => [labels[k] ? labels[k].label : k, show(k, v)]));
}


/** The rating of a finished dossier, or — for the one-stop office's receiving officer — the
 * form to enter the applicant's paper rating slip (rules §7). */
async function ratingPanel(d) {
  if (!['finished', 'returned'].includes(d.status)) return null;
  let rating = null;
  try { rating = await get(`/dossiers/${encodeURIComponent(d.id)}/rating`); } catch { rating = null; }
  const section = (...body) => h('section', { class: 'card', 'aria-labelledby': 'danh-gia' }, h('h2', { id: 'danh-gia' }, 'Đánh giá của người nộp'), ...body);
  if (rating) return scoreSection(rating, rulingForm(d, rating));
  if (me.role !== 'receiving_officer' || d.archive) return section(h('p', {}, 'Người nộp chưa đánh giá.'));
  const number = nextId('slip');
  const form = h('form', { novalidate: true },
    h('p', { class: 'small' }, 'Nhập phiếu đánh giá giấy người nộp đã điền tại Bộ phận Một cửa. Mỗi hồ sơ chỉ được đánh giá một lần.'),
    h('div', { class: 'field' }, h('label', { for: number }, 'Số phiếu', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('input', { id: number, name: 'slip_number', type: 'text', required: true, maxlength: 40 })),
    ...ratingQuestions(), h('button', { type: 'submit' }, 'Lưu phiếu đánh giá'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const { answers, errors = [] } = readAnswers(form);
    const slipNumber = form.elements.slip_number.value.trim();
    if (!slipNumber) errors.unshift({ field: 'slip_number', message: 'Vui lòng nhập số phiếu đánh giá.' });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${encodeURIComponent(d.id)}/rating-slip`, { slip_number: slipNumber, answers });
        await render(null, 'Đã lưu phiếu đánh giá.');
      } catch (e) { showErrors(form, e); }
    });
  });
  return section(form);
}

/** The leader's conclusion on a complaint about the officers' attitude (indicator 7). */
function rulingForm(d, rating) {
  if (!rating.answers.complaint || rating.complaint_ruling || me.role !== 'leader' || me.agency !== d.agency) return null;
  const reason = nextId('ruling');
  const choice = (value, label) => h('div', { class: 'choice' }, h('input', { type: 'radio', id: `${reason}-${value}`, name: 'upheld', value }), h('label', { for: `${reason}-${value}` }, label));
  const form = h('form', { novalidate: true },
    h('h3', {}, 'Kết luận phàn nàn về thái độ cán bộ'),
    h('fieldset', {}, h('legend', {}, 'Phàn nàn', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      choice('true', 'Đúng (tiêu chí thái độ được 0 điểm)'), choice('false', 'Không đúng')),
    h('div', { class: 'field' }, h('label', { for: reason }, 'Nội dung kết luận', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('textarea', { id: reason, name: 'reason', rows: 3, required: true, maxlength: 2000 })),
    h('button', { type: 'submit' }, 'Lưu kết luận'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const upheld = form.elements.upheld.value;
    const text = form.elements.reason.value.trim();
    const errors = [];
    if (!upheld) errors.push({ field: 'upheld', message: 'Vui lòng chọn kết luận.' });
    if (!text) errors.push({ field: 'reason', message: 'Vui lòng nhập nội dung kết luận.' });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${encodeURIComponent(d.id)}/rating/complaint-ruling`, { upheld: upheld === 'true', reason: text });
        await render(null, 'Đã lưu kết luận phàn nàn.');
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}

async function render(_, message) {
  const d = await get('/dossiers/' + encodeURIComponent(id));
  try { procedure = await get('/procedures/' + encodeURIComponent(d.procedure_code)); } catch { /* labels fall back to ids */ }
  const names = Object.fromEntries(procedure.components.map((c) => [c.id, c.name]));
  names.result = 'Kết quả';
  document.title = `Hồ sơ ${d.code || ''} — Hệ thống một cửa điện tử`;
  document.querySelector('h1').textContent = d.code ? `Hồ sơ ${d.code}` : 'Hồ sơ chờ tiếp nhận';
  const actions = allowedActions(d);
  const cards = [];
  for (const a of actions) cards.push(await actionCard(d, a));
  const state = dueState(d);
  const notice = message ? alertBox('ok', null, message) : null;
  if (notice) notice.tabIndex = -1;
  const openSupplement = (d.supplements || []).filter((s) => !s.provided_at).pop();
  const rating = await ratingPanel(d);
  setContent(app,
    notice,
    archiveNotice(d),
    state === 'overdue' ? alertBox('error', null, 'Hồ sơ đã quá hạn xử lý.') : state === 'soon' ? alertBox('warn', null, 'Hồ sơ sắp đến hạn xử lý.') : null,
    state !== 'overdue' && d.risk && d.risk.at_risk ? alertBox('warn', 'Hồ sơ có nguy cơ trễ hạn',
      `Theo thời gian các bước của thủ tục này thường mất, dự kiến hoàn thành ${fmtDateTime(d.risk.predicted_finish)}, sau ngày hẹn ${fmtDateTime(d.appointment)}.`
      + (d.risk.suggested_new_appointment ? ` Phiếu xin lỗi và hẹn lại (Mẫu 04) đã được chuẩn bị với ngày hẹn mới ${fmtDateTime(d.risk.suggested_new_appointment)}.` : '')) : null,
    h('div', { class: 'grid-2' },
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'chung' },
          h('h2', { id: 'chung' }, d.procedure_name),
          facts([
            ['Mã hồ sơ', d.code || 'Chưa cấp (cấp khi tiếp nhận)'],
            ['Trạng thái', statusBadge(d)],
            ['Hình thức nộp', CHANNEL_LABELS[d.channel] || d.channel],
            d.assisted_at ? ['Nơi hỗ trợ nộp', d.assisted_at.name] : null,
            d.reception_office ? ['Nơi tiếp nhận', d.reception_office.name] : null,
            ['Cơ quan giải quyết', d.agency_name],
            ['Nộp lúc', fmtDateTime(d.submitted_at)],
            ['Tiếp nhận chính thức', fmtDateTime(d.received_at)],
            d.reception_due && d.status === 'submitted' ? ['Hạn kiểm tra, tiếp nhận', fmtDateTime(d.reception_due)] : null,
            ['Thời hạn giải quyết', statutoryLabel(d.statutory_time)],
            ['Ngày hẹn trả', fmtDateTime(d.appointment)],
            d.stage ? ['Bước hiện tại', `${d.stage.name} — hạn ${fmtDateTime(d.stage.due_at)}`] : null,
            d.assignee ? ['Chuyên viên xử lý', d.assignee.name] : null,
            d.register_number ? ['Số vào sổ', String(d.register_number)] : null,
            ['Cách nhận kết quả', d.delivery ? deliveryText({ method: d.delivery.method, address: d.delivery.address }) : deliveryText(d.result_delivery)],
            d.payment ? ['Phí, lệ phí', `${fmtMoney(d.payment.amount_vnd)} — ${d.payment.confirmed_at ? 'đã nộp ' + fmtDateTime(d.payment.confirmed_at) : 'chưa nộp'}`] : null,
          ])),
        h('section', { class: 'card', 'aria-labelledby': 'nguoi-nop' },
          h('h2', { id: 'nguoi-nop' }, 'Người nộp hồ sơ'),
          facts([
            ['Họ và tên', d.applicant.full_name], ['Số định danh', d.applicant.id_number], ['Điện thoại', d.applicant.phone],
            ['Thư điện tử', d.applicant.email], ['Địa chỉ', d.applicant.address],
            d.applicant.business_code ? ['Mã số doanh nghiệp', d.applicant.business_code] : null,
          ])),
        registryPanel(d),
        await parcelPanel(d),
        await pickupPanel(d),
        h('section', { class: 'card', 'aria-labelledby': 'to-khai' }, h('h2', { id: 'to-khai' }, 'Tờ khai'), formDataTable(d)),
        h('section', { class: 'card', 'aria-labelledby': 'tep' },
          h('h2', { id: 'tep' }, 'Thành phần hồ sơ và kết quả'),
          fileList(d, [...d.components, ...(d.result ? [d.result] : [])], { labels: names })),
        openSupplement ? h('section', { class: 'card', 'aria-labelledby': 'bs' },
          h('h2', { id: 'bs' }, `Đang chờ bổ sung (lần ${openSupplement.number})`),
          h('ul', {}, openSupplement.items.map((it) => h('li', {}, `${names[it.component] || it.component}: ${it.reason}`)))) : null),
      h('div', {},
        h('section', { 'aria-labelledby': 'thao-tac' },
          h('h2', { id: 'thao-tac' }, 'Thao tác'),
          cards.length ? cards : h('p', { class: 'card' }, 'Không có thao tác nào dành cho vai trò của bạn ở trạng thái này.')),
        d.code ? h('section', { class: 'card', 'aria-labelledby': 'in' }, h('h2', { id: 'in' }, 'In biểu mẫu'), formsPanel(d)) : null,
        rating)),
    h('section', { class: 'card', 'aria-labelledby': 'qua-trinh' }, h('h2', { id: 'qua-trinh' }, 'Quá trình xử lý'), timeline(d.history, { detailed: true })),
    h('section', { class: 'card', 'aria-labelledby': 'trao-doi' }, h('h2', { id: 'trao-doi' }, 'Trao đổi với người nộp'), messagesPanel(d)));
  if (notice) notice.focus();
}

try {
  await render();
} catch (e) {
  showFailure(app, e, 'tải hồ sơ');
}
