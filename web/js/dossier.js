// Pieces of a dossier page shared by the portal and the console: the timeline (M7, Form 05),
// attached files with short-lived download links (P16), the printable standard forms with
// their QR code (M9), and the messages between applicant and officers (P5).

import { get, post, api, API, session, objectUrl } from './api.js';
import { h, fmtDate, fmtDateTime, fmtSize, nextId, showErrors, clearErrors, busy, announce, alertBox, ROLE_LABELS } from './ui.js';

function minutes(m) {
  if (m === undefined || m === null) return '—';
  const hrs = Math.floor(Math.abs(m) / 60);
  const mins = Math.abs(m) % 60;
  return `${m < 0 ? '-' : ''}${hrs ? hrs + ' giờ ' : ''}${mins} phút`;
}

/** The steps of a dossier, newest last. `detailed`: officer view with role, unit and time used. */
export function timeline(history = [], { detailed = false } = {}) {
  if (!history.length) return h('p', {}, 'Chưa có bước xử lý nào.');
  if (!detailed) {
    return h('ol', { class: 'timeline' }, history.map((s) => h('li', {},
      h('strong', {}, s.label), h('span', { class: 'when' }, fmtDateTime(s.at), ` · ${s.status_label || ''}`),
      s.note ? h('span', { class: 'small' }, `Ghi chú: ${s.note}`) : null)));
  }
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', {}, 'Phiếu kiểm soát quá trình giải quyết hồ sơ'),
    h('thead', {}, h('tr', {}, ['Thời điểm', 'Bước', 'Người thực hiện', 'Trạng thái', 'Thời gian (cho phép / đã dùng)', 'Ghi chú'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, history.map((s) => h('tr', {},
      h('td', {}, fmtDateTime(s.at)),
      h('td', {}, s.label),
      h('td', {}, s.actor_name, h('br'), h('span', { class: 'small muted' }, ROLE_LABELS[s.role] || s.role || '')),
      h('td', {}, s.national_status ? `${s.national_status} — ${s.status_label || ''}` : (s.status_label || '—')),
      h('td', {}, s.handover
        ? [`${minutes(s.handover.allowed_minutes)} / ${minutes(s.handover.used_minutes)} `,
          h('span', { class: `badge ${s.handover.on_time ? 'ok' : 'bad'}` }, s.handover.on_time ? 'Đúng hạn' : 'Quá hạn')]
        : '—'),
      h('td', {}, s.note || '—'))))));
}

/** Fetches a short-lived link from `path` and starts the download of `filename`. */
export async function downloadFrom(path, filename) {
  const link = await get(path);
  const a = h('a', { href: objectUrl(link.url), download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  announce(`Đang tải về ${filename}.`);
  return link;
}

/** Downloads one file of a dossier. */
export function download(dossierId, file) {
  return downloadFrom(`/dossiers/${dossierId}/files/${file.file_id}`, file.filename);
}

/** The notice of an archived dossier (G9): since when, kept how long, erased or not. */
export function archiveNotice(d) {
  const a = d.archive;
  if (!a) return null;
  const kept = a.erasable_from ? `đến hết thời hạn lưu trữ ${a.retention_label} (được xóa dữ liệu cá nhân từ ngày ${fmtDate(a.erasable_from)})` : 'vĩnh viễn';
  return a.erasure
    ? alertBox('info', 'Dữ liệu cá nhân của hồ sơ đã được xóa', `Ngày ${fmtDate(a.erasure.at)}, theo ${a.erasure.decision}. Mã hồ sơ và quá trình giải quyết được giữ lại.`)
    : alertBox('info', 'Hồ sơ đã chuyển vào lưu trữ', `Ngày ${fmtDate(a.archived_at)}. Hồ sơ được lưu giữ ${kept}; chỉ được xem, không thay đổi.`);
}

/** Who signed a document and whether the signature holds (P16). */
export function signatureText(sig) {
  return `Ký số bởi ${sig.signer} lúc ${fmtDateTime(sig.signed_at)} — ${sig.valid ? 'chữ ký hợp lệ' : 'chữ ký KHÔNG hợp lệ'} (chứng thư số do ${sig.issuer} cấp)`;
}

export function fileList(d, files, { labels = {} } = {}) {
  if (!files.length) return h('p', {}, 'Chưa có tệp nào.');
  return h('ul', { class: 'files' }, files.map((f) => h('li', {},
    h('span', {}, h('strong', {}, labels[f.component] || f.component), ': ', f.filename, ` (${fmtSize(f.size)})`, f.digitised ? ' — bản số hóa' : '',
      f.signature ? h('span', { class: f.signature.valid ? 'signed' : 'field-error' }, h('br'), signatureText(f.signature)) : null),
    h('button', {
      type: 'button', class: 'secondary', 'aria-label': `Tải về ${f.filename}`,
      onclick: (ev) => download(d.id, f).catch((e) => { ev.target.after(h('span', { class: 'field-error', role: 'alert' }, e.detail)); }),
    }, 'Tải về'))));
}

/**
 * Buttons that load a standard form from the server (HTML shown in a frame for printing,
 * or the PDF downloaded). The token cannot travel with a plain link, so the page fetches it.
 */
export function formsPanel(d, keep = () => true) {
  const viewer = h('div', {});
  const forms = (d.forms || []).filter(keep);
  const box = h('div', {}, h('ul', { class: 'files' }, forms.map((f) => h('li', {},
    h('span', {}, f.title),
    h('button', { type: 'button', class: 'secondary', onclick: (ev) => showForm(d, f, viewer, ev.target) }, 'Xem và in'),
    h('button', { type: 'button', class: 'secondary', onclick: (ev) => pdfForm(d, f, viewer, ev.target) }, 'Tải PDF')))), viewer);
  return box;
}

/** Keeps Form 01 only (receipt pages). */
export const receiptOnly = (f) => f.number === '01';

function formMissing(viewer, e) {
  viewer.replaceChildren(alertBox(e.missingRoute ? 'warn' : 'error', null,
    e.missingRoute ? 'Máy chủ chưa hỗ trợ in biểu mẫu này. Vui lòng thử lại sau khi hệ thống được cập nhật.' : e.detail));
}

async function showForm(d, f, viewer, button) {
  await busy(button, async () => {
    try {
      const html = await api(`${API}/dossiers/${d.id}/forms/${f.number}?format=html`, { headers: { Accept: 'text/html' } });
      const frame = h('iframe', { class: 'form-preview', title: f.title, sandbox: 'allow-same-origin allow-modals' });
      frame.srcdoc = typeof html === 'string' ? html : JSON.stringify(html);
      const print = h('button', { type: 'button', onclick: () => frame.contentWindow.print() }, `In ${f.title.split(' — ')[0]}`);
      viewer.replaceChildren(h('div', { class: 'actions no-print' }, print), frame);
      announce(`Đã mở ${f.title}.`);
    } catch (e) {
      formMissing(viewer, e);
    }
  }, 'Đang tải…');
}

async function pdfForm(d, f, viewer, button) {
  await busy(button, async () => {
    try {
      const res = await api(`${API}/dossiers/${d.id}/forms/${f.number}?format=pdf`, { headers: { Accept: 'application/pdf' }, raw: true });
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `mau-${f.number}-${d.code || d.id}.pdf`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      formMissing(viewer, e);
    }
  }, 'Đang tải…');
}

/** Messages between the applicant and the officers (P5); degrades when the route is absent. */
export function messagesPanel(d) {
  const list = h('ol', { class: 'timeline', 'aria-label': 'Các tin nhắn' });
  const status = h('div', {});
  const textId = nextId('msg');
  const form = h('form', { novalidate: true },
    h('div', { class: 'field' }, h('label', { for: textId }, 'Tin nhắn mới'),
      h('textarea', { id: textId, name: 'text', rows: 3, maxlength: 2000 })),
    h('button', { type: 'submit' }, 'Gửi tin nhắn'));
  const me = session();
  async function refresh() {
    try {
      // Every page, oldest first, so that the newest message is at the bottom beside the form.
      const items = [];
      let cursor = null;
      do {
        const page = await get(`/dossiers/${d.id}/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        items.push(...(page.items || []));
        cursor = page.next_cursor;
      } while (cursor);
      list.replaceChildren(...(items.length ? items.map((m) => h('li', {},
        h('strong', {}, (typeof m.author === 'string' ? m.author : m.author && m.author.name) || (m.from_applicant ? 'Người nộp hồ sơ' : 'Cán bộ'),
          m.author_role ? ` (${ROLE_LABELS[m.author_role] || m.author_role})` : ''),
        h('span', { class: 'when' }, fmtDateTime(m.at)),
        h('span', {}, m.text))) : [h('li', {}, 'Chưa có tin nhắn.')]));
      return true;
    } catch (e) {
      if (e.missingRoute) {
        status.replaceChildren(alertBox('warn', null, 'Chức năng trao đổi trực tuyến về hồ sơ chưa được máy chủ hỗ trợ. Vui lòng liên hệ cơ quan qua điện thoại hoặc thư điện tử.'));
        form.hidden = true;
        list.hidden = true;
      } else {
        status.replaceChildren(alertBox('error', null, e.detail));
      }
      return false;
    }
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = form.elements.text.value.trim();
    clearErrors(form);
    if (!text) { showErrors(form, [{ field: 'text', message: 'Vui lòng nhập nội dung tin nhắn.' }]); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(`/dossiers/${d.id}/messages`, { text });
        form.elements.text.value = '';
        await refresh();
        announce('Đã gửi tin nhắn.');
      } catch (e) { showErrors(form, e); }
    }, 'Đang gửi…');
  });
  form.hidden = !!d.archive;
  refresh();
  return h('div', { 'data-me': me ? me.role : '' }, status, list, form);
}

export const DELIVERY_LABELS = {
  counter: 'Nhận trực tiếp tại Bộ phận Một cửa',
  post: 'Qua dịch vụ bưu chính công ích',
  online: 'Nhận bản điện tử trực tuyến',
};

/** How the applicant asked to receive the result, in words. */
export function deliveryText(choice) {
  if (!choice) return 'Chưa chọn (nhận tại Bộ phận Một cửa)';
  return choice.method === 'post' ? `${DELIVERY_LABELS.post}: ${choice.address}` : DELIVERY_LABELS[choice.method];
}

/** Radios to choose how to receive the result, with the address for the post (P15). */
export function deliveryChoice(current, fallbackAddress) {
  const method = current ? current.method : 'counter';
  const addrId = nextId('nhan-dia-chi');
  const addressBox = h('div', { class: 'field', hidden: method !== 'post' },
    h('label', { for: addrId }, 'Địa chỉ nhận kết quả', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    h('input', { id: addrId, name: 'result_address', autocomplete: 'street-address', maxlength: '300', value: (current && current.address) || fallbackAddress || '' }));
  const fs = h('fieldset', {}, h('legend', {}, 'Cách nhận kết quả'),
    Object.entries(DELIVERY_LABELS).map(([value, label]) => {
      const id = nextId('nhan');
      return h('div', { class: 'choice' }, h('input', { type: 'radio', id, name: 'result_method', value, checked: value === method }), h('label', { for: id }, label));
    }),
    addressBox);
  fs.addEventListener('change', () => { addressBox.hidden = fs.querySelector('input[name=result_method]:checked').value !== 'post'; });
  return fs;
}

/** The choice made in [deliveryChoice]'s fields, and what is missing. */
export function readDeliveryChoice(form) {
  const method = form.elements.result_method.value;
  const address = form.elements.result_address.value.trim();
  const errors = method === 'post' && !address ? [{ field: 'result_address', message: 'Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.' }] : [];
  return { choice: method === 'post' ? { method, address } : { method }, errors };
}

/** Where the result sent by post is: the post's tracking states, as they came. */
/** A parcel's tracking states as the post reported them (`what`: `parcel` or `pickup`). */
async function trackingPanel(d, what, heading, title) {
  let parcel;
  try { parcel = await get(`/dossiers/${encodeURIComponent(d.id)}/${what}`); } catch { return null; }
  return h('section', { class: 'card', 'aria-labelledby': heading },
    h('h2', { id: heading }, title),
    h('p', {}, `Số hiệu bưu gửi: ${parcel.tracking_number || 'chưa có'} — địa chỉ: ${parcel.address || '—'}`),
    parcel.events.length
      ? h('ol', { class: 'timeline' }, parcel.events.map((e) => h('li', {}, h('strong', {}, e.label), ` — ${fmtDateTime(e.at)}`, e.note ? `: ${e.note}` : '')))
      : h('p', {}, 'Bưu điện chưa báo trạng thái bưu gửi.'));
}

export async function parcelPanel(d) {
  if (!d.delivery || d.delivery.method !== 'post') return null;
  return trackingPanel(d, 'parcel', 'buu-gui', 'Kết quả gửi qua bưu chính');
}

/** The post collecting the applicant's paper documents (P15). */
export async function pickupPanel(d) {
  if (!d.pickup) return null;
  return trackingPanel(d, 'pickup', 'thu-gom', 'Bưu điện thu gom hồ sơ giấy');
}
