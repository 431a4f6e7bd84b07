import { layout } from '../layout.js';
import { get } from '../api.js';
import { setContent, showFailure, h } from '../ui.js';
import { procedureList } from '../catalogue.js';

layout({ current: 'home' });

const box = document.getElementById('popular');
try {
  const page = await get('/procedures?limit=6');
  setContent(box, page.items.length ? procedureList(page.items) : h('p', {}, 'Chưa có thủ tục nào được công bố.'));
} catch (e) {
  showFailure(box, e, 'tải danh sách thủ tục');
}
