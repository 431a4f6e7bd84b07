// Rendering of catalogue entries (P3, P10), shared by the home page and the catalogue.

import { h, statutoryLabel } from './ui.js';

export function procedureList(items, headingLevel = 'h3') {
  return h('ul', { class: 'results' }, items.map((p) => h('li', {},
    h(headingLevel, {}, h('a', { href: `/huong-dan.html?ma=${encodeURIComponent(p.code)}` }, p.name)),
    h('ul', { class: 'meta' },
      h('li', {}, 'Mã: ', p.code),
      h('li', {}, p.agency_name),
      h('li', {}, 'Lĩnh vực: ', p.field_name),
      h('li', {}, p.level_label),
      h('li', {}, 'Thời hạn: ', statutoryLabel(p.statutory_time))))));
}
