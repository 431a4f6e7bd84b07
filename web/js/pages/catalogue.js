// Catalogue with filters (P3, P10): the filter form is a plain GET form, so every search has
// its own address; results are paged with the API cursor.
import { layout } from '../layout.js';
import { get } from '../api.js';
import { h, param, setContent, showFailure, fmtNumber } from '../ui.js';
import { procedureList } from '../catalogue.js';

layout({ current: 'thu-tuc' });

const form = document.getElementById('filters');
const results = document.getElementById('results');
const count = document.getElementById('count');
const more = document.getElementById('more');
const keys = ['q', 'agency', 'field', 'level', 'audience'];

async function fillSelect(id, path) {
  try {
    const { items } = await get(path);
    const sel = document.getElementById(id);
    for (const it of items) sel.append(h('option', { value: it.code }, it.name));
  } catch { /* the filter stays with "all" only */ }
}

await Promise.all([fillSelect('agency', '/agencies'), fillSelect('field', '/fields')]);
for (const k of keys) if (param(k)) form.elements[k].value = param(k);

let cursor = null;
let shown = 0;
const query = new URLSearchParams();
for (const k of keys) if (param(k)) query.set(k, param(k));
query.set('limit', '20');

async function load() {
  const q = new URLSearchParams(query);
  if (cursor) q.set('cursor', cursor);
  try {
    const page = await get('/procedures?' + q);
    if (!cursor) results.replaceChildren();
    shown += page.items.length;
    if (shown === 0) {
      setContent(results, h('p', {}, 'Không tìm thấy thủ tục phù hợp. Hãy thử từ khóa ngắn hơn hoặc bỏ bớt điều kiện lọc.'));
    } else {
      results.append(procedureList(page.items, 'h2'));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    count.textContent = shown ? `Đang hiển thị ${fmtNumber(shown)} thủ tục${cursor ? ' (còn nữa)' : ''}.` : '';
  } catch (e) {
    showFailure(results, e, 'tìm thủ tục');
  }
}

more.addEventListener('click', load);
await load();
