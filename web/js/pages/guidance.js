// Guidance for one procedure (P7): steps, components with sample forms, fees, time, level,
// conditions, legal basis, FAQ; then the way to file it online.
import { layout } from '../layout.js';
import { get } from '../api.js';
import { h, param, setContent, showFailure, statutoryLabel, fmtMoney, facts } from '../ui.js';

layout({ current: 'thu-tuc' });

const box = document.getElementById('guide');
const code = param('ma');
const COPY = { original: 'Bản chính', certified_copy: 'Bản sao chứng thực', copy: 'Bản sao' };
const RESULT = { paper: 'Bản giấy', electronic: 'Bản điện tử', both: 'Bản giấy và bản điện tử' };
const TYPES = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };
const AUDIENCE = { citizen: 'Công dân', business: 'Doanh nghiệp, tổ chức' };

if (!code) {
  setContent(box, h('p', {}, 'Chưa chọn thủ tục. ', h('a', { href: '/thu-tuc.html' }, 'Xem danh mục thủ tục')));
} else {
  try {
    const p = await get('/procedures/' + encodeURIComponent(code));
    document.title = `${p.name} — Hướng dẫn — Cổng Dịch vụ công`;
    document.querySelector('h1').textContent = p.name;
    const a = p.agency_detail || {};
    setContent(box,
      h('nav', { 'aria-label': 'Vị trí trang', class: 'small' }, h('a', { href: '/thu-tuc.html' }, 'Thủ tục hành chính'), ' › ', p.code),
      h('section', { class: 'card', 'aria-labelledby': 'thong-tin' },
        h('h2', { id: 'thong-tin' }, 'Thông tin chung'),
        facts([
          ['Mã thủ tục', p.code],
          ['Cơ quan thực hiện', a.name || p.agency],
          ['Lĩnh vực', p.field_name || p.field],
          ['Mức độ', p.level_label],
          p.min_vneid_level ? ['Đăng nhập', `Nộp trực tuyến cần tài khoản định danh điện tử VNeID mức độ ${p.min_vneid_level}`] : null,
          ['Thời hạn giải quyết', statutoryLabel(p.statutory_time)],
          ['Đối tượng', (p.audience || []).map((x) => AUDIENCE[x] || x).join(', ')],
          ['Kết quả', `${p.result.name} (${RESULT[p.result.kind] || p.result.kind})`],
          ['Phiên bản', String(p.version)],
        ]),
        // A procedure processed in a ministry's system (R11) is filed there, not here.
        p.processed_in
          ? h('div', { class: 'alert info', role: 'note' },
            h('p', {}, `Thủ tục này được giải quyết trên ${p.processed_in.name}. Vui lòng nộp hồ sơ và theo dõi kết quả tại `,
              h('a', { href: p.processed_in.url, rel: 'noopener' }, p.processed_in.url), '.'))
          : h('div', { class: 'actions' },
            h('a', { class: 'button', href: `/nop-ho-so.html?ma=${encodeURIComponent(p.code)}` }, 'Nộp hồ sơ trực tuyến'),
            h('a', { class: 'button secondary', href: '/tra-cuu.html' }, 'Tra cứu hồ sơ đã nộp'))),
      h('section', { class: 'card', 'aria-labelledby': 'trinh-tu' },
        h('h2', { id: 'trinh-tu' }, 'Trình tự thực hiện'),
        h('ol', {}, p.steps.map((s) => h('li', {}, s)))),
      h('section', { class: 'card', 'aria-labelledby': 'thanh-phan' },
        h('h2', { id: 'thanh-phan' }, 'Thành phần hồ sơ'),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('caption', { class: 'visually-hidden' }, 'Các giấy tờ cần nộp'),
          h('thead', {}, h('tr', {}, ['Giấy tờ', 'Loại bản', 'Số lượng', 'Bắt buộc', 'Định dạng tệp', 'Mẫu đơn, tờ khai'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, p.components.map((c) => h('tr', {},
            h('td', {}, c.name),
            h('td', {}, COPY[c.copy_kind] || c.copy_kind),
            h('td', { class: 'num' }, String(c.count)),
            h('td', {}, c.required ? 'Bắt buộc' : 'Không bắt buộc'),
            h('td', {}, `${c.accepted_types.map((t) => TYPES[t] || t).join(', ')}; tối đa ${c.max_size_mb} MB`),
            h('td', {}, c.sample_form || '—'))))))),
      h('section', { class: 'card', 'aria-labelledby': 'phi' },
        h('h2', { id: 'phi' }, 'Phí, lệ phí'),
        p.fees.length
          ? h('ul', {}, p.fees.map((f) => h('li', {}, h('strong', {}, f.name), ': ', f.amount_vnd ? fmtMoney(f.amount_vnd) : 'Miễn phí', f.note ? h('span', { class: 'muted' }, ' — ', f.note) : null)))
          : h('p', {}, 'Không thu phí, lệ phí.')),
      p.conditions ? h('section', { class: 'card', 'aria-labelledby': 'dieu-kien' },
        h('h2', { id: 'dieu-kien' }, 'Yêu cầu, điều kiện'), h('p', {}, p.conditions)) : null,
      h('section', { class: 'card', 'aria-labelledby': 'can-cu' },
        h('h2', { id: 'can-cu' }, 'Căn cứ pháp lý'),
        h('ul', {}, p.legal_basis.map((l) => h('li', {}, l)))),
      p.faq && p.faq.length ? h('section', { class: 'card', 'aria-labelledby': 'hoi-dap' },
        h('h2', { id: 'hoi-dap' }, 'Câu hỏi thường gặp'),
        p.faq.map((f) => h('details', {}, h('summary', {}, f.question), h('p', {}, f.answer)))) : null,
      h('section', { class: 'card', 'aria-labelledby': 'lien-he' },
        h('h2', { id: 'lien-he' }, 'Nơi tiếp nhận'),
        facts([['Cơ quan', a.name], ['Địa chỉ', a.address], ['Điện thoại', a.phone], ['Thư điện tử', a.email]])));
  } catch (e) {
    showFailure(box, e, 'tải hướng dẫn');
  }
}
