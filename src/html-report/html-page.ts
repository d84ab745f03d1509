import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import type {PageModel} from './page-model.js';
import {drawReport} from './page-script.js';

/**
 * uPlot, read from node_modules when a page is written and inlined into it, so the page needs no
 * network. It is a runtime dependency of the package for that reason.
 */
function chartLibrary(): {script: string; css: string} {
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  return {script: read('uPlot.iife.min.js'), css: read('uPlot.min.css')};
}

/** Text safe inside <script>: no `</script` or `<!--` can end or alter the element. */
const scriptSafe = (text: string) => text.replace(/<(?=\/script|!--)/gi, '\\x3C');
/** JSON safe inside <script>: every `<` escaped, which JSON.parse reads back unchanged. */
const jsonSafe = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c]!);

/** One self-contained HTML page: styles, the chart library, the data and the script inline. */
export function renderHtmlPage(model: PageModel): string {
  const {script, css} = chartLibrary();
  const skipped = model.skipped.length
    ? `<details class="skipped" open><summary>${model.skipped.length} file(s) left out</summary><ul>${model.skipped
        .map(s => `<li><code>${escapeHtml(s.path)}</code>: ${escapeHtml(s.reason)}</li>`)
        .join('')}</ul></details>`
    : '';
  const files = [model.files.v1 && `${model.files.v1} v1 (23-column)`, model.files.v2 && `${model.files.v2} v2 (49-column)`].filter(Boolean).join(' and ') || 'no';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${model.title}: ${model.range}`)}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(model.title)}: ${escapeHtml(model.range)}</h1>
<p class="meta">Made ${escapeHtml(model.generatedAt)} by kpi-stream report from ${files} KPI file(s) in ${escapeHtml(model.source)}. All times UTC.</p>
${skipped}
<nav id="switch" aria-label="resolution"></nav>
</header>
<main id="content"><p>This report draws its charts with JavaScript; enable it to see them.</p></main>
<script>${scriptSafe(script)}</script>
<script type="application/json" id="kpi-model">${jsonSafe(model)}</script>
<script>
(${scriptSafe(drawReport.toString())})(JSON.parse(document.getElementById('kpi-model').textContent), uPlot);
</script>
</body>
</html>
`;
}

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 48px; color: #1f2328; }
header { position: sticky; top: 0; background: #fff; padding: 12px 0 8px; border-bottom: 1px solid #d0d7de; z-index: 10; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #eaeef2; }
h3 { font-size: 13px; margin: 0 0 4px; font-weight: 600; }
code { font: 12px ui-monospace, monospace; color: #57606a; }
.meta, .note, figcaption, .nochart, .how { color: #57606a; font-size: 12px; }
#switch button { font: inherit; padding: 4px 12px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
#switch button[aria-pressed="true"] { background: #0969da; color: #fff; border-color: #0969da; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 16px 0 8px; }
.kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; display: flex; flex-direction: column; }
.kpi .value { font-size: 22px; font-weight: 600; overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #eaeef2; border-radius: 6px; padding: 8px; overflow: hidden; }
.plot { width: 100%; }
.table-wrap { overflow: auto; max-height: 480px; border: 1px solid #d0d7de; }
table { border-collapse: collapse; font: 12px ui-monospace, monospace; }
th { position: sticky; top: 0; background: #f6f8fa; cursor: pointer; text-align: left; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
td, th { border: 1px solid #eaeef2; padding: 2px 6px; max-width: 320px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.empty { font-size: 16px; margin: 32px 0; }
`;
