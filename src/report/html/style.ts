/** The report page's stylesheet: readable on screen and on paper, red only for what failed. */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: #fff; }
header, main, footer { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.description { margin: 0 0 4px; font-size: 15px; }
.headline, .muted, figcaption { color: var(--muted); }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.verdict { margin: 16px 0; padding: 12px 16px; border-radius: 6px; border: 1px solid; font-size: 15px; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.verdict.warn { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.verdict a { color: inherit; }
.verdict.none { color: var(--muted); background: var(--bg-soft); border-color: var(--line); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 18px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--bg-soft); }
.card .value { display: block; font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12.5px; }
.card.alarming .value { color: var(--fail); }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); font-weight: 600; }
.num { text-align: right; }
tr.pass .verdict-cell { color: var(--pass); font-weight: 600; }
tr.fail { color: var(--fail); background: var(--fail-bg); }
tr.fail .verdict-cell { font-weight: 700; }
tr.worse { color: var(--warn); }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 10px; border: 1px solid currentColor; margin-left: 4px; }
.pass-text { color: var(--pass); }
.fail-text { color: var(--fail); }
.note { color: var(--warn); }
ul.plain { list-style: none; padding: 0; margin: 4px 0; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; max-width: 760px; }
.panel.warn { border-color: var(--warn); background: var(--warn-bg); }
table.little th { background: none; white-space: nowrap; }
.chart-figure { margin: 12px 0 20px; }
.chart-figure figcaption { font-weight: 600; color: var(--fg); }
#spectrum figcaption { font-weight: normal; color: var(--muted); }
svg.chart { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
svg.chart .plot { fill: #fff; stroke: var(--line); }
svg.chart .grid { stroke: #eaeef2; stroke-width: 1; }
svg.chart .tick { fill: var(--muted); }
svg.chart .tick.y { text-anchor: end; dominant-baseline: middle; }
svg.chart .tick.x { text-anchor: middle; }
svg.chart .axis-label { fill: var(--muted); text-anchor: middle; }
svg.chart .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .line.dashed { stroke-dasharray: 5 4; stroke-width: 1.5; }
svg.chart .marker line { stroke: #57606a; stroke-dasharray: 3 3; }
svg.chart .marker text { fill: #57606a; font-size: 10.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .marker.abort line { stroke: var(--fail); stroke-dasharray: none; stroke-width: 2; }
svg.chart .marker.abort text { fill: var(--fail); font-weight: 600; }
svg.chart .band rect { fill: var(--fail); fill-opacity: 0.12; }
svg.chart .band text { fill: var(--fail); font-size: 10.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .band.fault rect { fill: #8250df; fill-opacity: 0.14; }
svg.chart .band.fault text { fill: #8250df; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 4px 0; font-size: 12.5px; }
.legend .swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 6px; }
.legend .swatch.dashed { border-top-style: dashed; }
ul.warnings li { color: var(--warn); margin-bottom: 4px; }
pre.scenario { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; max-height: 480px; }
footer { color: var(--muted); font-size: 12px; padding: 24px; border-top: 1px solid var(--line); margin-top: 32px; }
@media print { .verdict, .card, tr.fail { -webkit-print-color-adjust: exact; print-color-adjust: exact; } pre.scenario { max-height: none; } }
`;
