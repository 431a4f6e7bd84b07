// Satisfaction rating of a finished dossier (P9, rules §7), one per dossier: by its owner,
// signed in (`?id=`), or by anyone holding the receipt — at the service centre's kiosk or from
// the receipt's QR code — with the dossier code and the secret printed on it (`?ma=&bm=`).
import { layout, requireLogin } from '../layout.js';
import { get, post } from '../api.js';
import { h, param, setContent, showFailure, alertBox, showErrors, clearErrors, busy, field } from '../ui.js';
import { ratingQuestions, readAnswers, scoreSection } from '../rating-form.js';

const kiosk = sessionStorage.getItem('motcua_kiosk') === '1';
layout({ current: kiosk ? '' : 'ho-so-cua-toi' });
const app = document.getElementById('app');
const id = param('id');

/** The questions after `extra` fields; `check` lists the extra fields' errors, all shown at once. */
function ratingForm(extra, send, check = () => []) {
  const form = h('form', { class: 'card', novalidate: true }, ...extra, ...ratingQuestions(), h('button', { type: 'submit' }, 'Gửi đánh giá'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const { answers, errors = [] } = readAnswers(form);
    const all = [...check(form), ...errors];
    if (all.length) { showErrors(form, all); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const r = await send(form, answers);
        setContent(app, alertBox('ok', 'Cảm ơn bạn đã đánh giá', 'Ý kiến của bạn giúp cơ quan cải thiện chất lượng phục vụ.'),
          scoreSection(r, id ? h('p', {}, h('a', { href: `/ho-so.html?id=${encodeURIComponent(id)}` }, 'Quay lại hồ sơ')) : null));
        app.querySelector('.alert').focus?.();
      } catch (e) { showErrors(form, e); }
    }, 'Đang gửi…');
  });
  return form;
}

async function byOwner() {
  await requireLogin('portal', ['citizen', 'business']);
  const d = await get('/dossiers/' + encodeURIComponent(id));
  document.querySelector('h1').after(h('p', { class: 'lead' }, `${d.procedure_name}${d.code ? ` — hồ sơ ${d.code}` : ''}`));
  let existing = null;
  try { existing = await get(`/dossiers/${encodeURIComponent(id)}/rating`); } catch { existing = null; }
  if (existing) {
    setContent(app, alertBox('ok', null, 'Hồ sơ này đã được đánh giá. Cảm ơn bạn.'),
      scoreSection(existing, h('p', {}, h('a', { href: `/ho-so.html?id=${encodeURIComponent(id)}` }, 'Quay lại hồ sơ'))));
  } else if (!['finished', 'returned'].includes(d.status)) {
    setContent(app, alertBox('warn', null, 'Chỉ đánh giá được hồ sơ đã giải quyết xong.'));
  } else {
    setContent(app, ratingForm([], (_, answers) => post(`/dossiers/${encodeURIComponent(id)}/rating`, answers)));
  }
}

function byReceipt() {
  const intro = h('p', {}, 'Nhập mã hồ sơ và mã bí mật in trên giấy tiếp nhận hồ sơ và hẹn trả kết quả.');
  const code = field({ label: 'Mã hồ sơ', name: 'code', required: true, value: param('ma') || '', autocomplete: 'off' });
  const secret = field({ label: 'Mã bí mật', name: 'secret', required: true, value: param('bm') || '', autocomplete: 'off' });
  const v = (form, n) => form.elements[n].value.trim();
  const check = (form) => [['code', 'Vui lòng nhập mã hồ sơ.'], ['secret', 'Vui lòng nhập mã bí mật.']]
    .filter(([n]) => !v(form, n)).map(([f, message]) => ({ field: f, message }));
  const send = (form, answers) => post('/ratings/by-receipt', { code: v(form, 'code'), secret: v(form, 'secret'), answers }, { auth: false });
  setContent(app, ratingForm([intro, code, secret], send, check));
}

try {
  if (id) await byOwner();
  else byReceipt();
} catch (e) {
  showFailure(app, e, 'tải hồ sơ');
}
