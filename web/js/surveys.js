// Survey results (P11), shared by the portal page and the console: for each question a bar per
// option whose length is the share of answers, with the count and percentage written beside it
// (the list is the text alternative of the bars), and the whole tally as a data table.
import { h, fmtDate, fmtNumber } from './ui.js';

const pctFmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
/** The share of `n` in `total`, in Vietnamese (“33,3%”); 0% when nobody answered. */
export const percent = (n, total) => `${pctFmt.format(total ? (n / total) * 100 : 0)}%`;
export const responsesLabel = (n) => `${fmtNumber(n || 0)} lượt trả lời`;

/** “Đang nhận ý kiến” / “Đã kết thúc”, in words and colour. */
export function stateBadge(s) {
  return s.open ? h('span', { class: 'badge ok' }, 'Đang nhận ý kiến') : h('span', { class: 'badge neutral' }, 'Đã kết thúc');
}

export function deadlineText(s) {
  return s.open ? `Nhận ý kiến đến hết ngày ${fmtDate(s.closes_on)}` : `Đã hết hạn nhận ý kiến (hết ngày ${fmtDate(s.closes_on)})`;
}

/**
 * The tally of a survey. `mine`: the choices of the person who has just answered (marked in
 * words beside the option).
 */
export function results(s, { mine = null } = {}) {
  const total = s.responses || 0;
  const questions = s.questions || [];
  const box = h('div', { class: 'survey-results' },
    h('p', {}, total
      ? `Tổng hợp ${responsesLabel(total)}. Mỗi thanh dài theo tỷ lệ người chọn phương án đó.`
      : 'Chưa có lượt trả lời nào.'));
  questions.forEach((q, i) => {
    const counts = q.counts || [];
    box.append(h('figure', { class: 'survey-question' },
      h('figcaption', {}, `Câu ${i + 1}. ${q.text}`),
      h('ul', { class: 'bars' }, q.options.map((o, j) => {
        const n = counts[j] || 0;
        const chosen = mine && mine[i] === j;
        return h('li', { class: chosen ? 'mine' : null },
          h('span', { class: 'bar-label' }, o, chosen ? h('strong', {}, ' (lựa chọn của bạn)') : null),
          h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'fill', style: `width:${total ? (n / total) * 100 : 0}%` })),
          h('span', { class: 'bar-value' }, `${fmtNumber(n)} lượt · ${percent(n, total)}`));
      }))));
  });
  if (questions.length) {
    box.append(h('details', { class: 'survey-table' },
      h('summary', {}, 'Xem bảng số liệu'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, `Kết quả “${s.title}” (${responsesLabel(total)})`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Câu hỏi'), h('th', { scope: 'col' }, 'Phương án'),
          h('th', { scope: 'col', class: 'num' }, 'Số lượt chọn'), h('th', { scope: 'col', class: 'num' }, 'Tỷ lệ'))),
        questions.map((q, i) => h('tbody', {}, q.options.map((o, j) => h('tr', {},
          j === 0 ? h('th', { scope: 'rowgroup', rowspan: String(q.options.length) }, `Câu ${i + 1}. ${q.text}`) : null,
          h('td', {}, o),
          h('td', { class: 'num' }, fmtNumber((q.counts || [])[j] || 0)),
          h('td', { class: 'num' }, percent((q.counts || [])[j] || 0, total))))))))));
  }
  return box;
}
