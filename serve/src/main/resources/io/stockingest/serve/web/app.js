// stock-ingest dashboard: one page per hash route, each drawn from the JSON API (docs/dashboard.md).
// No data is ever put into the page as HTML: text goes through textContent, so a stored value cannot run script.
'use strict';

const page = document.getElementById('page');
const charts = {};
window.dashboard = { charts };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (k === 'onchange') e.addEventListener('change', v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

async function api(path) {
  const response = await fetch('/api/' + path, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
  return body;
}

function col(table, name) {
  const i = table.columns.indexOf(name);
  return table.rows.map(r => r[i]);
}

function records(table) {
  return table.rows.map(r => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
}

function fmt(v, digits) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && digits === undefined) return v.toLocaleString('en-US');
    const d = digits === undefined ? 2 : digits;
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  if (Array.isArray(v)) return v.map(x => fmt(x)).join(', ');
  return String(v);
}

function table(headers, rows, textColumns) {
  const text = new Set(textColumns || []);
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { class: text.has(i) ? 'text' : '' }, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, r.map((v, i) => v instanceof Node ? el('td', { class: 'text' }, v)
      : el('td', { class: text.has(i) ? 'text' : '' }, fmt(v))))))));
}

function chart(id, cls) {
  const div = el('div', { id, class: 'chart ' + (cls || '') });
  page.appendChild(div);
  const c = echarts.init(div, null, { renderer: 'canvas' });
  charts[id] = c;
  return c;
}

function empty(text) {
  return el('div', { class: 'empty' }, text);
}

function disposeCharts() {
  for (const [k, c] of Object.entries(charts)) {
    c.dispose();
    delete charts[k];
  }
}

function ready() {
  page.dataset.readyMs = String(performance.now()); // since navigation start: what the benchmark reads
  page.setAttribute('data-ready', 'true');
}

function params(query) {
  return Object.fromEntries(new URLSearchParams(query || ''));
}

// ---- Symbol: candlesticks, volume, MA20/MA50, 20-day volatility, splits and dividends, 7-day cumulative ----

const RANGES = [['1M', 1], ['6M', 6], ['1Y', 12], ['5Y', 60], ['All', 0]];

async function symbolPage(symbol, query) {
  if (!symbol) return chooseSymbol('symbol');
  const q = params(query);
  const interval = q.interval || '1d';
  const data = await api('prices/' + encodeURIComponent(symbol) + '?interval=' + encodeURIComponent(interval));
  page.appendChild(el('h2', {}, symbol + ' · ' + (interval === '1d' ? 'daily' : interval + ' bars')));
  const bar = el('div', { class: 'toolbar' });
  for (const i of data.intervals) {
    bar.appendChild(el('button', { class: i === interval ? 'active' : '', 'data-interval': i,
      onclick: () => { location.hash = '#/symbol/' + symbol + (i === '1d' ? '' : '?interval=' + i); } }, i));
  }
  bar.appendChild(el('span', { class: 'muted' }, ' range:'));
  page.appendChild(bar);
  if (data.rows.length === 0) {
    page.appendChild(empty('No ' + interval + ' bars stored for ' + symbol + '.'));
    return;
  }
  const daily = interval === '1d';
  const x = col(data, daily ? 'date' : 'ts').map(v => daily ? v : v.replace('T', ' ').replace(':00Z', 'Z'));
  // the panel shows the last session's row only: ask for that one, while the chart is drawn
  const cumulative = daily ? api('cumulative/' + encodeURIComponent(symbol) + '?from=' + x[x.length - 1]) : null;
  const ohlc = data.rows.map(r => ['open', 'close', 'low', 'high'].map(c => r[data.columns.indexOf(c)]));
  const volume = col(data, 'volume');
  const actions = records(data.actions);
  const marks = daily ? actions.filter(a => x.includes(a.ex_date)).map(a => ({
    name: a.type, coord: [a.ex_date, data.rows[x.indexOf(a.ex_date)][data.columns.indexOf('high')]],
    value: a.type === 'split' ? fmt(a.numerator, 0) + ':' + fmt(a.denominator, 0) : '$' + fmt(a.amount),
    itemStyle: { color: a.type === 'split' ? '#7c3aed' : '#0e9f6e' } })) : [];
  const series = [
    { name: symbol, type: 'candlestick', data: ohlc, xAxisIndex: 0, yAxisIndex: 0,
      itemStyle: { color: '#16a34a', color0: '#dc2626', borderColor: '#16a34a', borderColor0: '#dc2626' },
      markPoint: { symbol: 'pin', symbolSize: 48, label: { fontSize: 10 }, data: marks,
        tooltip: { formatter: p => p.name + ' ' + p.value } } },
    { name: 'Volume', type: 'bar', data: volume, xAxisIndex: 1, yAxisIndex: 1, itemStyle: { color: '#94a3b8' }, large: true },
  ];
  const grids = [{ left: 70, right: 40, top: 40, height: daily ? '52%' : '62%' }, { left: 70, right: 40, top: daily ? '64%' : '74%', height: '12%' }];
  const xAxes = [{ type: 'category', data: x, gridIndex: 0, boundaryGap: true, axisLabel: { show: false } },
    { type: 'category', data: x, gridIndex: 1, boundaryGap: true, axisLabel: { show: !daily } }];
  const yAxes = [{ scale: true, gridIndex: 0, splitArea: { show: true } },
    { scale: true, gridIndex: 1, splitNumber: 2, axisLabel: { formatter: v => (v / 1e6).toFixed(0) + 'M' } }];
  if (daily) {
    series.push({ name: 'MA20', type: 'line', data: col(data, 'ma_20'), showSymbol: false, lineStyle: { width: 1.2 }, xAxisIndex: 0, yAxisIndex: 0 });
    series.push({ name: 'MA50', type: 'line', data: col(data, 'ma_50'), showSymbol: false, lineStyle: { width: 1.2 }, xAxisIndex: 0, yAxisIndex: 0 });
    series.push({ name: 'Volatility 20d', type: 'line', data: col(data, 'volatility_20d'), showSymbol: false, xAxisIndex: 2, yAxisIndex: 2,
      lineStyle: { width: 1.2, color: '#ea580c' }, itemStyle: { color: '#ea580c' } });
    grids.push({ left: 70, right: 40, top: '80%', height: '12%' });
    xAxes.push({ type: 'category', data: x, gridIndex: 2, boundaryGap: true });
    yAxes.push({ scale: true, gridIndex: 2, splitNumber: 2, axisLabel: { formatter: v => (v * 100).toFixed(1) + '%' } });
  }
  const c = chart('price-chart');
  c.setOption({
    animation: false,
    legend: { top: 5, data: series.map(s => s.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'cross' } },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: grids, xAxis: xAxes, yAxis: yAxes, series,
    dataZoom: [{ type: 'inside', xAxisIndex: xAxes.map((_, i) => i) },
      { type: 'slider', xAxisIndex: xAxes.map((_, i) => i), bottom: 4, height: 18 }],
  });
  for (const [label, months] of RANGES) {
    bar.appendChild(el('button', { 'data-range': label, onclick: () => zoom(c, x, months, daily) }, label));
  }
  if (daily) cumulativePanel(await cumulative);
}

function zoom(c, x, months, daily) {
  if (months === 0 || !daily) {
    c.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
    return;
  }
  const last = new Date(x[x.length - 1] + 'T00:00:00Z');
  last.setUTCMonth(last.getUTCMonth() - months);
  const from = last.toISOString().slice(0, 10);
  const start = Math.max(0, x.findIndex(d => d >= from));
  c.dispatchAction({ type: 'dataZoom', startValue: start, endValue: x.length - 1 });
}

function cumulativePanel(data) {
  page.appendChild(el('h3', {}, 'Last 7 sessions (price_cumulative_7d)'));
  if (data.rows.length === 0) {
    page.appendChild(empty('No 7-day cumulative rows.'));
    return;
  }
  const last = records(data)[data.rows.length - 1];
  page.appendChild(el('div', { class: 'grid2' },
    table(['', 'values (oldest first)'], [['opens', last.opens], ['highs', last.highs], ['lows', last.lows], ['closes', last.closes],
      ['volumes', last.volumes]], [0, 1]),
    table(['as of', 'avg_7_day_volume', 'volatility_7_day'], [[last.date, last.avg_7_day_volume, fmt(last.volatility_7_day, 4)]], [0])));
}

// ---- Options chain: strikes x expirations, calls and puts side by side, the stock beside ----

const LEG = ['bid', 'ask', 'last_price', 'implied_volatility', 'delta', 'gamma', 'theta', 'vega', 'open_interest'];
const LEG_LABEL = ['Bid', 'Ask', 'Last', 'IV', 'Δ', 'Γ', 'Θ', 'Vega', 'OI'];

async function optionsPage(symbol, query) {
  if (!symbol) return chooseSymbol('options');
  const q = params(query);
  const data = await api('options/' + encodeURIComponent(symbol) + (q.date ? '?date=' + encodeURIComponent(q.date) : ''));
  page.appendChild(el('h2', {}, symbol + ' options' + (data.date ? ' · snapshot ' + data.date : '')));
  if (data.dates.length === 0) {
    page.appendChild(empty('No option-chain snapshots stored for ' + symbol + '.'));
    return;
  }
  const select = el('select', { id: 'snapshot-date', onchange: e => { location.hash = '#/options/' + symbol + '?date=' + e.target.value; } },
    data.dates.map(d => { const o = el('option', { value: d }, d); if (d === data.date) o.selected = true; return o; }));
  const rows = records(data.chain);
  const underlying = rows.map(r => r.underlying_price).find(v => v !== null && v !== undefined);
  page.appendChild(el('div', { class: 'toolbar' }, 'Snapshot ', select,
    el('span', { id: 'stock-price' }, ' · ' + symbol + ' close ' + (data.stock ? fmt(data.stock.close) + ' on ' + data.stock.date : 'not stored')
      + (underlying !== undefined ? ' · underlying at snapshot ' + fmt(underlying) : ''))));
  if (rows.length === 0) {
    page.appendChild(empty('The snapshot holds no contracts.'));
    return;
  }
  const expirations = [...new Set(rows.map(r => r.expiration))].sort();
  const c = chart('iv-chart', 'small');
  c.setOption({
    animation: false, title: { text: 'Implied volatility by strike', left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item' }, legend: { top: 24 },
    grid: { left: 60, right: 30, top: 60, bottom: 40 },
    xAxis: { type: 'value', name: 'strike', scale: true }, yAxis: { type: 'value', name: 'IV', scale: true },
    series: expirations.flatMap(exp => ['call', 'put'].map(type => ({
      name: exp + ' ' + type + 's', type: 'line', showSymbol: true,
      data: rows.filter(r => r.expiration === exp && r.contract_type === type && r.implied_volatility !== null)
        .map(r => [r.strike, r.implied_volatility]) }))).filter(s => s.data.length > 0),
  });
  for (const exp of expirations) {
    const strikes = [...new Set(rows.filter(r => r.expiration === exp).map(r => r.strike))].sort((a, b) => a - b);
    const leg = (strike, type) => rows.find(r => r.expiration === exp && r.strike === strike && r.contract_type === type);
    page.appendChild(el('h3', {}, 'Expiration ' + exp));
    const head = [...LEG_LABEL.map(l => 'Call ' + l), 'Strike', ...LEG_LABEL.map(l => 'Put ' + l)];
    const body = strikes.map(s => {
      const call = leg(s, 'call');
      const put = leg(s, 'put');
      return [...LEG.map(f => call ? call[f] : null), s, ...LEG.map(f => put ? put[f] : null)];
    });
    page.appendChild(table(head, body));
  }
}

// ---- Fundamentals ----

const HEADLINE = ['revenue', 'grossProfit', 'operatingIncome', 'netIncome', 'operatingCashFlow', 'freeCashFlow', 'totalAssets', 'totalDebt'];

async function fundamentalsPage(symbol) {
  if (!symbol) return chooseSymbol('fundamentals');
  const data = await api('fundamentals/' + encodeURIComponent(symbol));
  page.appendChild(el('h2', {}, symbol + ' fundamentals'));
  const rows = records(data);
  if (rows.length === 0) {
    page.appendChild(empty('No statements stored for ' + symbol + '.'));
    return;
  }
  const periods = [...new Set(rows.map(r => r.period_end + ' ' + r.period))].sort();
  const value = (key, p) => {
    for (const r of rows) if (r.period_end + ' ' + r.period === p && r.line_items && key in r.line_items) return r.line_items[key];
    return null;
  };
  const keys = HEADLINE.filter(k => rows.some(r => r.line_items && k in r.line_items));
  const c = chart('fundamentals-chart', 'small');
  c.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 4 }, grid: { left: 90, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', axisLabel: { formatter: v => (v / 1e9).toFixed(1) + 'B' } },
    series: keys.map(k => ({ name: k, type: 'bar', data: periods.map(p => value(k, p)) })),
  });
  for (const type of [...new Set(rows.map(r => r.statement_type))]) {
    const of = rows.filter(r => r.statement_type === type);
    const items = [...new Set(of.flatMap(r => Object.keys(r.line_items || {})))].sort();
    page.appendChild(el('h3', {}, type + ' statements'));
    page.appendChild(table(['line item', ...of.map(r => r.period_end + ' ' + r.period)],
      items.map(i => [i, ...of.map(r => (r.line_items || {})[i])]), [0]));
  }
}

// ---- Runs ----

async function runsPage() {
  const data = await api('runs?limit=500');
  page.appendChild(el('h2', {}, 'Runs'));
  if (data.runs.length === 0) {
    page.appendChild(empty('No runs recorded.'));
    return;
  }
  const runs = [...data.runs].reverse(); // oldest first on the chart
  const x = runs.map(r => r.started_at || r.run_id);
  const rules = [...new Set(runs.flatMap(r => Object.keys(r.quarantined_by_rule || {})))].sort();
  const c = chart('runs-chart');
  c.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 4 },
    grid: [{ left: 70, right: 70, top: 40, height: '38%' }, { left: 70, right: 70, top: '58%', height: '30%' }],
    xAxis: [{ type: 'category', data: x, gridIndex: 0, axisLabel: { show: false } }, { type: 'category', data: x, gridIndex: 1 }],
    yAxis: [{ type: 'value', name: 'ms', gridIndex: 0 }, { type: 'value', name: 'rows', gridIndex: 0, position: 'right' },
      { type: 'value', name: 'count', gridIndex: 1 }],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }, { type: 'slider', xAxisIndex: [0, 1], bottom: 4, height: 16 }],
    series: [
      { name: 'duration (ms)', type: 'bar', data: runs.map(r => r.duration_ms), xAxisIndex: 0, yAxisIndex: 0 },
      { name: 'rows written', type: 'line', data: runs.map(r => r.rows_written), xAxisIndex: 0, yAxisIndex: 1 },
      { name: 'requests', type: 'line', data: runs.map(r => r.requests), xAxisIndex: 1, yAxisIndex: 2 },
      { name: 'retries', type: 'line', data: runs.map(r => r.retries), xAxisIndex: 1, yAxisIndex: 2 },
      { name: '429s', type: 'line', data: runs.map(r => r.throttled), xAxisIndex: 1, yAxisIndex: 2 },
      ...rules.map(rule => ({ name: 'quarantined: ' + rule, type: 'bar', stack: 'q', xAxisIndex: 1, yAxisIndex: 2,
        data: runs.map(r => (r.quarantined_by_rule || {})[rule] || 0) })),
    ],
  });
  c.on('click', p => { location.hash = '#/runs/' + runs[p.dataIndex].run_id; });
  page.appendChild(el('h3', {}, 'All runs, newest first'));
  page.appendChild(table(['run', 'command', 'source', 'started', 'duration ms', 'status', 'symbols', 'failed', 'requests', 'retries', '429s', 'rows',
    'quarantined'], data.runs.map(r => [el('a', { href: '#/runs/' + r.run_id, class: 'run-link' }, r.run_id), r.command, r.source, r.started_at,
    r.duration_ms, r.status, r.symbols_requested, r.symbols_failed, r.requests, r.retries, r.throttled, r.rows_written,
    r.rows_quarantined]), [0, 1, 2, 3, 5]));
}

async function runPage(runId) {
  const r = await api('runs/' + encodeURIComponent(runId));
  page.appendChild(el('h2', {}, 'Run ' + r.run_id));
  page.appendChild(el('p', {}, el('a', { href: '#/runs' }, '← all runs')));
  const fields = ['command', 'source', 'interval', 'from', 'to', 'started_at', 'finished_at', 'duration_ms', 'status', 'exit_code',
    'symbols_requested', 'symbols_succeeded', 'symbols_failed', 'requests', 'retries', 'throttled', 'files_written', 'files_skipped',
    'rows_written', 'rows_quarantined'];
  page.appendChild(el('div', { class: 'grid2' },
    el('div', { class: 'kv' }, table(['field', 'value'], fields.filter(f => f in r).map(f => [f, r[f]]), [0])),
    el('div', {}, table(['quarantine rule', 'rows'], Object.entries(r.quarantined_by_rule || {}), [0]),
      (r.errors || []).length ? el('ul', { class: 'bad' }, r.errors.map(e => el('li', {}, e))) : null)));
  const symbols = Object.entries(r.symbols || {}).sort();
  page.appendChild(el('h3', {}, 'Per symbol'));
  page.appendChild(table(['symbol', 'status', 'requests', 'retries', '429s', 'fetched', 'written', 'quarantined', 'errors'],
    symbols.map(([s, v]) => [s, v.status, v.requests || 0, v.retries || 0, v.throttled || 0, v.rows_fetched || 0, v.rows_written || 0,
      v.rows_quarantined || 0, (v.errors || []).join('; ')]), [0, 1, 8]));
}

// ---- Data quality ----

async function qualityPage(query) {
  const q = params(query);
  const search = new URLSearchParams();
  for (const k of ['rule', 'symbol', 'from', 'to']) if (q[k]) search.set(k, q[k]);
  search.set('limit', '500');
  const data = await api('quarantine?' + search);
  page.appendChild(el('h2', {}, 'Data quality: quarantined rows' + (q.rule ? ' · rule ' + q.rule : '') + (q.symbol ? ' · ' + q.symbol : '')));
  if (q.rule || q.symbol) page.appendChild(el('p', {}, el('a', { href: '#/quality' }, '← every rule and symbol')));
  const counts = records(data.counts);
  if (counts.length === 0) {
    page.appendChild(empty('No quarantined rows.'));
    return;
  }
  const rules = [...new Set(counts.map(r => r.rule))].sort();
  const dates = [...new Set(counts.map(r => r.date))].sort();
  const c = chart('quality-chart', 'small');
  c.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 4 }, grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: dates }, yAxis: { type: 'value', name: 'rows' },
    series: rules.map(rule => ({ name: rule, type: 'bar', stack: 'rows',
      data: dates.map(d => counts.filter(r => r.rule === rule && r.date === d).reduce((s, r) => s + r.rows, 0)) })),
  });
  page.appendChild(el('h3', {}, 'By rule, symbol and date'));
  page.appendChild(table(['rule', 'symbol', 'date', 'rows'], counts.map(r => [
    el('a', { href: '#/quality?rule=' + encodeURIComponent(r.rule) }, r.rule),
    el('a', { href: '#/quality?symbol=' + encodeURIComponent(r.symbol) }, r.symbol), r.date, r.rows])));
  page.appendChild(el('h3', {}, 'The rows (up to 500)'));
  page.appendChild(table(data.rows.columns, data.rows.rows, [0, 1, 2, 3, 4, 5, 6]));
}

// ---- Coverage ----

async function coveragePage() {
  const data = await api('coverage');
  page.appendChild(el('h2', {}, 'Coverage: stored vs expected NYSE sessions'));
  if (data.symbols.length === 0) {
    page.appendChild(empty('No daily bars stored.'));
    return;
  }
  page.appendChild(el('p', { class: 'muted' }, data.symbols.length + ' symbols × ' + data.months.length + ' months, ' + data.from + ' to '
    + data.to + '. Click a cell for its missing dates.'));
  const cells = [];
  const seen = new Set();
  for (const [s, m, stored] of data.cells) {
    seen.add(s * 100000 + m);
    cells.push([m, s, data.expected[m] ? Math.min(1, stored / data.expected[m]) : 1, stored]);
  }
  for (let s = 0; s < data.symbols.length; s++) {
    for (let m = 0; m < data.months.length; m++) {
      if (!seen.has(s * 100000 + m) && data.expected[m] > 0) cells.push([m, s, 0, 0]);
    }
  }
  const visible = Math.min(data.symbols.length, 40);
  const div = el('div', { id: 'coverage-chart', class: 'chart' });
  div.style.height = (visible * 18 + 130) + 'px';
  page.appendChild(div);
  const c = echarts.init(div, null, { renderer: 'canvas' });
  charts['coverage-chart'] = c;
  c.setOption({
    animation: false,
    tooltip: { formatter: p => data.symbols[p.value[1]] + ' ' + data.months[p.value[0]] + ': ' + p.value[3] + ' of '
      + data.expected[p.value[0]] + ' sessions' },
    grid: { left: 80, right: 60, top: 20, bottom: 70 },
    xAxis: { type: 'category', data: data.months, splitArea: { show: true } },
    yAxis: { type: 'category', data: data.symbols, inverse: true },
    visualMap: { type: 'piecewise', orient: 'horizontal', left: 'center', bottom: 4, dimension: 2,
      pieces: [{ value: 1, label: 'complete', color: '#16a34a' }, { gte: 0.9, lt: 1, label: '≥ 90%', color: '#facc15' },
        { gte: 0.5, lt: 0.9, label: '50-90%', color: '#f97316' }, { gt: 0, lt: 0.5, label: '< 50%', color: '#dc2626' },
        { value: 0, label: 'none', color: '#7f1d1d' }] },
    dataZoom: data.symbols.length > visible ? [{ type: 'slider', yAxisIndex: 0, right: 10, width: 16, startValue: 0, endValue: visible - 1 },
      { type: 'inside', yAxisIndex: 0 }] : [],
    series: [{ type: 'heatmap', data: cells, progressive: 0, itemStyle: { borderColor: '#fff', borderWidth: data.months.length > 120 ? 0 : 1 },
      label: { show: cells.length <= 600, fontSize: 10, formatter: p => p.value[3] + '/' + data.expected[p.value[0]] } }],
  });
  c.on('click', p => { location.hash = '#/coverage/' + data.symbols[p.value[1]] + '/' + data.months[p.value[0]]; });
}

async function coverageOfPage(symbol, month) {
  const data = await api('coverage/' + encodeURIComponent(symbol) + '?month=' + encodeURIComponent(month));
  page.appendChild(el('h2', {}, symbol + ' · ' + month + ': ' + data.stored.length + ' stored of ' + data.expected.length + ' sessions'));
  page.appendChild(el('p', {}, el('a', { href: '#/coverage' }, '← coverage'), ' · ', el('a', { href: '#/symbol/' + symbol }, symbol + ' chart')));
  page.appendChild(el('h3', {}, 'Missing sessions (' + data.missing.length + ')'));
  page.appendChild(data.missing.length ? el('div', { class: 'dates', id: 'missing-dates' }, data.missing.map(d => el('span', { class: 'missing' }, d)))
    : empty('None: every expected session is stored.'));
  page.appendChild(el('h3', {}, 'Stored sessions (' + data.stored.length + ')'));
  page.appendChild(el('div', { class: 'dates' }, data.stored.map(d => el('span', {}, d))));
}

// ---- routing ----

async function chooseSymbol(route) {
  const { symbols } = await api('symbols');
  page.appendChild(el('h2', {}, 'Choose a symbol'));
  page.appendChild(symbols.length ? el('p', {}, symbols.slice(0, 500).map(s => [el('a', { href: '#/' + route + '/' + s }, s), ' ']))
    : empty('No daily bars stored yet.'));
}

let currentSymbol = '';

async function route() {
  disposeCharts();
  page.replaceChildren();
  page.setAttribute('data-ready', 'false');
  const hash = location.hash.replace(/^#\/?/, '') || 'symbol';
  const [path, query] = hash.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.id === 'nav-' + (parts[0] === 'coverage' ? 'coverage' : parts[0]));
  if (['symbol', 'options', 'fundamentals'].includes(parts[0]) && parts[1]) currentSymbol = parts[1];
  for (const name of ['symbol', 'options', 'fundamentals']) {
    document.getElementById('nav-' + name).setAttribute('href', '#/' + name + (currentSymbol ? '/' + currentSymbol : ''));
  }
  try {
    switch (parts[0]) {
      case 'symbol': await symbolPage(parts[1], query); break;
      case 'options': await optionsPage(parts[1], query); break;
      case 'fundamentals': await fundamentalsPage(parts[1]); break;
      case 'runs': await (parts[1] ? runPage(parts[1]) : runsPage()); break;
      case 'quality': await qualityPage(query); break;
      case 'coverage': await (parts[1] ? coverageOfPage(parts[1], parts[2]) : coveragePage()); break;
      default: page.appendChild(empty('No page ' + parts[0]));
    }
  } catch (e) {
    page.appendChild(el('div', { class: 'error' }, String(e.message || e)));
  }
  ready();
}

document.getElementById('symbol-form').addEventListener('submit', e => {
  e.preventDefault();
  const s = document.getElementById('symbol-input').value.trim().toUpperCase();
  if (!s) return;
  const section = (location.hash.replace(/^#\/?/, '').split('/')[0]) || 'symbol';
  location.hash = '#/' + (['options', 'fundamentals'].includes(section) ? section : 'symbol') + '/' + encodeURIComponent(s);
});
window.addEventListener('hashchange', route);
window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));

api('info').then(i => { document.getElementById('sink').textContent = i.sink; }).catch(() => {});
api('symbols').then(({ symbols }) => {
  document.getElementById('symbol-list').replaceChildren(...symbols.map(s => el('option', { value: s })));
}).catch(() => {});
route();
