/// <reference lib="dom" />
import type uPlot from 'uplot';
import type {ColumnInfo} from './columns.js';
import type {BucketModel, PageModel, ViewModel} from './page-model.js';

/** What the page exposes for tests and the curious: each chart with the data it drew. */
export interface DrawnChart {
  column: string;
  kind: 'number' | 'json';
  plot: uPlot;
}

/**
 * Runs in the browser: draws the page from the model. The HTML writer puts this function's
 * source into the page with `toString()`, so its body must use nothing from outside itself but
 * its arguments and the browser (every helper is declared inside).
 */
export function drawReport(model: PageModel, UPlot: typeof uPlot): void {
  const drawn: DrawnChart[] = [];
  (window as unknown as {kpiReport: unknown}).kpiReport = {model, charts: drawn};
  const palette = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];
  const byId = (id: string) => document.getElementById(id)!;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: Array<Node | string> = []) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  const fmt = (v: number | null | undefined): string => {
    if (v === null || v === undefined) return '—';
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
    if (v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-3)) return v.toExponential(3);
    return v.toLocaleString('en-US', {maximumFractionDigits: 4});
  };
  const utc = (ts: number) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
  const timeText = (view: ViewModel, ts: number) => {
    const iso = new Date(ts * 1000).toISOString();
    return view.unit === 'hour' ? `${iso.slice(0, 13)}:00 UTC` : iso.slice(0, 10);
  };

  /** The x values: every bucket, plus one empty point after a bucket whose next one is missing, so lines break there. */
  const timeline = (view: ViewModel): Array<BucketModel | null> => {
    const out: Array<BucketModel | null> = [];
    view.buckets.forEach((b, i) => {
      if (i > 0 && b.time - view.buckets[i - 1]!.time > view.step) out.push(null);
      out.push(b);
    });
    return out;
  };
  const xValues = (view: ViewModel, line: Array<BucketModel | null>) =>
    line.map((b, i) => (b ? b.time : line[i - 1]!.time + view.step));

  /** What every chart shares: the size, a UTC time axis, the hovered time, readable y ticks. */
  function plotOptions(view: ViewModel, plotArea: HTMLElement, height: number, series: uPlot.Series[]): uPlot.Options {
    return {
      width: plotArea.clientWidth || 520,
      height,
      tzDate: utc,
      scales: {x: {time: true}},
      series: [{label: view.unit === 'hour' ? 'Hour' : 'Day', value: (_u, v) => (v == null ? '—' : timeText(view, v))}, ...series],
      axes: [{}, {size: 70, values: (_u, splits) => splits.map(v => fmt(v))}],
    };
  }

  function chartBox(info: ColumnInfo, note: string): {box: HTMLElement; plotArea: HTMLElement} {
    const plotArea = el('div', {className: 'plot'});
    const title = el('h3', {}, [info.label, ' ', el('code', {textContent: info.column})]);
    const box = el('figure', {className: 'chart'}, [title, plotArea]);
    box.dataset.column = info.column;
    if (note) box.append(el('figcaption', {textContent: note}));
    return {box, plotArea};
  }

  function lineChart(view: ViewModel, info: ColumnInfo, parent: HTMLElement): void {
    const line = timeline(view);
    const ys = line.map(b => (b ? (b.values[info.column] ?? null) : null));
    const nonFinite = view.buckets.filter(b => b.nonFinite.includes(info.column)).length;
    const {box, plotArea} = chartBox(info, nonFinite ? `${nonFinite} bucket(s) hold nan or inf: not drawn.` : '');
    parent.append(box);
    const color = palette[drawn.length % palette.length]!;
    const series: uPlot.Series = {label: info.column, stroke: color, width: 1.5, spanGaps: false, points: {show: true, size: 5, fill: color}, value: (_u, v) => fmt(v)};
    const plot = new UPlot(plotOptions(view, plotArea, 200, [series]), [xValues(view, line), ys], plotArea);
    drawn.push({column: info.column, kind: 'number', plot});
  }

  /** A JSON map column as stacked bars: the largest keys each, the rest as "other". */
  function stackedChart(view: ViewModel, info: ColumnInfo, parent: HTMLElement): void {
    const line = timeline(view);
    const totals = new Map<string, number>();
    for (const b of view.buckets) for (const [k, v] of Object.entries(b.maps[info.column] ?? {})) totals.set(k, (totals.get(k) ?? 0) + Math.abs(v));
    const ranked = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || (a < b ? -1 : 1));
    const top = ranked.length > 8 ? ranked.slice(0, 7) : ranked;
    const rest = ranked.slice(top.length);
    const layers = rest.length ? [...top, `other (${rest.length} keys)`] : top;
    const raw = layers.map((_, li) =>
      line.map(b => {
        const map = b?.maps[info.column];
        if (!map) return null;
        const keys = li < top.length ? [top[li]!] : rest;
        return keys.reduce((sum, k) => sum + (map[k] ?? 0), 0);
      }),
    );
    // Bottom layer first in `raw`; cumulative sums so each layer sits on the ones below it.
    const stacked = raw.map((_, li) => line.map((_b, i) => (raw[0]![i] === null ? null : raw.slice(0, li + 1).reduce((s, r) => s + (r[i] ?? 0), 0))));
    const nonFinite = view.buckets.filter(b => b.nonFinite.includes(info.column)).length;
    const notes = [rest.length ? `${rest.length} smaller keys are summed as "other".` : '', nonFinite ? `${nonFinite} bucket(s) hold nan/inf values or an unreadable map: those values are not drawn.` : ''];
    const {box, plotArea} = chartBox(info, notes.filter(Boolean).join(' '));
    parent.append(box);
    // uPlot paints series in order: the top of the stack first, each lower layer over it.
    const order = layers.map((_, li) => layers.length - 1 - li);
    const bars = UPlot.paths.bars!({size: [0.8, 24], align: 0});
    const series = order.map(
      (li): uPlot.Series => ({
        label: layers[li]!,
        stroke: palette[li % palette.length]!,
        fill: palette[li % palette.length]! + 'cc',
        width: 1,
        // Bars: most buckets are isolated between gaps, where areas would be spikes.
        paths: bars,
        points: {show: false},
        // Hover shows the layer's own value, not the stacked height.
        value: (_u, _v, _si, di) => (di == null ? '—' : fmt(raw[li]![di])),
      }),
    );
    const plot = new UPlot(plotOptions(view, plotArea, 240, series), [xValues(view, line), ...order.map(li => stacked[li]!)], plotArea);
    drawn.push({column: info.column, kind: 'json', plot});
  }

  function headline(view: ViewModel): HTMLElement {
    return el(
      'div',
      {className: 'headline'},
      view.headline.map(item => {
        const box = el('div', {className: 'kpi', title: item.how}, [
          el('span', {className: 'label', textContent: item.label}),
          el('span', {className: 'value', textContent: item.text}),
          el('span', {className: 'how', textContent: item.how}),
        ]);
        box.dataset.column = item.column;
        box.dataset.value = item.value === null ? '' : String(item.value);
        return box;
      }),
    );
  }

  function table(view: ViewModel): HTMLElement {
    const columns = model.columns.filter(c => view.buckets.some(b => c.column in b.cells));
    const head = ['bucket', 'file', ...columns.map(c => c.column)];
    const cellsOf = (b: BucketModel) => [b.key, b.source, ...columns.map(c => b.cells[c.column] ?? '')];
    const sortValue = (b: BucketModel, i: number): number | string => {
      if (i === 0) return b.time;
      const column = columns[i - 2];
      const value = column ? b.values[column.column] : undefined;
      return typeof value === 'number' ? value : cellsOf(b)[i]!;
    };
    const tbody = el('tbody');
    const fill = (rows: BucketModel[]) => tbody.replaceChildren(...rows.map(b => el('tr', {}, cellsOf(b).map(text => el('td', {textContent: text, title: text})))));
    const ths = head.map((name, i) => {
      const th = el('th', {textContent: name, title: `sort by ${name}`});
      th.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const other of ths) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const sorted = [...view.buckets].sort((a, b) => {
          const [x, y] = [sortValue(a, i), sortValue(b, i)];
          const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
          return ascending ? order : -order;
        });
        fill(sorted);
      });
      return th;
    });
    fill(view.buckets);
    return el('div', {className: 'table-wrap'}, [el('table', {id: 'rows'}, [el('thead', {}, [el('tr', {}, ths)]), tbody])]);
  }

  function render(unit: 'hour' | 'day'): void {
    for (const chart of drawn.splice(0)) chart.plot.destroy();
    document.body.dataset.view = unit;
    document.querySelectorAll<HTMLButtonElement>('#switch button').forEach(button => button.setAttribute('aria-pressed', String(button.dataset.view === unit)));
    const view = model.views[unit];
    const main = byId('content');
    main.replaceChildren();
    if (!view.buckets.length) {
      main.append(el('p', {className: 'empty', textContent: `No ${unit === 'hour' ? 'hourly' : 'daily'} KPI data in ${model.source} for ${model.range}.`}));
      return;
    }
    main.append(headline(view));
    const span = view.buckets.length + view.missing;
    const units = unit === 'hour' ? 'hours' : 'days';
    main.append(
      el('p', {className: 'note', id: 'gaps'}, [
        view.missing
          ? `${view.missing} of the ${span} ${units} from the first bucket to the last have no file (no session then, or no run): the charts leave them as gaps.`
          : `Every one of the ${span} ${units} from the first bucket to the last has a file.`,
        unit === 'day' ? ' Days without a daily/ file are rolled up from their hourly files: counts summed, rates, means and percentiles averaged weighted by sessions.' : '',
      ]),
    );
    let group = '';
    let grid: HTMLElement | undefined;
    for (const info of model.columns) {
      const present = view.buckets.some(b => (info.kind === 'json' ? info.column in b.maps : b.values[info.column] != null));
      const hasKeys = info.kind === 'number' || view.buckets.some(b => Object.keys(b.maps[info.column] ?? {}).length > 0);
      if (!present && !view.buckets.some(b => info.column in b.cells)) continue;
      if (info.group !== group) {
        group = info.group;
        grid = el('div', {className: 'grid'});
        main.append(el('h2', {textContent: group}), grid);
      }
      if (!present || !hasKeys) {
        const why = !present ? 'no finite number in this range' : 'every map in this range is empty ({})';
        grid!.append(el('p', {className: 'nochart', textContent: `${info.label} (${info.column}): ${why}, nothing to draw.`}));
      } else if (info.kind === 'json') stackedChart(view, info, grid!);
      else lineChart(view, info, grid!);
    }
    main.append(el('h2', {textContent: `Rows (${view.buckets.length})`}), table(view));
  }

  // Charts are drawn at their box's width; follow the window when it changes.
  window.addEventListener('resize', () => {
    for (const {plot} of drawn) plot.setSize({width: plot.root.parentElement!.clientWidth, height: plot.height});
  });

  const views: Array<'hour' | 'day'> = ['hour', 'day'];
  byId('switch').replaceChildren(
    ...views.map(unit => {
      const button = el('button', {type: 'button', textContent: unit === 'hour' ? `Hourly (${model.views.hour.buckets.length})` : `Daily (${model.views.day.buckets.length})`});
      button.dataset.view = unit;
      button.addEventListener('click', () => render(unit));
      return button;
    }),
  );
  render(model.defaultView);
}
