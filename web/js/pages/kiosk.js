// The kiosk of a Public Administration Service Centre (Decree 309/2026, R8): the portal in a
// kiosk mode for self-service — find a procedure and file (signing in with the applicant's own
// account), follow a dossier, rate the handling with the receipt, send feedback. Opening this
// page starts the mode on this browser tab and ends whatever session a previous person left.
import { layout, endKioskSession } from '../layout.js';
import { h, param, setContent } from '../ui.js';

if (param('thoat') === '1') {
  sessionStorage.removeItem('motcua_kiosk');
  sessionStorage.removeItem('motcua_kiosk_point');
  location.replace('/');
} else {
  sessionStorage.setItem('motcua_kiosk', '1');
  if (param('diem')) sessionStorage.setItem('motcua_kiosk_point', param('diem'));
  await endKioskSession();
  layout({ current: '' });
  const tile = (href, title, text) => h('li', {}, h('a', { class: 'kiosk-tile', href }, h('strong', {}, title), h('span', {}, text)));
  setContent(document.getElementById('app'), h('ul', { class: 'kiosk-tiles' },
    tile('/thu-tuc.html', 'Nộp hồ sơ', 'Tìm thủ tục, đăng nhập bằng tài khoản của bạn và nộp hồ sơ trực tuyến'),
    tile('/tra-cuu.html', 'Tra cứu hồ sơ', 'Xem tình trạng hồ sơ bằng mã in trên giấy tiếp nhận'),
    tile('/danh-gia.html', 'Đánh giá mức độ hài lòng', 'Đánh giá việc giải quyết hồ sơ bằng mã hồ sơ và mã bí mật'),
    tile('/phan-anh.html', 'Phản ánh, kiến nghị', 'Gửi phản ánh, kiến nghị về thủ tục hành chính')));
}
