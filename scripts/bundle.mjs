// Bundles the CLI into dist/cli/ (issue 11): one file to load at start instead of hundreds of
// modules. Code splitting lets the session worker share the parsing chunks with the CLI, and the
// Hub client stays in chunks of its own that load only when a run uses the Hub (dynamic imports).
// The tsc build in dist/src (library and declarations) is separate and unchanged.
import {readFile} from 'node:fs/promises';
import {build} from 'esbuild';

/**
 * string-width (three copies, under yargs, cliui and wrap-ansi) creates an Intl.Segmenter when it
 * loads, and the first one loads ICU's segmentation data: tens of milliseconds for every run,
 * though only help and usage text measure string widths. Create it on first use instead.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, async ({path}) => {
      const source = await readFile(path, 'utf8');
      const eager = 'new Intl.Segmenter()';
      if (!source.includes(eager)) return undefined;
      const lazy = '{segment: text => (globalThis.__kpiStreamSegmenter ??= new Intl.Segmenter()).segment(text)}';
      return {contents: source.replaceAll(eager, lazy), loader: 'js'};
    });
  },
};

await build({
  entryPoints: ['src/cli/early.ts', 'src/cli/main.ts', 'src/workers/session-worker.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Flat: pool.ts finds the worker as ./session-worker.js beside the chunk it is bundled in.
  outdir: 'dist/cli',
  entryNames: '[name]',
  // CommonJS that requires Node's own modules cannot run inside an ESM bundle; it is a dependency,
  // so it loads from node_modules (only `kpi-stream watch --listen` uses it).
  external: ['prom-client'],
  plugins: [lazySegmenter],
  logLevel: 'warning',
});
