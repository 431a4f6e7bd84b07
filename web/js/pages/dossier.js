// One dossier for its owner (P12, P5, P16, P17): status, what the agency asks (supplement,
// payment, online at the national payment platform), how to receive the result and the parcel's
// tracking when it goes by post, result download, timeline, messages, withdrawal, and the way to rate it.
import { layout, requireLogin } from '../layout.js';
import { get, post, put } from '../api.js';
import { add, h, param, setContent, showFailure, alertBox, fmtDateTime, fmtMoney, facts, statusBadge, statutoryLabel, CHANNEL_LABELS, showErrors, clearErrors, busy, announce } from '../ui.js';
import { timeline, fileList, messagesPanel, download, formsPanel, archiveNotice, deliveryChoice, readDeliveryChoice, deliveryText, parcelPanel, pickupPanel, signatureText } from '../dossier.js';
import { componentUploader } from '../upload.js';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal', ['citizen', 'business']);
const app = document.getElementById('app');
const id = param('id') || '';

function supplementBox(d, names, procedure) {
  const open = (d.supplements || []).filter((s) => !s.provided_at).pop();
  if (!open) return alertBox('warn', 'Cơ quan yêu cầu bổ sung hồ sơ', 'Vui lòng xem chi tiết trong phần trao đổi hoặc liên hệ cơ quan giải quyết.');
  const specs = open.items.map((it) => procedure.components.find((c) => c.id === it.component)
    || { id: it.component, name: it.component, required: true, accepted_types: ['application/pdf', 'image/jpeg', 'image/png'], max_size_mb: 10 });
  const form = h('form', { novalidate: true });
  const noteId = 'supplement-note';
  add(form, 
    h('p', {}, `Yêu cầu lúc ${fmtDateTime(open.requested_at)} bởi ${open.requested_by ? open.requested_by.name : 'cán bộ'}.`),
    open.note ? h('p', {}, open.note) : null,
    h('ul', {}, open.items.map((it) => h('li', {}, h('strong', {}, names[it.component] || it.component), ': ', it.reason))),
    specs.map((spec) => componentUploader(spec, { ensureDossier: async () => d.id, files: [], removable: false, onChange: (nd) => { Object.assign(d, nd); } })),
    h('div', { class: 'field' }, h('label', { for: noteId }, 'Ghi chú gửi cơ quan (nếu có)'), h('textarea', { id: noteId, name: 'note', rows: 3 })),
    h('button', { type: 'submit' }, 'Gửi hồ sơ bổ sung'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${d.id}/supplement`, { note: form.elements.note.value.trim() || null });
        announce('Đã gửi hồ sơ bổ sung.');
        location.reload();
      } catch (e) { showErrors(form, e); }
    });
  });
  return h('section', { class: 'alert warn', 'aria-labelledby': 'bo-sung' }, h('h2', { id: 'bo-sung' }, `Yêu cầu bổ sung hồ sơ (lần ${open.number})`), form);
}

function paymentBox(d) {
  const p = d.payment;
  const pay = h('button', { type: 'button' }, 'Thanh toán trực tuyến');
  pay.addEventListener('click', () => busy(pay, async () => {
    try {
      const started = await post(`/dossiers/${d.id}/payments`);
      location.assign(started.payment_url);
    } catch (e) { pay.after(h('p', { class: 'field-error', role: 'alert' }, e.detail || e.message)); }
  }));
  return h('section', { class: 'alert warn', 'aria-labelledby': 'nop-phi' },
    h('h2', { id: 'nop-phi' }, 'Yêu cầu thực hiện nghĩa vụ tài chính'),
    p ? facts([['Số tiền', fmtMoney(p.amount_vnd)], ['Nội dung', p.description], ['Yêu cầu lúc', fmtDateTime(p.requested_at)]]) : null,
    h('p', {}, 'Bạn có thể thanh toán ngay qua Nền tảng thanh toán trực tuyến: hồ sơ được tiếp tục giải quyết khi nền tảng báo đã nhận tiền, không cần chờ cán bộ xác nhận. Bạn cũng có thể nộp tại Bộ phận Một cửa.'),
    h('div', { class: 'actions' }, pay));
}

// How to receive the result (P15): chosen when filing, changeable until it is returned.
function deliveryBox(d) {
  const form = h('form', { novalidate: true }, deliveryChoice(d.result_delivery, d.applicant.address),
    h('button', { type: 'submit', class: 'secondary' }, 'Lưu cách nhận kết quả'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const { choice, errors } = readDeliveryChoice(form);
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await put(`/dossiers/${d.id}/result-delivery`, choice, { headers: { 'If-Match': `"${d.version}"` } });
        announce('Đã lưu cách nhận kết quả.');
        location.reload();
      } catch (e) { showErrors(form, e); }
    });
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Đổi cách nhận kết quả'), form);
}

// The post collects the paper documents at the applicant's address and brings them to the agency.
function pickupBox(d) {
  const form = h('form', { novalidate: true },
    h('p', { class: 'small' }, 'Nếu cơ quan cần bản giấy (bản chính, bản sao chứng thực), bưu điện đến địa chỉ của bạn nhận hồ sơ giấy và chuyển đến cơ quan giải quyết.'),
    h('div', { class: 'field' }, h('label', { for: 'pickup-address' }, 'Địa chỉ thu gom'), h('input', { id: 'pickup-address', name: 'address', value: d.applicant.address || '', maxlength: 300 })),
    h('div', { class: 'field' }, h('label', { for: 'pickup-phone' }, 'Số điện thoại liên hệ'), h('input', { id: 'pickup-phone', name: 'phone', type: 'tel', value: d.applicant.phone || '' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Đặt thu gom hồ sơ giấy'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const address = form.elements.address.value.trim();
    if (!address) { showErrors(form, [{ field: 'address', message: 'Vui lòng nhập địa chỉ thu gom.' }]); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${d.id}/pickup`, { address, phone: form.elements.phone.value.trim() || null }, { headers: { 'If-Match': `"${d.version}"` } });
        announce('Đã đặt bưu điện thu gom hồ sơ giấy.');
        location.reload();
      } catch (e) { showErrors(form, e); }
    });
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Nhờ bưu điện thu gom hồ sơ giấy tại nhà'), form);
}

function withdrawBox(d) {
  const form = h('form', { novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'withdraw-note' }, 'Lý do rút hồ sơ'), h('textarea', { id: 'withdraw-note', name: 'note', rows: 3 })),
    h('button', { type: 'submit', class: 'danger' }, 'Gửi yêu cầu rút hồ sơ'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${d.id}/withdraw`, { note: form.elements.note.value.trim() || null });
        location.reload();
      } catch (e) { showErrors(form, e); }
    });
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Rút hồ sơ'),
    h('p', {}, 'Bạn có thể yêu cầu rút hồ sơ khi hồ sơ chưa có kết quả. Cơ quan xác nhận thì việc giải quyết dừng lại.'), form);
}

// Who, other than the applicant, opened the dossier or its files (P14).
async function readsPanel(d) {
  let reads = [];
  try { reads = (await get(`/dossiers/${encodeURIComponent(d.id)}/reads`)).items; } catch { return null; }
  const what = (w) => ({ dossier: 'Xem hồ sơ', archive: 'Tra cứu hồ sơ lưu trữ' })[w] || `Tải tệp ${w.replace(/^file:/, '')}`;
  return h('details', { class: 'card' }, h('summary', {}, `Ai đã xem hồ sơ của tôi (${reads.length})`),
    reads.length
      ? h('table', {}, h('caption', { class: 'visually-hidden' }, 'Những lần cán bộ xem hồ sơ hoặc tải tệp của bạn'),
        h('thead', {}, h('tr', {}, ['Thời gian', 'Người xem', 'Vai trò', 'Cơ quan', 'Nội dung'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, reads.map((r) => h('tr', {}, h('td', {}, fmtDateTime(r.at)), h('td', {}, r.by), h('td', {}, r.role_label), h('td', {}, r.agency || '—'), h('td', {}, what(r.what))))))
      : h('p', {}, 'Chưa có ai ngoài bạn xem hồ sơ này.'));
}

try {
  const d = await get('/dossiers/' + encodeURIComponent(id));
  if (d.status === 'draft') { location.replace('/nop-ho-so.html?id=' + encodeURIComponent(id)); throw new Error('draft'); }
  let procedure = { components: [] };
  try { procedure = await get('/procedures/' + encodeURIComponent(d.procedure_code)); } catch { /* names fall back to ids */ }
  const names = Object.fromEntries(procedure.components.map((c) => [c.id, c.name]));
  names.result = 'Kết quả';
  document.title = `Hồ sơ ${d.code || ''} ${d.procedure_name} — Cổng Dịch vụ công`;
  document.querySelector('h1').textContent = d.code ? `Hồ sơ ${d.code}` : 'Chi tiết hồ sơ';
  const done = d.status === 'finished' || d.status === 'returned';
  // What the applicant may do now is the server's word (allowed_actions).
  const may = (action) => (d.allowed_actions || []).some((a) => a.action === action);
  const canWithdraw = may('request_withdrawal');
  setContent(app,
    archiveNotice(d),
    may('provide_supplement') ? supplementBox(d, names, procedure) : null,
    d.status === 'payment_requested' ? paymentBox(d) : null,
    d.status === 'refused' ? alertBox('error', 'Hồ sơ không được tiếp nhận', (d.history.at(-1) || {}).note || '') : null,
    d.apology ? alertBox('warn', 'Cơ quan xin lỗi vì hồ sơ bị chậm', `${d.apology.reason} Ngày hẹn mới: ${fmtDateTime(d.apology.new_appointment)}.`) : null,
    done && d.result ? h('section', { class: 'alert ok', 'aria-labelledby': 'ket-qua' },
      h('h2', { id: 'ket-qua' }, 'Hồ sơ đã có kết quả'),
      h('p', {}, `Kết quả: ${d.result.filename}. Bản điện tử có giá trị pháp lý như bản giấy.`),
      d.result.signature ? h('p', {}, signatureText(d.result.signature)) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: (ev) => download(d.id, d.result).catch((e) => ev.target.after(h('span', { class: 'field-error', role: 'alert' }, e.detail))) }, 'Tải kết quả'),
        d.archive ? null : h('a', { class: 'button secondary', href: `/danh-gia.html?id=${encodeURIComponent(d.id)}` }, 'Đánh giá mức độ hài lòng'))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'thong-tin' },
      h('h2', { id: 'thong-tin' }, d.procedure_name),
      facts([
        ['Mã hồ sơ', d.code || 'Chờ cơ quan tiếp nhận và cấp mã'],
        ['Trạng thái', statusBadge(d)],
        ['Cơ quan giải quyết', d.agency_name],
        ['Hình thức nộp', CHANNEL_LABELS[d.channel] || d.channel],
        ['Nộp lúc', fmtDateTime(d.submitted_at)],
        ['Tiếp nhận chính thức', fmtDateTime(d.received_at)],
        ['Thời hạn giải quyết', statutoryLabel(d.statutory_time)],
        ['Ngày hẹn trả kết quả', fmtDateTime(d.appointment)],
        ['Cách nhận kết quả', d.delivery ? deliveryText({ method: d.delivery.method, address: d.delivery.address }) : deliveryText(d.result_delivery)],
        (d.delivery || d.result_delivery || {}).method === 'post' && procedure.postage_on_delivery_vnd
          ? ['Cước bưu chính', `${fmtMoney(procedure.postage_on_delivery_vnd)} — trả cho bưu điện khi nhận kết quả`] : null,
        d.registry_use ? ['Dữ liệu lấy từ', `${d.registry_use.registry_name} lúc ${fmtDateTime(d.registry_use.read_at)}, theo sự đồng ý của bạn (xem tại trang Tài khoản)`] : null,
        d.receipt_secret ? ['Mã bí mật tra cứu', h('span', { class: 'secret' }, d.receipt_secret)] : null,
      ]),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `/bien-nhan.html?id=${encodeURIComponent(d.id)}` }, 'Giấy tiếp nhận'))),
    await parcelPanel(d),
    await pickupPanel(d),
    h('section', { class: 'card', 'aria-labelledby': 'giay-to' },
      h('h2', { id: 'giay-to' }, 'Giấy tờ đã nộp'), fileList(d, d.components, { labels: names })),
    h('section', { class: 'card', 'aria-labelledby': 'qua-trinh' },
      h('h2', { id: 'qua-trinh' }, 'Quá trình giải quyết'), timeline(d.history.map((s) => ({ ...s, status_label: undefined })))),
    h('section', { class: 'card', 'aria-labelledby': 'trao-doi' },
      h('h2', { id: 'trao-doi' }, 'Trao đổi với cơ quan giải quyết'), messagesPanel(d)),
    d.code ? h('section', { class: 'card', 'aria-labelledby': 'bieu-mau' },
      h('h2', { id: 'bieu-mau' }, 'Biểu mẫu'),
      formsPanel(d, (f) => f.for_applicant)) : null,
    !d.delivery && !['refused', 'stopped', 'withdrawn', 'returned'].includes(d.status) ? deliveryBox(d) : null,
    d.channel === 'online' && !d.pickup && ['submitted', 'accepted', 'processing', 'supplement_requested'].includes(d.status) ? pickupBox(d) : null,
    canWithdraw ? withdrawBox(d) : null,
    await readsPanel(d));
} catch (e) {
  if (e.message !== 'draft') showFailure(app, e, 'tải hồ sơ');
}
