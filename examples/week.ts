// A week of hourly KPIs from a folder laid out like the dataset, without the CLI.
// Run: node week.js <dataset folder> <output folder>
import {folderInputs, outputFiles, planRange, Reporter, runPipeline, stats, writeLocalFiles} from 'kpi-stream';

const [dir = 'fixtures/dataset', outDir = 'out'] = process.argv.slice(2);
const plan = planRange('2026-04-20T00', '2026-04-27T00'); // 168 hourly buckets
const reporter = new Reporter({format: 'text', write: line => console.error(line)});
const {header, rows, failed} = await runPipeline({plan, ...(await folderInputs(dir, plan)), concurrency: 8, reporter});
if (failed.length > 0) throw new Error(`could not read ${failed.map(f => f.name).join(', ')}`);

for (const {bucket, totals} of rows) {
  const sessions = totals.get(stats.sessions);
  console.log(`${bucket.key}: ${sessions} sessions, ${totals.get(stats.eventCount('llm_call'))} LLM calls, $${totals.get(stats.cost).sum.value.toFixed(4)}`);
}
// The same CSV files, byte for byte, as `kpi-stream --source-dir DIR --from ... --to ... --out-dir OUT`.
await writeLocalFiles(outDir, outputFiles(header, rows));
