/** junit.xml: one test case per threshold (and per baseline gate), for CI test-report viewers. */
import { formatChange, rowVerdict } from './comparison-sections.js';
import { formatMs, formatPercent } from './format.js';
import { thresholdLine } from './sections.js';
import type { Report } from './types.js';

interface TestCase {
  readonly name: string;
  readonly classname: string;
  readonly kind: 'threshold' | 'regression';
  /** the failure message; absent when it passed */
  readonly failure?: string;
  readonly detail: string;
}

/** JUnit XML (the common Surefire/Jenkins dialect): suite "lockbench.<scenario>", a case per gate. */
export function formatJunit(report: Report): string {
  const classname = `lockbench.${report.scenario.name}`;
  const cases: TestCase[] = report.thresholds.map((threshold) => {
    const line = thresholdLine(threshold);
    const aborted = report.abortedBy?.metric === threshold.metric && report.abortedBy.source === threshold.source;
    const detail = aborted ? `${line}; stopped the run ${formatMs(report.abortedBy!.atMs)} in` : line;
    return { name: `${threshold.metric} ${threshold.source}`, classname, kind: 'threshold', detail, ...(!threshold.pass && { failure: detail }) };
  });
  for (const row of report.baseline?.rows.filter((candidate) => candidate.gated) ?? []) {
    const detail = `${row.label}: ${rowVerdict(row)} ${formatChange(row)} against ${report.baseline!.file} (tolerance ${formatPercent(report.baseline!.tolerance, 1)})`;
    cases.push({ name: `baseline ${row.metric}`, classname, kind: 'regression', detail, ...(row.regression && { failure: detail }) });
  }
  const failures = cases.filter((testCase) => testCase.failure !== undefined).length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lockbench" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${xml(classname)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${xml(report.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    ...[
      ['backend', report.backend.type],
      ['mode', report.mode],
      ['interrupted', String(report.interrupted)],
      ['scenario.sha256', report.scenario.sha256],
      ['lockbench.version', report.tool.version],
    ].map(([name, value]) => `      <property name="${xml(name)}" value="${xml(value)}"/>`),
    '    </properties>',
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function renderCase(testCase: TestCase): string {
  const open = `    <testcase name="${xml(testCase.name)}" classname="${xml(testCase.classname)}" time="0">`;
  const body = testCase.failure === undefined
    ? `      <system-out>${xml(testCase.detail)}</system-out>`
    : `      <failure message="${xml(testCase.failure)}" type="${testCase.kind}">${xml(testCase.failure)}</failure>`;
  return [open, body, '    </testcase>'].join('\n');
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold. */
function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
