/** report.html: one self-contained page (inline CSS and SVG, no script, no network) to read a run at a glance. */
import { stringify } from 'yaml';
import { LATENCY_NAMES } from '../../metrics/types.js';
import { comparedRunLine, comparisonTable, comparisonVerdict } from '../comparison-sections.js';
import { formatCount, formatMs, formatNumber, formatPercent, formatRate } from '../format.js';
import {
  abortLine,
  backendLines,
  columnAlignment,
  formatMetric,
  holdMixTable,
  latencyTable,
  phasesTable,
  runHeadline,
  safetyLine,
  thresholdMargin,
  thresholdsHeadline,
  totalsTable,
  type SummaryTable,
} from '../sections.js';
import { describeFault, faultLines, fencingLine, resourceLine, retriesLine, violationsLine } from '../safety-sections.js';
import { failedThresholds } from '../thresholds.js';
import type { Report, ThresholdResult } from '../types.js';
import { LITTLE_ERROR_LIMIT } from '../warnings.js';
import { escapeHtml } from './escape.js';
import { LATENCY_COLORS, spectrumChart } from './spectrum.js';
import { PAGE_STYLE } from './style.js';
import { timelineCharts } from './timeline.js';

/** The whole page as one HTML string. */
export function formatHtmlReport(report: Report): string {
  const sections = [
    verdictBanner(report),
    factsSection(report),
    headlineNumbers(report),
    thresholdsSection(report),
    baselineSection(report),
    latencySection(report),
    timelineSection(report),
    phasesSection(report),
    littleSection(report),
    safetySection(report),
    retriesSection(report),
    faultsSection(report),
    totalsSection(report),
    backendSection(report),
    generatorSection(report),
    warningsSection(report),
    scenarioSection(report),
  ].filter(Boolean);
  const title = `lockbench: ${report.scenario.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="lockbench ${escapeHtml(report.tool.version)}">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${report.scenario.description ? `<p class="description">${escapeHtml(report.scenario.description)}</p>` : ''}
<p class="headline">${escapeHtml(runHeadline(report))}</p>
</header>
<main>
${sections.join('\n')}
</main>
<footer>Written by lockbench ${escapeHtml(report.tool.version)} from report.json (schema ${report.schemaVersion}). Latencies are HdrHistogram percentiles, corrected for coordinated omission.</footer>
</body>
</html>
`;
}

type Verdict = { readonly kind: 'pass' | 'fail' | 'warn' | 'none'; readonly text: string };

/** PASS / FAIL / INTERRUPTED / ABORTED, and why. */
function verdictOf(report: Report): Verdict {
  const failed = failedThresholds(report);
  const regressions = report.baseline?.rows.filter((row) => row.regression) ?? [];
  if (report.abortedBy) return { kind: 'fail', text: `ABORTED — ${abortLine(report)}` };
  if (failed.length > 0 || regressions.length > 0) {
    const parts = [
      ...(failed.length > 0 ? [`${failed.length} of ${report.thresholds.length} threshold${report.thresholds.length === 1 ? '' : 's'} failed`] : []),
      ...(regressions.length > 0 ? [`regression against the baseline: ${regressions.map((row) => row.label).join(', ')}`] : []),
    ];
    return { kind: 'fail', text: `FAIL — ${parts.join('; ')}` };
  }
  if (report.interrupted) return { kind: 'warn', text: 'INTERRUPTED — the run was stopped early; this report covers only what was measured' };
  if (report.thresholds.length === 0 && !report.baseline) return { kind: 'none', text: 'no thresholds or baseline: nothing was gated' };
  return { kind: 'pass', text: `PASS — ${thresholdsHeadline(report)}${report.baseline ? '; no regression against the baseline' : ''}` };
}

function verdictBanner(report: Report): string {
  const verdict = verdictOf(report);
  const warnings = report.warnings.length;
  const seeWarnings = warnings > 0 ? ` <a href="#warnings">${warnings} warning${warnings === 1 ? '' : 's'}</a> — read ${warnings === 1 ? 'it' : 'them'} before trusting the numbers.` : '';
  return `<section class="verdict ${verdict.kind}" id="verdict"><strong>${escapeHtml(verdict.text)}</strong>${seeWarnings}</section>`;
}

function factsSection(report: Report): string {
  const facts: [string, string][] = [
    ['backend', report.backend.type],
    ['mode', report.mode === 'simulated' ? `simulated (virtual time; the server is a model: ${describeSimModel(report.backend.model)})` : report.mode],
    ['started', report.startedAt],
    ['duration', `${formatMs(report.durationMs)}${report.mode === 'simulated' ? ' of virtual time' : ''}${report.interrupted ? ' (stopped early)' : ''}`],
    [
      'workers',
      report.mode === 'simulated'
        ? `${report.environment.workers} modelled (one circuit breaker each; simulated on one thread, Node ${report.environment.node})`
        : `${report.environment.workers} on ${report.environment.cpus} CPUs (${report.environment.platform}/${report.environment.arch}, Node ${report.environment.node})`,
    ],
    ['scenario file', `${report.scenario.file} (sha256 ${report.scenario.sha256.slice(0, 12)})`],
    ['lockbench', report.tool.version],
  ];
  return `<section id="facts"><dl class="facts">${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl></section>`;
}

/** The simulated server in a few words, from report.backend.model. */
function describeSimModel(model: unknown): string {
  if (typeof model !== 'object' || model === null) return 'see backend.model';
  const { rtt, capacity, discipline } = model as { rtt?: { type?: string }; capacity?: number; discipline?: string };
  return [rtt?.type && `rtt ${rtt.type}`, capacity !== undefined && `capacity ${formatCount(capacity)} ops/s`, discipline].filter(Boolean).join(', ');
}

function headlineNumbers(report: Report): string {
  const cards: [string, string, boolean][] = [
    ['acquisitions/s', formatRate(report.rates.throughput, ''), false],
    ['acquire p99', formatMs(report.latency.acquire?.p99), false],
    ['success rate', formatPercent(report.rates.successRate), report.rates.successRate < 1],
    ['failures', formatCount(report.totals.failed), report.totals.failed > 0],
    ['violations', formatCount(report.totals.violations), report.totals.violations > 0],
    ['peak waiters', formatCount(report.queueing.maxWaiters), false],
  ];
  return `<section class="cards" id="numbers">${cards
    .map(([label, value, alarming]) => `<div class="card${alarming ? ' alarming' : ''}"><span class="value">${escapeHtml(value)}</span><span class="label">${escapeHtml(label)}</span></div>`)
    .join('')}</section>`;
}

function thresholdsSection(report: Report): string {
  if (report.thresholds.length === 0) {
    return `<section id="thresholds"><h2>Thresholds</h2><p class="muted">No thresholds in this scenario. Add <code>thresholds:</code> or <code>--threshold 'latency.acquire.p99&lt;100ms'</code> to gate on it.</p></section>`;
  }
  const abort = abortLine(report);
  const rows = report.thresholds.map((threshold) => thresholdRow(report, threshold)).join('');
  return `<section id="thresholds"><h2>Thresholds</h2>
<p>${escapeHtml(thresholdsHeadline(report))}</p>
${abort ? `<p class="fail-text">${escapeHtml(abort)}</p>` : ''}
<table class="thresholds"><thead><tr><th>metric</th><th>condition</th><th class="num">actual</th><th>verdict</th><th>margin</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function thresholdRow(report: Report, threshold: ThresholdResult): string {
  const actual = threshold.actual === null ? 'no number at this path' : formatMetric(threshold.metric, threshold.actual);
  const margin = threshold.actual === null ? '' : thresholdMargin(threshold, threshold.actual);
  const stoppedRun = report.abortedBy?.metric === threshold.metric && report.abortedBy.source === threshold.source;
  const tags = [threshold.abortOnFail ? 'abortOnFail' : '', stoppedRun ? 'stopped the run' : ''].filter(Boolean);
  return (
    `<tr class="${threshold.pass ? 'pass' : 'fail'}" data-metric="${escapeHtml(threshold.metric)}">` +
    `<td><code>${escapeHtml(threshold.metric)}</code>${tags.map((tag) => ` <span class="tag">${escapeHtml(tag)}</span>`).join('')}</td>` +
    `<td><code>${escapeHtml(threshold.source)}</code></td><td class="num">${escapeHtml(actual)}</td>` +
    `<td class="verdict-cell">${threshold.pass ? 'PASS' : 'FAIL'}</td><td>${escapeHtml(margin)}</td></tr>`
  );
}

function baselineSection(report: Report): string {
  const baseline = report.baseline;
  if (!baseline) return '';
  const table = comparisonTable(baseline);
  const body = table.rows
    .map((row, index) => `<tr class="${baseline.rows[index].regression ? 'fail' : baseline.rows[index].worse ? 'worse' : ''}">${row.map((cell, column) => `<td${column > 0 && column < 4 ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<section id="baseline"><h2>Against the baseline</h2>
<ul class="plain"><li>${escapeHtml(comparedRunLine('base', baseline.base))}</li><li>${escapeHtml(comparedRunLine('new', baseline.next))}</li></ul>
<p class="${baseline.regressed ? 'fail-text' : 'pass-text'}">${escapeHtml(comparisonVerdict(baseline))}</p>
${baseline.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('')}
<table><thead><tr>${table.head.map((cell, column) => `<th${column > 0 && column < 4 ? ' class="num"' : ''}>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></section>`;
}

function latencySection(report: Report): string {
  const chart = spectrumChart(report);
  const legend = legendOf(LATENCY_NAMES.filter((name) => (report.latency[name]?.count ?? 0) > 0).map((name) => ({ name, color: LATENCY_COLORS[name] })));
  return `<section id="latency"><h2>Latency</h2>
<p class="muted">acquire: intended start → grant (coordinated omission corrected); acquireService: first attempt → grant; hold: grant → release; endToEnd: intended start → release.</p>
${chart ? `<figure class="chart-figure" id="spectrum">${legend}${chart}<figcaption>Percentile spectrum: each line is one HdrHistogram; read the tail on the right (99%, 99.9%, …). Both axes are logarithmic.</figcaption></figure>` : '<p class="muted">No latency was recorded.</p>'}
${htmlTable(latencyTable(report))}</section>`;
}

function timelineSection(report: Report): string {
  const charts = timelineCharts(report);
  if (charts.length === 0) return `<section id="timeline"><h2>Over time</h2><p class="muted">This report has no per-second series.</p></section>`;
  const outages = report.backend.outages?.length ?? 0;
  return `<section id="timeline"><h2>Over time</h2>
<p class="muted">Dashed vertical lines mark where each phase starts${outages > 0 ? '; shaded windows are backend outages (seconds with errors and no grants)' : ''}${report.faults ? '; purple windows are injected faults' : ''}${report.abortedBy ? '; the red line is where an abortOnFail threshold stopped the run' : ''}.</p>
${charts.map((chart) => `<figure class="chart-figure timeline"><figcaption>${escapeHtml(chart.heading)}</figcaption>${legendOf(chart.series)}${chart.svg}</figure>`).join('\n')}</section>`;
}

function phasesSection(report: Report): string {
  if (report.phases.length === 0) return '';
  const table = phasesTable(report);
  const extended: SummaryTable = {
    head: ['phase', 'from', 'to', ...table.head.slice(1), 'success'],
    rows: report.phases.map((phase, index) => [
      table.rows[index][0],
      formatMs(phase.startMs),
      formatMs(phase.endMs),
      ...table.rows[index].slice(1),
      formatPercent(phase.rates.successRate),
    ]),
  };
  return `<section id="phases"><h2>Phases</h2>${htmlTable(extended)}</section>`;
}

function littleSection(report: Report): string {
  const q = report.queueing;
  const off = q.littleError !== null && q.littleError > LITTLE_ERROR_LIMIT;
  const rows: [string, string, string][] = [
    ['λ', formatRate(q.completionRate, ' /s'), 'waits that ended (acquired + failed) per second'],
    ['W', formatMs(q.meanWaitMs), 'mean wait for the lock, from the intended start'],
    ['L = λW', formatNumber(q.littleL), "Little's law: requests waiting on average"],
    ['measured L', formatNumber(q.measuredL), 'waiters integrated over time'],
    ['difference', q.littleError === null ? 'n/a (no waiters measured)' : formatPercent(q.littleError, 1), `within ${formatPercent(LITTLE_ERROR_LIMIT, 0)} on a steady state`],
    ['peak waiters', formatCount(q.maxWaiters), 'the most requests waiting at once'],
    ['arrival rate', formatRate(q.arrivalRate, ' /s'), 'arrivals per second over the run'],
    ['utilisation ρ', formatPercent(q.utilization), 'share of time each key was held, on average'],
  ];
  return `<section id="little"><h2>Little's law</h2>
<div class="panel${off ? ' warn' : ''}"><table class="little"><tbody>${rows
    .map(([symbol, value, meaning]) => `<tr><th>${escapeHtml(symbol)}</th><td class="num">${escapeHtml(value)}</td><td class="muted">${escapeHtml(meaning)}</td></tr>`)
    .join('')}</tbody></table>
<p>${off ? "The estimate and the measurement disagree: Little's law needs a steady state, so ramps, bursts and a draining backlog skew it." : 'The estimate and the measured number of waiters agree: the queue was observed consistently.'}</p></div></section>`;
}

function safetySection(report: Report): string {
  const { overlaps, examples, overlapsCounted } = report.safety;
  const held = overlaps === 0 || overlapsCounted === false;
  const exampleRows = examples
    .map(
      (example) =>
        `<tr><td><code>${escapeHtml(example.key)}</code></td><td>${escapeHtml(example.holders.join(' and '))}</td>` +
        `<td class="num">${escapeHtml(formatMs(example.atMs))}</td><td class="num">${escapeHtml(example.overlapMs === undefined ? 'n/a' : formatMs(example.overlapMs))}</td></tr>`,
    )
    .join('');
  const stateLines = [resourceLine(report), fencingLine(report), violationsLine(report)].filter((line): line is string => line !== null);
  const damaged = report.safety.resource ? report.safety.resource.violations > 0 : false;
  return `<section id="safety"><h2>Safety</h2>
<p class="${held ? 'pass-text' : 'fail-text'}"><strong>${escapeHtml(safetyLine(report))}</strong></p>
${stateLines.map((line, index) => `<p class="${index === 0 ? (damaged ? 'fail-text' : 'pass-text') : ''}">${escapeHtml(line)}</p>`).join('\n')}
<p class="muted">Every grant and release is stamped on one monotonic clock shared by the workers; two holders of one key whose intervals overlap is a violation. Leases expired while held: ${formatCount(report.totals.expired)}; lost leases: ${formatCount(report.totals.lostLeases)}.${report.safety.resource ? ' The protected state lives outside the lock; each holder reads it, holds, and writes what it read implied, so a broken lock really corrupts it.' : ''}</p>
${examples.length > 0 ? `<table><thead><tr><th>key</th><th>holders</th><th class="num">into the run</th><th class="num">overlap</th></tr></thead><tbody>${exampleRows}</tbody></table>` : ''}</section>`;
}

function retriesSection(report: Report): string {
  const line = retriesLine(report);
  const retries = report.retries;
  if (!line || !retries) return '';
  const transitions = retries.breaker?.transitions ?? [];
  const rows = transitions
    .slice(0, 50)
    .map((t) => `<tr><td class="num">${escapeHtml(formatMs(t.atMs))}</td><td>${t.worker}</td><td>${escapeHtml(t.from)} → ${escapeHtml(t.to)}</td></tr>`)
    .join('');
  return `<section id="retries"><h2>Retries</h2><p>${escapeHtml(line)}</p>
${transitions.length > 0 ? `<h3>Circuit-breaker state changes${transitions.length > 50 ? ' (first 50)' : ''}</h3><table><thead><tr><th class="num">into the run</th><th>worker</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>` : ''}</section>`;
}

function faultsSection(report: Report): string {
  const lines = faultLines(report);
  if (lines.length === 0) return '';
  const examples = report.faults?.crashes.examples ?? [];
  const rows = examples
    .map((c) => `<tr><td><code>${escapeHtml(c.key)}</code></td><td>${escapeHtml(c.client)}</td><td class="num">${escapeHtml(formatMs(c.atMs))}</td><td class="num">${escapeHtml(formatMs(c.ghostMs))}</td></tr>`)
    .join('');
  return `<section id="faults"><h2>Faults</h2><ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
${examples.length > 0 ? `<table><thead><tr><th>key</th><th>crashed client</th><th class="num">into the run</th><th class="num">blocked until TTL</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<p class="muted">Fault windows are shaded on the charts above (${escapeHtml((report.faults?.windows ?? []).map(describeFault).join('; '))}).</p></section>`;
}

function totalsSection(report: Report): string {
  const holdMix = holdMixTable(report);
  return `<section id="totals"><h2>Totals and rates</h2>${htmlTable(totalsTable(report))}${holdMix ? `<h3>Hold mix</h3>${htmlTable(holdMix)}` : ''}</section>`;
}

function backendSection(report: Report): string {
  const lines = backendLines(report);
  const { type, notes: _notes, stats: _stats, outages: _outages, ...settings } = report.backend;
  const described = Object.entries(settings).filter(([, value]) => value !== undefined && typeof value !== 'object');
  return `<section id="backend"><h2>Backend: ${escapeHtml(type)}</h2>
${described.length > 0 ? `<dl class="facts">${described.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(String(value))}</dd>`).join('')}</dl>` : ''}
${lines.length > 0 ? `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : '<p class="muted">No outages; no backend notes.</p>'}</section>`;
}

function generatorSection(report: Report): string {
  const workers = report.generator?.workers ?? [];
  if (workers.length === 0) return '';
  const table: SummaryTable = {
    head: ['worker', 'event-loop lag p99', 'lag max', 'busy', 'max dispatch lag'],
    rows: workers.map((worker) => [
      String(worker.index),
      formatMs(worker.eventLoopLagP99Ms),
      formatMs(worker.eventLoopLagMaxMs),
      `${Math.round(worker.busyPercent)}%`,
      formatMs(worker.maxDispatchLagMs),
    ]),
  };
  return `<section id="generator"><h2>Load generator</h2><p class="${report.generator.saturated ? 'fail-text' : 'muted'}">${report.generator.saturated ? 'Saturated: the generator, not the backend, may have limited this run (see warnings).' : 'The generator kept up with the schedule.'}</p>${htmlTable(table)}</section>`;
}

function warningsSection(report: Report): string {
  if (report.warnings.length === 0) return '';
  return `<section id="warnings"><h2>Warnings</h2><ul class="warnings">${report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></section>`;
}

function scenarioSection(report: Report): string {
  const yaml = stringify(report.scenario.resolved, { lineWidth: 0 });
  return `<section id="scenario"><h2>Scenario (resolved)</h2>
<p class="muted">Every default filled in, durations in ms with timeScale applied, secrets redacted.</p>
<pre class="scenario">${escapeHtml(yaml)}</pre></section>`;
}

function legendOf(series: readonly { name: string; color: string; dashed?: boolean }[]): string {
  return `<div class="legend">${series
    .map((line) => `<span class="key"><span class="swatch${line.dashed ? ' dashed' : ''}" style="border-color:${line.color}"></span>${escapeHtml(line.name)}</span>`)
    .join('')}</div>`;
}

/** A SummaryTable (shared with the console and markdown summaries) as an HTML table. */
function htmlTable(table: SummaryTable): string {
  const align = columnAlignment(table);
  const cell = (tag: 'th' | 'td', text: string, column: number): string => `<${tag}${align[column] === 'right' ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  return (
    `<table><thead><tr>${table.head.map((text, column) => cell('th', text, column)).join('')}</tr></thead>` +
    `<tbody>${table.rows.map((row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`).join('')}</tbody></table>`
  );
}
