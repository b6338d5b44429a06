// The dashboard: the outcomes report of a period as figures and inline SVG charts, drawn here (no chart library).
// Texts from customers (content gaps) are put in the page as text only, through `el`.
import { api, clear, el, setupSession, svg } from '/agent/session.js';

const $ = (id) => document.getElementById(id);

const OUTCOMES = [
  ['resolved_by_bot', 'resolved by the bot', '#12b76a'],
  ['resolved_by_agent', 'resolved by an agent', '#2e90fa'],
  ['escalated', 'escalated (case still open)', '#f04438'],
  ['unresolved', 'unresolved', '#f79009'],
  ['abandoned', 'abandoned', '#98a2b3'],
  ['open', 'open', '#d0d5dd'],
];
const RATES = [
  ['botResolution', 'bot resolution', '#12b76a'],
  ['agentResolution', 'agent resolution', '#2e90fa'],
  ['escalation', 'escalation', '#f04438'],
  ['handedOff', 'handed to a person', '#7a5af8'],
];
const BANDS = { calm: '#12b76a', mild: '#f79009', high: '#f04438' };

setupSession({
  role: 'lead',
  onSignedIn() {
    if (!$('from').value && !$('to').value) preset(30);
    load();
  },
});

// ---- the period ------------------------------------------------------------------------------------------------

const today = () => new Date().toISOString().slice(0, 10);
const daysBefore = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

function preset(days) {
  $('to').value = days === 'all' ? '' : today();
  $('from').value = days === 'all' ? '' : daysBefore(today(), days - 1);
}

function query() {
  const params = new URLSearchParams();
  if ($('from').value) params.set('from', $('from').value);
  if ($('to').value) params.set('to', $('to').value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

for (const button of document.querySelectorAll('[data-days]')) {
  button.addEventListener('click', () => {
    preset(button.dataset.days === 'all' ? 'all' : Number(button.dataset.days));
    load();
  });
}
$('period').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

$('download-csv').addEventListener('click', async () => {
  try {
    // A plain link could not carry the token: fetch it, then hand the file to the browser.
    const csv = await api(`/api/reports.csv${query()}`);
    const link = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `escucha-report${$('from').value ? `-${$('from').value}` : ''}${$('to').value ? `-to-${$('to').value}` : ''}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    $('dashboard-error').textContent = error.message;
  }
});

let shown = null;

async function load() {
  $('dashboard-error').textContent = '';
  try {
    const [report, { series }] = await Promise.all([api(`/api/reports${query()}`), api(`/api/dashboard/series${query()}`)]);
    shown = { report, series };
    render(shown);
  } catch (error) {
    $('dashboard-error').textContent = error.message;
  }
}

let resizing = null;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => { if (shown) render(shown); }, 150);
});

// ---- the figures -----------------------------------------------------------------------------------------------

function render({ report, series }) {
  $('app').dataset.conversations = String(report.conversations);
  $('period-label').textContent = describePeriod(report.period);
  renderKpis(report);

  stackedColumns($('chart-outcomes-daily'), series, OUTCOMES.map(([key, label, color]) => ({ label, color, value: (d) => d.outcomes[key] })));
  legend($('legend-outcomes'), OUTCOMES.map(([, label, color]) => ({ label, color })));

  lines($('chart-rates'), series, RATES.map(([key, label, color]) => ({ label, color, value: (d) => (d.conversations ? d.rates[key] : null) })),
    { max: 100, format: (v) => `${v}%` });
  legend($('legend-rates'), RATES.map(([, label, color]) => ({ label, color })));

  shareBar($('chart-outcomes'), OUTCOMES.map(([key, label, color]) => ({ label, color, count: report.outcomes[key].count, percent: report.outcomes[key].percent })));
  const table = clear($('outcomes-table').tBodies[0]);
  for (const [key, label, color] of OUTCOMES) {
    const share = report.outcomes[key];
    table.append(el('tr', { 'data-outcome': key },
      el('td', {}, el('span', { class: 'swatch', 'data-color': color }), label),
      el('td', { class: 'num n' }, String(share.count)), el('td', { class: 'num' }, `${share.percent}%`)));
  }
  paintSwatches(table);

  hbars($('chart-satisfaction'), [
    { label: 'CSAT (1-5)', value: report.csat.mean, min: 1, max: 5, color: '#2e90fa',
      text: report.csat.mean === null ? 'no answers' : `${report.csat.mean.toFixed(2)} · n=${report.csat.n} · ${report.csat.satisfiedPercent}% gave 4-5` },
    { label: 'CES (1-7, 7 easiest)', value: report.ces.mean, min: 1, max: 7, color: '#7a5af8',
      text: report.ces.mean === null ? 'no answers' : `${report.ces.mean.toFixed(2)} · n=${report.ces.n}` },
  ]);
  lines($('chart-satisfaction-daily'), series, [
    { label: 'CSAT', color: '#2e90fa', value: (d) => d.csat.mean },
    { label: 'CES', color: '#7a5af8', value: (d) => d.ces.mean },
  ], { min: 1, max: 7, format: (v) => String(v), height: 160 });
  legend($('legend-satisfaction'), [{ label: 'CSAT (1-5)', color: '#2e90fa' }, { label: 'CES (1-7)', color: '#7a5af8' }]);

  hbars($('chart-frustration'), report.frustration.map((b) => ({
    label: `${b.band} (${b.band === 'calm' ? `< ${b.to}` : b.band === 'high' ? `≥ ${b.from}` : `${b.from}-${b.to}`})`,
    value: b.percent, min: 0, max: 100, color: BANDS[b.band], text: `${b.count} · ${b.percent}%`,
  })));

  const articles = report.articles.slice(0, 10);
  $('articles-empty').hidden = articles.length > 0;
  hbars($('chart-articles'), articles.map((a) => ({
    label: a.id, value: a.helpfulPercent, min: 0, max: 100, color: a.helpfulPercent === null ? '#d0d5dd' : a.helpfulPercent >= 50 ? '#12b76a' : '#f04438',
    text: `${a.views} views · ${a.helpful} yes · ${a.notHelpful} no${a.helpfulPercent === null ? '' : ` · ${a.helpfulPercent}% helpful`}`,
  })));

  const gaps = clear($('gaps').tBodies[0]);
  for (const gap of report.gaps.slice(0, 15)) {
    gaps.append(el('tr', {},
      el('td', { class: 'num' }, `${gap.count}×`), el('td', {}, gap.locale),
      el('td', {}, el('ul', { class: 'examples' }, gap.examples.map((e) => el('li', {}, e)))),
      el('td', { class: 'num' }, String(gap.bestConfidence)),
      el('td', {}, gap.suggestion.action === 'new_article' ? 'write a new article' : ['add as an alternate question to ', el('code', {}, gap.suggestion.articleId)])));
  }
  $('gaps-empty').hidden = report.gaps.length > 0;
}

function renderKpis(report) {
  const pct = (share) => `${share.percent}%`;
  const tiles = [
    ['conversations', 'Conversations', String(report.conversations), report.openWithTeam ? `${report.openWithTeam} with the team now` : ''],
    ['bot-resolution', 'Resolved by the bot', pct(report.outcomes.resolved_by_bot), `${report.outcomes.resolved_by_bot.count}`],
    ['agent-resolution', 'Resolved by an agent', pct(report.outcomes.resolved_by_agent), `${report.outcomes.resolved_by_agent.count}`],
    ['escalation', 'Escalated', pct(report.outcomes.escalated), `${report.outcomes.escalated.count} still open`],
    ['handed-off', 'Handed to a person', pct(report.handedOff), `${report.handedOff.count} at some point`],
    ['csat', 'CSAT', report.csat.mean === null ? '–' : report.csat.mean.toFixed(2), `n=${report.csat.n}`],
    ['ces', 'CES', report.ces.mean === null ? '–' : report.ces.mean.toFixed(2), `n=${report.ces.n}`],
    ['time-to-resolution', 'Median time to resolution', report.timeToResolution.medianSeconds === null ? '–' : seconds(report.timeToResolution.medianSeconds), `n=${report.timeToResolution.n}`],
    ['reply-time', 'Bot reply time (p50)', `${report.turns.latencyMs.p50} ms`, `p95 ${report.turns.latencyMs.p95} ms`],
  ];
  clear($('kpis')).append(...tiles.map(([id, label, value, sub]) =>
    el('div', { class: 'kpi', id: `kpi-${id}` }, el('span', { class: 'label' }, label), el('strong', { class: 'value' }, value), el('span', { class: 'sub muted' }, sub))));
}

function seconds(s) {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function describePeriod({ from, to }) {
  const last = to ? new Date(Date.parse(to) - 1).toISOString().slice(0, 10) : 'now';
  return `Conversations started from ${from ? from.slice(0, 10) : 'the beginning'} to ${last} (UTC days)`;
}

// ---- charts ----------------------------------------------------------------------------------------------------

const PAD = { top: 10, right: 12, bottom: 26, left: 40 };
/** Charts are drawn at the width of their panel (one unit a pixel, so text is never stretched) and again on resize. */
let WIDTH = 720;

function frame(container, height) {
  WIDTH = Math.max(320, container.clientWidth || 720);
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', class: 'svg-chart' });
  clear(container).append(chart);
  return chart;
}

function axes(chart, { height, days, min, max, format }) {
  const y = (v) => PAD.top + (1 - (v - min) / (max - min || 1)) * (height - PAD.top - PAD.bottom);
  for (const tick of [min, (min + max) / 2, max]) {
    chart.append(
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick), class: 'grid-line' }),
      svg('text', { x: PAD.left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick' }, format(Math.round(tick * 10) / 10)));
  }
  const step = Math.max(1, Math.ceil(days.length / 10));
  days.forEach((d, i) => {
    if (i % step) return;
    chart.append(svg('text', { x: xCenter(i, days.length), y: height - 8, 'text-anchor': 'middle', class: 'tick' }, d.day.slice(5)));
  });
  return y;
}

const band = (n) => (WIDTH - PAD.left - PAD.right) / Math.max(1, n);
const xCenter = (i, n) => PAD.left + band(n) * (i + 0.5);

function stackedColumns(container, days, parts, height = 220) {
  if (!days.length) return empty(container);
  const chart = frame(container, height);
  const max = Math.max(1, ...days.map((d) => parts.reduce((sum, p) => sum + p.value(d), 0)));
  const y = axes(chart, { height, days, min: 0, max, format: String });
  const width = Math.max(1, band(days.length) * 0.7);
  days.forEach((d, i) => {
    let base = 0;
    for (const part of parts) {
      const value = part.value(d);
      if (!value) continue;
      chart.append(svg('rect', { x: xCenter(i, days.length) - width / 2, y: y(base + value), width, height: y(base) - y(base + value), fill: part.color },
        svg('title', {}, `${d.day}: ${value} ${part.label}`)));
      base += value;
    }
  });
}

function lines(container, days, series, { min = 0, max, format, height = 220 }) {
  if (!days.length) return empty(container);
  const chart = frame(container, height);
  const y = axes(chart, { height, days, min, max, format });
  for (const s of series) {
    // A day without a value (no conversations, no survey answers) breaks the line rather than drawing a zero.
    let path = '';
    let pen = 'M';
    days.forEach((d, i) => {
      const value = s.value(d);
      if (value === null || value === undefined) { pen = 'M'; return; }
      path += `${pen}${xCenter(i, days.length).toFixed(1)},${y(value).toFixed(1)} `;
      pen = 'L';
      chart.append(svg('circle', { cx: xCenter(i, days.length), cy: y(value), r: 3, fill: s.color }, svg('title', {}, `${d.day}: ${s.label} ${format(value)}`)));
    });
    if (path) chart.append(svg('path', { d: path.trim(), fill: 'none', stroke: s.color, 'stroke-width': 2 }));
  }
}

function hbars(container, rows) {
  if (!rows.length) return clear(container);
  const rowHeight = 30;
  const labelWidth = 190;
  const height = rows.length * rowHeight + 6;
  const chart = frame(container, height);
  const valueWidth = Math.min(250, WIDTH / 3);
  rows.forEach((row, i) => {
    const top = i * rowHeight + 4;
    const track = Math.max(40, WIDTH - labelWidth - valueWidth);
    const share = row.value === null ? 0 : (row.value - row.min) / (row.max - row.min || 1);
    chart.append(
      svg('text', { x: 0, y: top + 16, class: 'bar-label' }, row.label),
      svg('rect', { x: labelWidth, y: top + 3, width: track, height: 16, class: 'track' }),
      svg('rect', { x: labelWidth, y: top + 3, width: Math.max(0, share * track), height: 16, fill: row.color }, svg('title', {}, `${row.label}: ${row.text}`)),
      svg('text', { x: labelWidth + track + 8, y: top + 16, class: 'bar-value' }, row.text));
  });
}

function shareBar(container, parts) {
  const height = 34;
  const chart = frame(container, height);
  let x = 0;
  for (const part of parts) {
    if (!part.percent) continue;
    const width = (part.percent / 100) * WIDTH;
    chart.append(svg('rect', { x, y: 4, width, height: 26, fill: part.color }, svg('title', {}, `${part.label}: ${part.count} (${part.percent}%)`)));
    x += width;
  }
  if (!x) chart.append(svg('rect', { x: 0, y: 4, width: WIDTH, height: 26, class: 'track' }));
}

function legend(container, items) {
  clear(container).append(...items.map((item) => el('span', { class: 'legend-item' }, el('span', { class: 'swatch', 'data-color': item.color }), item.label)));
  paintSwatches(container);
}

/** The swatch colours are set from script: the page's policy forbids inline style attributes. */
function paintSwatches(root) {
  for (const swatch of root.querySelectorAll('.swatch[data-color]')) swatch.style.background = swatch.dataset.color;
}

function empty(container) {
  clear(container).append(el('p', { class: 'muted' }, 'No conversations in this period.'));
}
