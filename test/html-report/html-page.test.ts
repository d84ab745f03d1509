import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {renderHtmlPage} from '../../src/html-report/html-page.js';
import {parseKpiFile} from '../../src/html-report/kpi-files.js';
import {buildPageModel, type PageModel} from '../../src/html-report/page-model.js';

const HOSTILE = '</script><script>alert(1)</script><!--';
const model = buildPageModel(
  [parseKpiFile({path: 'hourly/2026-04-20/04.csv', text: `bucket,sessions,pro_cta_by_source_json\n2026-04-20T04,1,"{""${HOSTILE.replace(/"/g, '""')}"": 1}"\n`})],
  {source: `dir <b>${HOSTILE}`, now: new Date('2026-04-25T00:00:00Z'), skipped: [{path: 'hourly/x/<i>.csv', reason: HOSTILE}]},
);
const page = renderHtmlPage(model);

describe('renderHtmlPage', () => {
  it('inlines uPlot from node_modules and loads nothing from elsewhere', () => {
    const uplot = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    expect(page).toContain(uplot.slice(0, 200));
    expect(page).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
  });

  it('keeps data that looks like markup as data: three script elements, the model read back whole', () => {
    expect(page.match(/<script\b/g)).toHaveLength(3);
    const json = /<script type="application\/json" id="kpi-model">(.*?)<\/script>/s.exec(page)![1]!;
    expect(JSON.parse(json) as PageModel).toEqual(model);
    expect(page).not.toContain('<b>');
    expect(page).not.toContain('<i>');
    expect(page).toContain('&lt;/script&gt;');
  });
});
