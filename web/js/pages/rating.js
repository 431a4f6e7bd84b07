// Satisfaction rating of a finished dossier (P9): the applicant answers what only they can
// (extra contacts, agencies contacted, complaint about attitude, overall satisfaction); the
// server scores the rest from the dossier. One rating per dossier.
import { layout, requireLogin } from '../layout.js';
import { get, post } from '../api.js';
import { h, param, setContent, showFailure, alertBox, showErrors, clearErrors, busy, facts, fmtDateTime } from '../ui.js';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal', ['citizen', 'business']);
const app = document.getElementById('app');
const id = param('id') || '';

const SCORES = { time: 'Thời gian giải quyết', agency_time: 'Thời gian tại cơ quan', extra_contacts: 'Số lần phải liên hệ thêm',
  agencies_contacted: 'Số cơ quan phải liên hệ', publication: 'Công khai thủ tục', attitude: 'Thái độ của cán bộ' };

function radios(name, legend, options, hint) {
  const hintId = hint ? `${name}-hint` : null;
  return h('fieldset', { 'aria-describedby': hintId, 'data-field': null },
    h('legend', {}, legend, h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    options.map(([value, label], i) => h('div', { class: 'choice' },
      h('input', { type: 'radio', id: `${name}-${i}`, name, value, required: true }),
      h('label', { for: `${name}-${i}` }, label))));
}

function showScore(r) {
  return h('section', { class: 'card', 'aria-labelledby': 'diem' },
    h('h2', { id: 'diem' }, 'Kết quả đánh giá'),
    h('p', {}, `Đã đánh giá lúc ${fmtDateTime(r.at)}. Điểm trung bình: `, h('strong', {}, String(r.score.average).replace('.', ',')), ' / 2.'),
    facts(Object.entries(SCORES).map(([k, label]) => [label, `${r.score[k]} điểm`])),
    h('p', {}, h('a', { href: `/ho-so.html?id=${encodeURIComponent(id)}` }, 'Quay lại hồ sơ')));
}

try {
  const d = await get('/dossiers/' + encodeURIComponent(id));
  document.querySelector('h1').after(h('p', { class: 'lead' }, `${d.procedure_name}${d.code ? ` — hồ sơ ${d.code}` : ''}`));
  let existing = null;
  try { existing = await get(`/dossiers/${encodeURIComponent(id)}/rating`); } catch { existing = null; }
  if (existing) {
    setContent(app, alertBox('ok', null, 'Hồ sơ này đã được đánh giá. Cảm ơn bạn.'), showScore(existing));
  } else if (!['finished', 'returned'].includes(d.status)) {
    setContent(app, alertBox('warn', null, 'Chỉ đánh giá được hồ sơ đã giải quyết xong.'));
  } else {
    const form = h('form', { class: 'card', novalidate: true },
      radios('satisfaction', 'Mức độ hài lòng chung', [['5', 'Rất hài lòng'], ['4', 'Hài lòng'], ['3', 'Bình thường'], ['2', 'Không hài lòng'], ['1', 'Rất không hài lòng']]),
      radios('extra_contacts', 'Số lần phải liên hệ thêm với cơ quan để hoàn thiện hồ sơ', [['0', 'Không phải liên hệ thêm'], ['1', 'Một lần'], ['2', 'Từ hai lần trở lên']]),
      radios('agencies_contacted', 'Cơ quan phải liên hệ trong quá trình giải quyết', [['none', 'Không phải liên hệ cơ quan nào'], ['one_stop_only', 'Chỉ Bộ phận Một cửa'], ['more', 'Nhiều cơ quan, đơn vị']]),
      radios('complaint', 'Bạn có phàn nàn về thái độ của cán bộ không?', [['false', 'Không'], ['true', 'Có']]),
      h('div', { class: 'field' }, h('label', { for: 'comment' }, 'Góp ý thêm (nếu có)'), h('textarea', { id: 'comment', name: 'comment', rows: 4, maxlength: 2000 })),
      h('button', { type: 'submit' }, 'Gửi đánh giá'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = (n) => (form.elements[n] && form.elements[n].value) || '';
      const missing = ['satisfaction', 'extra_contacts', 'agencies_contacted', 'complaint'].filter((n) => !v(n))
        .map((n) => ({ field: n, message: `Vui lòng chọn: ${form.querySelector(`input[name=${n}]`).closest('fieldset').querySelector('legend').firstChild.textContent}.` }));
      if (missing.length) { showErrors(form, missing); return; }
      busy(form.querySelector('button[type=submit]'), async () => {
        try {
          const r = await post(`/dossiers/${encodeURIComponent(id)}/rating`, {
            satisfaction: Number(v('satisfaction')), extra_contacts: Number(v('extra_contacts')),
            agencies_contacted: v('agencies_contacted'), complaint: v('complaint') === 'true',
            comment: v('comment').trim() || null,
          });
          setContent(app, alertBox('ok', 'Cảm ơn bạn đã đánh giá', 'Ý kiến của bạn giúp cơ quan cải thiện chất lượng phục vụ.'), showScore(r));
          app.querySelector('.alert').focus?.();
        } catch (e) { showErrors(form, e); }
      }, 'Đang gửi…');
    });
    setContent(app, form);
  }
} catch (e) {
  showFailure(app, e, 'tải hồ sơ');
}
