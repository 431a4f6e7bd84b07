// The satisfaction questions (rules §7) asked the same way online, at a kiosk and when a
// receiving officer enters a paper slip; the server scores the rest from the dossier.
import { h, facts, fmtDateTime } from './ui.js';

const SCORES = { time: 'Thời gian giải quyết', agency_time: 'Thời gian tại cơ quan', extra_contacts: 'Số lần phải liên hệ thêm',
  agencies_contacted: 'Số cơ quan phải liên hệ', publication: 'Công khai thủ tục', attitude: 'Thái độ của cán bộ' };
const SOURCE = { online: 'trực tuyến', slip: 'phiếu đánh giá giấy', receipt: 'máy tự phục vụ hoặc mã QR trên giấy tiếp nhận' };
const REQUIRED = ['satisfaction', 'extra_contacts', 'agencies_contacted', 'complaint'];

function radios(name, legend, options) {
  return h('fieldset', {},
    h('legend', {}, legend, h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    options.map(([value, label], i) => h('div', { class: 'choice' },
      h('input', { type: 'radio', id: `${name}-${i}`, name, value, required: true }),
      h('label', { for: `${name}-${i}` }, label))));
}

/** The questions, to put in a form. */
export function ratingQuestions() {
  return [
    radios('satisfaction', 'Mức độ hài lòng chung', [['5', 'Rất hài lòng'], ['4', 'Hài lòng'], ['3', 'Bình thường'], ['2', 'Không hài lòng'], ['1', 'Rất không hài lòng']]),
    radios('extra_contacts', 'Số lần phải liên hệ thêm với cơ quan để hoàn thiện hồ sơ', [['0', 'Không phải liên hệ thêm'], ['1', 'Một lần'], ['2', 'Từ hai lần trở lên']]),
    radios('agencies_contacted', 'Cơ quan phải liên hệ trong quá trình giải quyết', [['none', 'Không phải liên hệ cơ quan nào'], ['one_stop_only', 'Chỉ Bộ phận Một cửa'], ['more', 'Nhiều cơ quan, đơn vị']]),
    radios('complaint', 'Có phàn nàn về thái độ của cán bộ không?', [['false', 'Không'], ['true', 'Có']]),
    h('div', { class: 'field' }, h('label', { for: 'comment' }, 'Góp ý thêm (nếu có)'), h('textarea', { id: 'comment', name: 'comment', rows: 4, maxlength: 2000 })),
  ];
}

/** The answers of a form holding the questions, or the list of unanswered ones. */
export function readAnswers(form) {
  const v = (n) => (form.elements[n] && form.elements[n].value) || '';
  const missing = REQUIRED.filter((n) => !v(n)).map((n) => ({
    field: n,
    message: `Vui lòng chọn: ${form.querySelector(`input[name=${n}]`).closest('fieldset').querySelector('legend').firstChild.textContent}.`,
  }));
  if (missing.length) return { errors: missing };
  return {
    answers: {
      satisfaction: Number(v('satisfaction')), extra_contacts: Number(v('extra_contacts')),
      agencies_contacted: v('agencies_contacted'), complaint: v('complaint') === 'true',
      comment: v('comment').trim() || null,
    },
  };
}

/** The scores of a rating. */
export function scoreSection(r, ...after) {
  return h('section', { class: 'card', 'aria-labelledby': 'diem' },
    h('h2', { id: 'diem' }, 'Kết quả đánh giá'),
    h('p', {}, `Đánh giá qua ${SOURCE[r.source] || SOURCE.online} lúc ${fmtDateTime(r.at)}${r.slip ? ` (phiếu số ${r.slip.number}, do ${r.slip.entered_by.name} nhập)` : ''}. Điểm trung bình: `,
      h('strong', {}, String(r.score.average).replace('.', ',')), ' / 2.'),
    facts(Object.entries(SCORES).map(([k, label]) => [label, `${r.score[k]} điểm`])),
    r.answers.complaint ? h('p', {}, r.complaint_ruling
      ? `Phàn nàn về thái độ cán bộ: ${r.complaint_ruling.upheld ? 'được kết luận là đúng' : 'được kết luận là không đúng'} (${r.complaint_ruling.by.name}, ${fmtDateTime(r.complaint_ruling.at)}): ${r.complaint_ruling.reason}`
      : 'Có phàn nàn về thái độ cán bộ, đang chờ lãnh đạo cơ quan kết luận.') : null,
    ...after);
}
