// The frame of every page: skip link, header with the account area, navigation (collapsible on
// a phone), footer and a live region. The portal and the officer console differ only in
// colour, title and menu.

import { session, clearSession, isStaff, isApplicant, post } from './api.js';
import { h, ROLE_LABELS } from './ui.js';

const PORTAL_NAV = [
  ['/', 'Trang chủ', 'home'],
  ['/thu-tuc.html', 'Thủ tục hành chính', 'thu-tuc'],
  ['/tra-cuu.html', 'Tra cứu hồ sơ', 'tra-cuu'],
  ['/ho-so-cua-toi.html', 'Hồ sơ của tôi', 'ho-so-cua-toi'],
  ['/phan-anh.html', 'Phản ánh, kiến nghị', 'phan-anh'],
  ['/khao-sat.html', 'Lấy ý kiến, khảo sát', 'khao-sat'],
  ['/thong-ke.html', 'Thống kê', 'thong-ke'],
];

const CONSOLE_NAV = [
  ['/can-bo/index.html', 'Hồ sơ cần xử lý', 'inbox'],
  ['/can-bo/tiep-nhan.html', 'Tiếp nhận tại quầy', 'tiep-nhan'],
  ['/can-bo/bang-dieu-khien.html', 'Bảng điều khiển', 'bang-dieu-khien'],
  ['/can-bo/so-theo-doi.html', 'Sổ theo dõi', 'so-theo-doi'],
  ['/can-bo/phan-anh.html', 'Phản ánh, kiến nghị', 'phan-anh-cb'],
  ['/can-bo/luu-tru.html', 'Kho lưu trữ', 'luu-tru'],
  ['/can-bo/quan-tri.html', 'Quản trị', 'quan-tri'],
];

function emblem() {
  const span = h('span', { class: 'emblem', 'aria-hidden': 'true' });
  span.innerHTML = '<svg viewBox="0 0 40 40" width="40" height="40" focusable="false"><circle cx="20" cy="20" r="19" fill="#da251d" stroke="#fff" stroke-width="2"/><polygon fill="#ffcd00" points="20,7 23.1,16.2 32.8,16.2 25,22 27.9,31.3 20,25.6 12.1,31.3 15,22 7.2,16.2 16.9,16.2"/></svg>';
  return span;
}

export function loginUrl(area = 'portal') {
  const next = encodeURIComponent(location.pathname + location.search);
  return (area === 'console' ? '/can-bo/dang-nhap.html' : '/dang-nhap.html') + '?next=' + next;
}

function accountArea(area) {
  const s = session();
  const box = h('div', { class: 'account' });
  if (!s) {
    box.append(
      h('a', { href: loginUrl(area) }, 'Đăng nhập'),
      area === 'portal' ? h('a', { href: '/dang-ky.html' }, 'Đăng ký') : null,
    );
    if (area === 'console') box.append(h('a', { href: '/' }, 'Cổng Dịch vụ công'));
    return box;
  }
  box.append(h('span', { class: 'who' }, s.name || s.username, h('span', { class: 'visually-hidden' }, ', '),
    h('small', {}, ' (' + (ROLE_LABELS[s.role] || s.role) + ')')));
  if (area === 'portal') {
    if (isApplicant(s)) box.append(h('a', { href: '/tai-khoan.html' }, 'Tài khoản'));
    if (isStaff(s)) box.append(h('a', { href: '/can-bo/index.html' }, 'Trang cán bộ'));
  } else {
    box.append(h('a', { href: '/' }, 'Cổng Dịch vụ công'));
  }
  box.append(h('button', {
    type: 'button', class: 'linkish', onclick: async () => {
      // The server revokes every token of the account; the page forgets it either way.
      try { await post('/auth/logout', {}); } catch { /* already invalid: nothing to revoke */ }
      clearSession();
      location.href = area === 'console' ? '/can-bo/dang-nhap.html' : '/';
    },
  }, 'Đăng xuất'));
  return box;
}

const KIOSK_IDLE_MS = 120_000;
const inKiosk = () => sessionStorage.getItem('motcua_kiosk') === '1';

/** The service centre whose kiosk this is (`may-tu-phuc-vu.html?diem=<code>`): dossiers filed
 * here record it as the point that helped (R5). */
export const kioskPoint = () => (inKiosk() && sessionStorage.getItem('motcua_kiosk_point')) || null;

/** Ends the session of the person who used the kiosk: revoked on the server, forgotten here. */
export async function endKioskSession() {
  if (session()) {
    try { await post('/auth/logout', {}); } catch { /* already invalid: nothing to revoke */ }
  }
  clearSession();
}

/** Kiosk mode (R8): larger text, a button to end the session, and the session ended after two
 * minutes without a touch or a key. */
function kioskFrame() {
  document.body.classList.add('kiosk');
  const home = async () => { await endKioskSession(); location.href = '/may-tu-phuc-vu.html'; };
  let timer = setTimeout(home, KIOSK_IDLE_MS);
  for (const kind of ['pointerdown', 'keydown', 'scroll', 'input']) {
    addEventListener(kind, () => { clearTimeout(timer); timer = setTimeout(home, KIOSK_IDLE_MS); }, { passive: true });
  }
  return h('div', { class: 'kiosk-bar', role: 'region', 'aria-label': 'Máy tự phục vụ' },
    h('span', {}, 'Máy tự phục vụ — phiên tự kết thúc sau 2 phút không thao tác.'),
    h('button', { type: 'button', onclick: home }, 'Kết thúc phiên'));
}

/** Builds the frame around <main id="main">. */
export function layout({ area = 'portal', current = '' } = {}) {
  const main = document.getElementById('main') || document.querySelector('main');
  main.id = 'main';
  main.tabIndex = -1;
  if (area === 'console') main.classList.add('console-area');
  const nav = area === 'console' ? CONSOLE_NAV : PORTAL_NAV;
  const navId = 'site-nav-list';
  const navBox = h('nav', { class: 'site-nav', 'aria-label': area === 'console' ? 'Chức năng cán bộ' : 'Điều hướng chính', 'data-open': 'false' },
    h('ul', { id: navId }, nav.map(([href, text, key]) =>
      h('li', {}, h('a', { href, 'aria-current': key === current ? 'page' : null }, text)))));
  const toggle = h('button', {
    type: 'button', class: 'nav-toggle secondary', 'aria-controls': navId, 'aria-expanded': 'false',
    onclick: () => {
      const open = navBox.dataset.open !== 'true';
      navBox.dataset.open = String(open);
      toggle.setAttribute('aria-expanded', String(open));
    },
  }, 'Menu');
  const header = h('header', { class: 'site-header' + (area === 'console' ? ' console' : '') },
    h('div', { class: 'bar' },
      h('a', { class: 'brand', href: area === 'console' ? '/can-bo/index.html' : '/' }, emblem(),
        h('span', {},
          h('strong', {}, area === 'console' ? 'Hệ thống một cửa điện tử' : 'Cổng Dịch vụ công'),
          h('small', {}, area === 'console' ? 'Dành cho cán bộ, công chức' : 'Tỉnh Thanh Hóa'))),
      accountArea(area), toggle),
    navBox);
  const skip = h('a', { class: 'skip', href: '#main' }, 'Bỏ qua, đến nội dung chính');
  const footer = h('footer', { class: 'site-footer' }, h('div', { class: 'inner' },
    h('p', {}, area === 'console'
      ? 'Hệ thống thông tin một cửa điện tử — MotCua. Mọi thao tác trên hồ sơ đều được ghi nhận.'
      : 'Cổng Dịch vụ công — MotCua. Đường dây hỗ trợ: 1900 1234 (giờ hành chính).'),
    h('p', {}, h('a', { href: '/api/v1/openapi.json' }, 'Tài liệu API (OpenAPI)'), ' · ',
      area === 'console' ? h('a', { href: '/' }, 'Cổng Dịch vụ công') : h('a', { href: '/can-bo/index.html' }, 'Dành cho cán bộ'))));
  const live = h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
  document.body.prepend(skip, header);
  if (area === 'portal' && inKiosk()) header.after(kioskFrame());
  document.body.append(footer, live);
  // Wide tables scroll sideways on a phone: their scrolling box must be reachable and named.
  const label = (w) => {
    if (w.hasAttribute('tabindex')) return;
    const cap = w.querySelector('caption');
    w.setAttribute('tabindex', '0');
    w.setAttribute('role', 'region');
    w.setAttribute('aria-label', cap ? cap.textContent : 'Bảng số liệu');
  };
  document.querySelectorAll('.table-wrap').forEach(label);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.classList.contains('table-wrap')) label(n);
      n.querySelectorAll('.table-wrap').forEach(label);
    }
  }).observe(main, { childList: true, subtree: true });
}

/** The session, or (never resolving) a redirect to the login page when absent or of another kind of account. */
export async function requireLogin(area = 'portal', roles = null) {
  const s = session();
  if (!s || (roles && !roles.includes(s.role))) {
    location.replace(loginUrl(area) + (s ? '&role=1' : ''));
    await new Promise(() => {}); // the page is being left: nothing after this runs
  }
  return s;
}
