/** The run over time: grants, failures, in-flight and waiters, per-second latency; phases and outages marked. */
import type { SeriesPoint } from '../../metrics/types.js';
import { formatCount, formatMs } from '../format.js';
import type { Report } from '../types.js';
import { linearScale, niceCeiling, renderChart, type Band, type LineSeries, type Marker } from './svg.js';

/** One chart of the timeline: its heading, legend and SVG. */
export interface TimelineChart {
  readonly heading: string;
  readonly series: readonly Pick<LineSeries, 'name' | 'color' | 'dashed'>[];
  readonly svg: string;
}

/** A last second covered less than this is left out of the per-second rates: too short to scale up. */
const MIN_PARTIAL_SECOND = 0.25;

/** The charts over time (none when the report has no per-second series): grants, failures, queue, latency, and attempts and breakers when retries matter. */
export function timelineCharts(report: Report): TimelineChart[] {
  const { series } = report;
  if (series.length === 0) return [];
  const runS = report.durationMs / 1000;
  const endS = Math.max(runS, series[series.length - 1].t + 0.01);
  const context = { endS, markers: phaseMarkers(report), bands: [...outageBands(report), ...faultBands(report)] };
  // the share of each second the run covered: 1, except a last second cut short by the end of the run
  const covered = (point: SeriesPoint): number => (runS > point.t ? Math.min(1, runS - point.t) : 1);
  // a point stands for the part of its second that ran: draw it in the middle of that part
  const at = (point: SeriesPoint): number => point.t + covered(point) / 2;
  const line = (name: string, color: string, pick: (point: SeriesPoint) => number | null, dashed = false): LineSeries => ({
    name,
    color,
    dashed,
    points: series.map((point) => [at(point), pick(point)] as const),
  });
  // counts of a partial second become rates over the part that ran
  const perSecond = (name: string, color: string, count: (point: SeriesPoint) => number | undefined, dashed = false): LineSeries =>
    line(
      name,
      color,
      (point) => {
        const value = count(point);
        const share = covered(point);
        return value === undefined || share < MIN_PARTIAL_SECOND ? null : value / share;
      },
      dashed,
    );
  return [
    chart(context, 'grants', 'Lock grants per second', 'per second', formatCount, [
      perSecond('acquired/s', '#1f6feb', (point) => point.acquired),
      perSecond('arrivals/s', '#8c959f', (point) => point.arrivals, true),
    ]),
    chart(context, 'failures', 'Failures per second', 'per second', formatCount, [
      perSecond('failed/s', '#cf222e', (point) => point.failed),
      perSecond('timeouts/s', '#bc4c00', (point) => point.timeouts, true),
      perSecond('errors/s', '#8250df', (point) => point.errors, true),
      ...(report.retries?.breaker ? [perSecond('failed fast/s', '#6e7781', (point) => point.rejected, true)] : []),
    ]),
    ...(retriesMatter(report) && series.some((point) => point.attempts !== undefined)
      ? [
          chart(context, 'attempts', 'Acquire attempts per second (retries included)', 'per second', formatCount, [
            perSecond('attempts/s', '#0969da', (point) => point.attempts),
            perSecond('acquired/s', '#1a7f37', (point) => point.acquired, true),
          ]),
        ]
      : []),
    ...(report.retries?.breaker
      ? [
          chart(context, 'breaker', 'Circuit breakers open or half-open (end of each second)', 'workers', formatCount, [
            line('breakers open', '#cf222e', (point) => point.breakerOpen ?? 0),
          ]),
        ]
      : []),
    chart(context, 'queue', 'In flight and waiting (end of each second)', 'requests', formatCount, [
      line('in flight', '#1f6feb', (point) => point.inFlight),
      line('waiters', '#bf8700', (point) => point.waiters, true),
    ]),
    chart(context, 'latency', 'Acquire latency of each second’s grants', 'latency', formatMs, [
      line('p50', '#1a7f37', (point) => (point.acquired > 0 ? point.p50 : null)),
      line('p99', '#cf222e', (point) => (point.acquired > 0 ? point.p99 : null)),
    ]),
  ];
}

/** Attempts get their own chart when retries are a story of the run: a breaker, or at least two attempts per acquisition. */
const RETRY_CHART_ATTEMPTS_PER_ACQUISITION = 2;

function retriesMatter(report: Report): boolean {
  const retries = report.retries;
  return retries !== undefined && (retries.breaker !== undefined || retries.attemptsPerAcquisition >= RETRY_CHART_ATTEMPTS_PER_ACQUISITION);
}

interface ChartContext {
  readonly endS: number;
  readonly markers: readonly Marker[];
  readonly bands: readonly Band[];
}

function chart(context: ChartContext, id: string, heading: string, yLabel: string, format: (value: number) => string, series: LineSeries[]): TimelineChart {
  const top = Math.max(...series.flatMap((line) => line.points.map(([, value]) => value ?? 0)));
  // counts get whole-number ticks (no "0, 0, 1" on a chart of at most one request)
  const counts = format === formatCount;
  const svg = renderChart({
    id: `timeline-${id}`,
    title: heading,
    x: linearScale([0, context.endS], (seconds) => `${seconds}s`),
    // a little headroom so the highest point does not sit on the frame
    y: linearScale([0, counts ? Math.max(niceCeiling(top * 1.05), 2) : niceCeiling(top * 1.05)], format, { integers: counts }),
    xLabel: 'seconds since the start',
    yLabel,
    series,
    bands: context.bands,
    markers: context.markers,
    height: 230,
  });
  return { heading, series: series.map(({ name, color, dashed }) => ({ name, color, dashed })), svg };
}

/** A line where each phase starts, where the drain begins, and where an abortOnFail threshold stopped the run. */
function phaseMarkers(report: Report): Marker[] {
  const markers: Marker[] = report.phases.map((phase) => ({ at: phase.startMs / 1000, label: phase.name, kind: 'phase' }));
  const scheduleEnd = report.phases.length > 0 ? report.phases[report.phases.length - 1].endMs : 0;
  if (scheduleEnd > 0 && report.durationMs > scheduleEnd + 250) markers.push({ at: scheduleEnd / 1000, label: 'drain', kind: 'phase' });
  if (report.abortedBy) {
    markers.push({ at: report.abortedBy.atMs / 1000, label: `aborted: ${report.abortedBy.metric} ${report.abortedBy.source}`, kind: 'abort' });
  }
  return markers;
}

/** The scenario's faults as hatched windows. */
function faultBands(report: Report): Band[] {
  return (report.faults?.windows ?? []).map((fault) => ({
    from: fault.atMs / 1000,
    to: (fault.atMs + fault.durationMs) / 1000,
    label: `${fault.type} (${formatCount(fault.hits)} hit)`,
    kind: 'fault',
  }));
}

/** Backend outages (seconds with errors and no grants) as shaded windows. */
function outageBands(report: Report): Band[] {
  return (report.backend.outages ?? []).map((outage) => ({
    from: outage.fromS,
    to: outage.toS,
    label: `backend down (${formatCount(outage.errors)} errors)`,
    kind: 'outage',
  }));
}
