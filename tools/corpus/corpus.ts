/**
 * Seeded generator of session datasets laid out like the Hub dataset:
 * `DIR/sessions/YYYY-MM-DD/<session_id>.jsonl`, one row per file, written exactly as the uploader
 * writes it (Python `json.dumps(row)`, `messages` / `events` / `tools` double-encoded, no trailing
 * newline). The folder is the session's start date (UTC).
 *
 * Two profiles:
 * - `realistic`: clean rows with a heavy-tailed size distribution (benchmarks, smoke tests).
 * - `nasty`: the same sessions, many of them mutated, plus planted files and sessions covering every
 *   quirk of the reference that it survives (see QUIRKS.md beside it). Nothing here may make the
 *   reference crash: where it would (e.g. `data` a list on an `llm_call`), parity is undefined.
 *
 * The same options always give the same bytes: every random choice comes from `Rng`, and each
 * session draws from its own stream, so one session's size never shifts another's content.
 */

import {closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {pyJsonDumps, pyJsonString} from '../../src/py/json-dumps.js';
import {KEY_ORDER, type PyDict, type PyValue} from '../../src/py/value.js';

// ---------------------------------------------------------------------------------------------
// Random numbers

/** A small seeded PRNG (sfc32, seeded through splitmix32). Not for cryptography. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator whose stream depends on every key (e.g. seed, day, session index). */
  constructor(...keys: number[]) {
    let state = 0x2545f491;
    const mix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (const key of keys) {
      // Keys may exceed 32 bits (a date-derived seed); fold in both halves.
      state ^= mix() ^ (key >>> 0);
      state ^= mix() ^ Math.floor(key / 2 ** 32);
    }
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Log-normal with the given median; `sigma` is the spread of the logarithm. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex(digits: number): string {
    let out = '';
    while (out.length < digits) out += this.u32().toString(16).padStart(8, '0');
    return out.slice(0, digits);
  }

  /** A version-4 UUID, as the agent names its sessions. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Time: microseconds since the Unix epoch, exact in a double for these dates.

type Micros = number;
const SECOND = 1_000_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function dayStart(day: string): Micros {
  return Date.parse(`${day}T00:00:00Z`) * 1000;
}

/** `day` plus `n` days, as YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function dayOf(t: Micros): string {
  return new Date(Math.floor(t / 1000)).toISOString().slice(0, 10);
}

interface Clock {
  date: string; // YYYY-MM-DD
  hh: string;
  mm: string;
  ss: string;
  micro: string; // six digits
  weekday: number; // ISO: Monday 1 .. Sunday 7
}

function clock(t: Micros): Clock {
  const micro = ((t % SECOND) + SECOND) % SECOND;
  const iso = new Date((t - micro) / 1000).toISOString();
  const weekday = ((new Date((t - micro) / 1000).getUTCDay() + 6) % 7) + 1;
  return {date: iso.slice(0, 10), hh: iso.slice(11, 13), mm: iso.slice(14, 16), ss: iso.slice(17, 19), micro: String(micro).padStart(6, '0'), weekday};
}

/** Python `datetime.isoformat()` of a naive datetime: the fraction only when non-zero. */
export function isoformat(t: Micros): string {
  const c = clock(t);
  return `${c.date}T${c.hh}:${c.mm}:${c.ss}` + (c.micro === '000000' ? '' : `.${c.micro}`);
}

/** ISO week-numbering year and week of a date (the week with the year's first Thursday is 1). */
function isoWeek(t: Micros): {year: number; week: number; weekday: number} {
  const {weekday, date} = clock(t);
  const thursday = dayStart(date) + (4 - weekday) * DAY;
  const year = new Date(thursday / 1000).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1) * 1000) / (7 * DAY));
  return {year, week, weekday};
}

// ---------------------------------------------------------------------------------------------
// Text: slices of a fixed pool, so tool outputs cost a substring, not a random draw per character.

const WORDS = [
  'model', 'train', 'loss', 'dataset', 'token', 'batch', 'epoch', 'config', 'path', 'error', 'value',
  'cache', 'hub', 'upload', 'session', 'agent', 'tool', 'result', 'output', 'shard', 'gradient',
  'optimizer', 'eval', 'metric', 'json', 'python', 'import', 'return', 'self', 'None', 'True', 'False',
  'tokenizer', 'checkpoint', 'accelerate', 'lora', 'peft', 'split', 'validation', 'warmup',
];
const UNICODE_BITS = ['é', 'ü', 'ñ', '—', '…', '✓', '→', '東京', 'データ', '🚀', '🤗', '∑', '²', '\u00a0', 'Ω'];

function poolLine(rng: Rng): string {
  const w = (): string => rng.pick(WORDS);
  const n = (): number => rng.int(10_000);
  switch (rng.int(9)) {
    case 0:
      return `${'    '.repeat(rng.int(3))}${w()}_${n()} = ${w()}(${w()}="${w()}", n=${n()})`;
    case 1:
      return `2026-04-2${rng.int(10)} ${String(rng.int(24)).padStart(2, '0')}:${String(rng.int(60)).padStart(2, '0')}:07,${rng.between(100, 999)} INFO [${w()}] step=${n()} loss=${(rng.float() * 4).toFixed(4)} lr=2e-05`;
    case 2:
      return `{"${w()}": ${n()}, "${w()}": "${w()} ${w()}", "ok": ${rng.chance(0.5)}, "score": ${rng.float().toFixed(6)}}`;
    case 3:
      return `C:\\Users\\${w()}\\${w()}\\${w()}.py: ${w()} not found`;
    case 4:
      return `  File "/app/${w()}/${w()}.py", line ${n()}, in ${w()}`;
    case 5:
      return `$ python -m ${w()}.${w()} --${w()} '${w()}' --max_steps ${n()}`;
    case 6:
      return `${w()}\t${n()}\t${rng.float().toFixed(3)}\t${w()}`;
    case 7:
      return `${w()} ${w()} ${rng.pick(UNICODE_BITS)} ${w()} ${rng.pick(UNICODE_BITS)} ${w()}.`;
    default:
      return `${w()} ${w()} ${w()} ${w()}, ${w()} ${w()}; ${w()} ${w()} ${w()}.`;
  }
}

let textPool: string | undefined;

/** About 1 MiB of code, logs, JSON and prose with quotes, backslashes, tabs and some Unicode. */
function pool(): string {
  if (textPool === undefined) {
    const rng = new Rng(0x5eed);
    const lines: string[] = [];
    let length = 0;
    while (length < 1 << 20) {
      const line = poolLine(rng);
      lines.push(line);
      length += line.length + 1;
    }
    textPool = lines.join('\n');
  }
  return textPool;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** About `length` characters of pool text; never splits a surrogate pair. */
function text(rng: Rng, length: number): string {
  const p = pool();
  const parts: string[] = [];
  let remaining = Math.max(1, Math.round(length));
  while (remaining > 0) {
    const n = Math.min(remaining, p.length - 1);
    let start = rng.int(p.length - n);
    let end = start + n;
    if (isLowSurrogate(p.charCodeAt(start))) start++;
    if (end < p.length && isLowSurrogate(p.charCodeAt(end))) end++;
    parts.push(p.slice(start, end));
    remaining -= Math.max(1, end - start);
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Options

export type Profile = 'realistic' | 'nasty';

export interface CorpusOptions {
  /** Seed of every random choice: the same options give the same bytes. */
  seed: number;
  /** `realistic` (clean rows) or `nasty` (every quirk the reference survives). Default: realistic. */
  profile?: Profile;
  /** Number of day folders. Default: 4. */
  days?: number;
  /** Regular sessions per day folder; the nasty profile adds planted files on top. Default: 8. */
  sessionsPerDay?: number;
  /** First day folder, YYYY-MM-DD. Default: 2026-04-20. */
  start?: string;
  /**
   * Multiplies session sizes. 1 gives a median near 150 KB, a p99 near 5 MB and a few far larger
   * files (benchmarks); 0.02 gives a few KB per file (fixtures). Default: 1.
   */
  sizeScale?: number;
}

type ResolvedOptions = Required<CorpusOptions>;

function resolveOptions(options: CorpusOptions): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: ResolvedOptions = {profile: 'realistic', days: 4, sessionsPerDay: 8, start: '2026-04-20', sizeScale: 1, ...given, seed: options.seed};
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new RangeError(`corpus: seed must be an integer >= 0, got ${o.seed}`);
  if (o.profile !== 'realistic' && o.profile !== 'nasty') throw new RangeError(`corpus: profile must be realistic or nasty, got ${o.profile}`);
  if (!Number.isInteger(o.days) || o.days < 1) throw new RangeError(`corpus: days must be an integer >= 1, got ${o.days}`);
  if (!Number.isInteger(o.sessionsPerDay) || o.sessionsPerDay < 0) {
    throw new RangeError(`corpus: sessionsPerDay must be an integer >= 0, got ${o.sessionsPerDay}`);
  }
  if (!DAY_PATTERN.test(o.start) || Number.isNaN(Date.parse(o.start))) throw new RangeError(`corpus: start must be YYYY-MM-DD, got ${o.start}`);
  if (!(o.sizeScale > 0)) throw new RangeError(`corpus: sizeScale must be > 0, got ${o.sizeScale}`);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** A session before it is serialized; `nastify` edits it in place. */
interface Session {
  /** The file name stem: the original session id, even when the row's id is mutated away. */
  id: string;
  /** session_id, session_start_time, session_end_time, model_name, user_id (any may be absent). */
  fields: PyDict;
  messages: PyDict[];
  events: PyDict[];
  tools: PyValue[];
  /** How each of messages/events/tools lands in the row; a PyValue box replaces it outright. */
  encode: Record<'messages' | 'events' | 'tools', 'string' | 'array' | 'absent' | {value: PyValue}>;
  /** Extra row keys, appended after the usual ones. */
  extra: PyDict;
  /** Seed of a shuffle of the row's keys, or false to keep the uploader's order. */
  shuffleKeys: number | false;
}

const MODELS = [
  'anthropic/claude-sonnet-4-5-20250929', 'anthropic/claude-opus-4-1', 'openai/gpt-5', 'openai/gpt-5-mini',
  'Qwen/Qwen3-Coder-480B-A35B-Instruct', 'moonshotai/Kimi-K2-Instruct', 'deepseek-ai/DeepSeek-V3.1',
];
/** Model ids of the later agent, which goes through Inference Providers' router (`model:provider`). */
const ROUTER_MODELS = [
  'anthropic/claude-opus-4.8:fal-ai', 'moonshotai/Kimi-K2.6:novita', 'Qwen/Qwen3-Coder-480B-A35B-Instruct:together',
  'deepseek-ai/DeepSeek-V3.2:fireworks-ai', 'openai/gpt-oss-120b:cerebras',
];
const TOOL_NAMES = [
  'bash', 'read_file', 'write_file', 'edit_file', 'search_hub', 'hf_jobs', 'web_search', 'python', 'list_dir', 'plan', 'research', 'hf_papers',
];
/** What the research tool's sub-agent calls; its calls are `tool_log` events, not tool_calls. */
const RESEARCH_TOOLS = ['web_search', 'hf_papers', 'read_file', 'search_hub'];
/** Sandbox hardware of the later agent: the default `cpu-basic` most of the time. */
const SANDBOX_HARDWARE: (string | undefined)[] = ['cpu-basic', 'cpu-basic', 'cpu-basic', 'cpu-upgrade', 't4-small', 'a10g-large', 'l4x1', 'h100', '', undefined];
const KNOWN_FLAVORS = [
  'cpu-basic', 'cpu-upgrade', 't4-small', 't4-medium', 'l4x1', 'l4x4', 'l40sx1', 'l40sx4', 'l40sx8', 'a10g-small', 'a10g-large',
  'a10g-largex2', 'a10g-largex4', 'a100-large', 'a100x2', 'a100x4', 'a100x8', 'h100', 'h100x8',
];
const UNKNOWN_FLAVORS = ['b200x8', 'h200', 'zero-a10g', 'inf2x6'];
const FINAL_STATUSES = ['COMPLETED', 'COMPLETED', 'Succeeded', 'ERROR', 'error', 'CANCELED', 'TIMEOUT'];
const CTA_SOURCES = ['jobs_blocked', 'banner', 'settings', 'quota_exceeded', 'model_picker'];
const UNKNOWN_TYPES = ['heartbeat', 'compaction', 'session_resumed', 'approval_required', 'turn_complete'];

function event(t: Micros, type: string, data: PyDict | null, stamp: (t: Micros) => PyValue = isoformat): PyDict {
  return {timestamp: stamp(t), event_type: type, data};
}

function toolSpecs(rng: Rng, scale: number): PyValue[] {
  const count = scale < 0.1 ? rng.between(1, 3) : rng.between(4, TOOL_NAMES.length);
  return rng.shuffle([...TOOL_NAMES]).slice(0, count).map(name => ({
    type: 'function',
    function: {
      name,
      description: text(rng, scale < 0.1 ? 40 : rng.between(80, 400)),
      parameters: {type: 'object', properties: {arg: {type: 'string', description: 'The argument.'}}, required: ['arg']},
    },
  }));
}

/** A session's size in bytes: log-normal (median 150 KB, p99 5 MB at scale 1) and a rare far tail. */
function sessionSize(rng: Rng, scale: number): number {
  const base = rng.chance(0.003) ? rng.logNormal(40e6, 0.5) : rng.logNormal(150e3, 1.52);
  return Math.max(200, base * scale);
}

/** Start of a regular session on `day`: busier in the working hours, some at HH:59:xx. */
function sessionStart(rng: Rng, day: string): Micros {
  const hour = rng.chance(0.7) ? rng.between(7, 21) : rng.int(24);
  const offset = rng.chance(0.12) ? 59 * MINUTE + rng.between(30, 59) * SECOND : rng.int(HOUR);
  return dayStart(day) + hour * HOUR + offset + rng.int(SECOND);
}

function sessionDuration(rng: Rng): Micros {
  if (rng.chance(0.08)) return rng.between(2 * 60, 10 * 60) * MINUTE; // hours; may cross midnight
  return Math.min(14 * HOUR, Math.max(30 * SECOND, rng.logNormal(12 * MINUTE, 1.2)));
}

/**
 * A clean session of about `bytes` bytes: turns of user message, llm_call, assistant chunks,
 * tool_call and tool_output, with the occasional error, undo, feedback, job and CTA event.
 */
function realisticSession(rng: Rng, start: Micros, duration: Micros, bytes: number, users: readonly string[], scale: number): Session {
  const id = rng.uuid();
  const aware = rng.chance(0.15); // some agents write `+00:00`
  const stamp = (t: Micros): string => isoformat(t) + (aware ? '+00:00' : '');
  const steps = Math.max(1, Math.min(4000, Math.round(rng.logNormal(1 + 0.8 * Math.sqrt(bytes / 1000), 0.4))));
  const weights = Array.from({length: steps}, () => rng.float() ** 3 + 0.02);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  // What is not tool output: about 900 bytes a step (call, chunks, escaping) and the tool specs.
  const small = bytes < 8000;
  const outputBudget = Math.max(steps * 20, bytes - steps * (small ? 500 : 900) - (small ? 600 : 3000));

  // Event types and payloads first; timestamps are assigned afterwards, in list order.
  const plan: {type: string; data: PyDict | null}[] = [];
  const messages: PyDict[] = [{role: 'system', content: text(rng, scale < 0.1 ? 60 : 600)}];
  let context = rng.between(1500, 6000);
  let pendingJob = false;
  for (let step = 0; step < steps; step++) {
    if (step === 0 || rng.chance(0.25)) {
      messages.push({role: 'user', content: text(rng, rng.between(20, small ? 80 : 400))});
      plan.push({type: 'user_message', data: null});
    }
    const completion = rng.between(20, 1500);
    const cacheRead = rng.chance(0.8) ? Math.floor(context * rng.float()) : 0;
    const cacheCreation = rng.chance(0.3) ? rng.between(0, 4000) : 0;
    const prompt = context - cacheRead;
    plan.push({
      type: 'llm_call',
      data: {
        prompt_tokens: BigInt(prompt),
        completion_tokens: BigInt(completion),
        cache_read_tokens: BigInt(cacheRead),
        cache_creation_tokens: BigInt(cacheCreation),
        cost_usd: (prompt * 3 + completion * 15 + cacheRead * 0.3 + cacheCreation * 3.75) / 1e6,
      },
    });
    context += completion + rng.between(50, 3000);
    for (let k = rng.between(1, small ? 2 : 6); k > 0; k--) plan.push({type: 'assistant_chunk', data: {content: text(rng, rng.between(5, small ? 30 : 120))}});
    if (rng.chance(0.85)) {
      const tool = rng.pick(TOOL_NAMES);
      const callId = `call_${rng.hex(12)}`;
      const call: PyDict = {tool, tool_call_id: callId, arguments: {arg: text(rng, rng.between(5, small ? 20 : 80))}};
      // The later agent sometimes logs a call before its name is known.
      if (rng.chance(0.03)) call.tool = '';
      else if (rng.chance(0.03)) delete call.tool;
      plan.push({type: 'tool_call', data: call});
      if (tool === 'research') researchSubAgent(rng, plan, small);
      const size = (outputBudget * weights[step]) / totalWeight;
      plan.push({type: 'tool_output', data: {tool, tool_call_id: callId, output: text(rng, size), success: rng.chance(0.9)}});
    }
    if (rng.chance(0.04)) {
      plan.push({type: 'hf_job_submit', data: {job_id: rng.hex(24), flavor: rng.pick(KNOWN_FLAVORS)}});
      pendingJob = true;
    } else if (pendingJob && rng.chance(0.3)) {
      const flavor = rng.chance(0.9) ? rng.pick(KNOWN_FLAVORS) : rng.pick(UNKNOWN_FLAVORS);
      const wall = Math.round(rng.logNormal(900, 1.3) * 1000) / 1000;
      plan.push({type: 'hf_job_complete', data: {job_id: rng.hex(24), flavor, final_status: rng.pick(FINAL_STATUSES), wall_time_s: wall}});
      pendingJob = false;
    }
    if (rng.chance(0.02)) plan.push({type: 'jobs_access_blocked', data: rng.chance(0.5) ? null : {reason: 'not_pro'}});
    if (rng.chance(0.03)) plan.push({type: 'pro_cta_click', data: {source: rng.pick(CTA_SOURCES)}});
    if (rng.chance(0.03)) {
      const hardware = rng.pick(SANDBOX_HARDWARE);
      plan.push({type: 'sandbox_create', data: hardware === undefined ? {sandbox_id: rng.hex(12)} : {sandbox_id: rng.hex(12), hardware}});
    }
    if (rng.chance(0.01)) plan.push({type: 'pro_conversion', data: {plan: 'pro', source: rng.pick(CTA_SOURCES)}});
    if (rng.chance(0.015)) {
      plan.push({type: 'tool_state_change', data: {tool: 'hf_jobs', state: 'billing_required'}});
      plan.push({type: 'credits_topped_up', data: {amount_usd: rng.pick([5n, 10n, 25n, 50n])}});
    }
    if (rng.chance(0.03)) plan.push({type: 'undo_complete', data: null});
    if (rng.chance(0.04)) plan.push({type: 'feedback', data: {rating: rng.pick(['up', 'up', 'up', 'down', 'other'])}});
    if (rng.chance(0.03)) plan.push({type: rng.pick(UNKNOWN_TYPES), data: rng.chance(0.5) ? null : {n: BigInt(step)}});
    if (rng.chance(0.2)) messages.push({role: 'assistant', content: text(rng, rng.between(20, small ? 60 : 300))});
  }
  if (rng.chance(0.06)) plan.push({type: 'error', data: {message: text(rng, rng.between(20, 200))}});

  // Sorted uniform times spread the events over the session, in list order.
  const offsets = Array.from({length: plan.length}, () => rng.int(duration)).sort((a, b) => a - b);
  const first = rng.between(SECOND / 2, 5 * SECOND);
  const events = plan.map((p, i) => event(start + first + offsets[i], p.type, p.data, stamp));
  const end = start + first + offsets[offsets.length - 1] + rng.int(5 * SECOND);

  // The later uploader writes the start with an offset, the end without (issue 10).
  const fields: PyDict = {
    session_id: id,
    session_start_time: stamp(start),
    session_end_time: isoformat(end),
    model_name: rng.chance(0.5) ? rng.pick(ROUTER_MODELS) : rng.pick(MODELS),
  };
  if (rng.chance(0.03)) fields.model_name = null;
  else if (rng.chance(0.03)) delete fields.model_name;
  if (rng.chance(0.9)) fields.user_id = rng.pick(users);
  return {id, fields, messages, events, tools: toolSpecs(rng, scale), encode: {messages: 'string', events: 'string', tools: 'string'}, extra: {}, shuffleKeys: false};
}

/** The research tool's sub-agent: its own llm_calls (kind `research`) and tool_log events. */
function researchSubAgent(rng: Rng, plan: {type: string; data: PyDict | null}[], small: boolean): void {
  for (let k = rng.between(1, small ? 2 : 5); k > 0; k--) {
    const prompt = rng.between(800, 8000);
    const completion = rng.between(20, 800);
    plan.push({
      type: 'llm_call',
      data: {kind: 'research', prompt_tokens: BigInt(prompt), completion_tokens: BigInt(completion), cache_read_tokens: 0n, cache_creation_tokens: 0n, cost_usd: (prompt * 3 + completion * 15) / 1e6},
    });
    plan.push({type: 'tool_log', data: {tool: rng.pick(RESEARCH_TOOLS), log: text(rng, rng.between(10, small ? 40 : 200))}});
  }
}

const ROW_KEYS = ['session_id', 'session_start_time', 'session_end_time', 'model_name', 'user_id'];

function encoded(how: Session['encode']['events'], value: PyValue[]): PyValue | undefined {
  if (how === 'absent') return undefined;
  if (how === 'string') return pyJsonDumps(value);
  if (how === 'array') return value;
  return how.value;
}

/** The row as the uploader builds it: plain fields, then the double-encoded lists. */
function sessionRow(s: Session): PyDict {
  const row: PyDict = {};
  for (const key of ROW_KEYS) if (key in s.fields) row[key] = s.fields[key];
  for (const key of ['messages', 'events', 'tools'] as const) {
    const value = encoded(s.encode[key], s[key]);
    if (value !== undefined) row[key] = value;
  }
  Object.assign(row, s.extra);
  if (s.shuffleKeys === false) return row;
  const shuffled: PyDict = {};
  for (const key of new Rng(s.shuffleKeys).shuffle(Object.keys(row))) shuffled[key] = row[key];
  return shuffled;
}

// ---------------------------------------------------------------------------------------------
// The nasty profile: values the reference reads without crashing, in every odd shape.

/** Event types whose `data` the reference reads with `.get` (a truthy non-dict crashes it). */
const READS_DATA = new Set(['llm_call', 'tool_output', 'feedback', 'hf_job_complete', 'pro_cta_click']);
/**
 * Types whose `data` only the later upstream script reads (and crashes on when it is a truthy
 * non-dict): kept out of the regular sessions' mutations, planted on their own instead.
 */
const UPSTREAM_READS_DATA = new Set(['tool_call', 'sandbox_create']);
/** Tool names, hashable: strings and falsy values (an int among string names crashes upstream's json.dumps). */
const ODD_TOOLS: PyValue[] = [null, '', 'research', 'Research', 'RESEARCH', '研究', 'outil-é', '🚀', '\uff5e', 'bash ', 0n, false, [], '1'];
/** `(hardware or "").lower().startswith("cpu-")`. */
const ODD_HARDWARE: PyValue[] = ['CPU-BASIC', 'cpu-', 'cpu', ' cpu-basic', 'Cpu-Upgrade', 'gpu', null, '', 0n, false, [], 'İcpu-'];
const ODD_MODELS: PyValue[] = [null, '', false, 'Ünïcødé/Model:novita', 'model, with "quotes"'];
const TOKEN_FIELDS = ['prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_creation_tokens'];

/** Values `int(x or 0)` takes: floats truncate, bools, numeric strings, Unicode digits, big ints. */
const ODD_TOKENS: PyValue[] = [
  12.9, -3.7, 1e20, 2.0, 1e5, -0, true, false, '12', ' 7 ', '1_000', '١٢٣', '１２', '\u3000 9\n', '+5', '-12', '', '0', '٣_٤',
  null, 9007199254740993n, 123456789012345678901234567890n, 0n, -7n, [], {},
];
/** Values `float(x or 0.0)` takes, all finite (NaN and infinities are planted in one hour). */
const ODD_COSTS: PyValue[] = [
  '1e-3', ' 2.5 ', '1_000.5', '١.٥', '+1E+2', '0.03125', 0.1, 0.2, -0, 0n, 3n, true, false, null, '', '0', 1e-7, 0.03125, 5e-324,
  1.7976931348623157e308, -2.5e-5, 12345678901234567890n,
];
/** Python truthiness: `"false"`, `"0"`, `[1]`, NaN are true; `0`, `""`, `[]`, `{}` are false. */
const ODD_SUCCESS: PyValue[] = ['false', '0', [1], {}, 0n, 1n, '', [], null, false, true, 0.0, -0, 'yes', NaN, {a: 1n}, ' '];
const ODD_RATINGS: PyValue[] = ['UP', 'Down', 'other', null, 1n, '', 'up ', true, ['up'], 'down', 'up'];
const ODD_FLAVORS: PyValue[] = [null, '', 'b200x8', 'A100-LARGE', 'h100 ', 'unknown', 'h100x8', 'l4x4', '🚀-gpu', 'H100', 0n, false, [], 'cpu-basic'];
const ODD_STATUSES: PyValue[] = [
  'COMPLETED', 'completed', 'Succeeded', 'SUCCESS', 'success ', 'Completed', 'error', 'ERROR', 'failed', '', null,
  'ＣＯＭＰＬＥＴＥＤ', 'İ', 0n, false, 'SuCcEeDeD',
];
const ODD_WALLS: PyValue[] = ['3600', ' 1.5e3 ', '1_800', 3600n, true, null, '', 0.5, -60.0, 1e-300, 7200.000001, '١٢٠', 0.1, 1e16];
const ODD_EVENT_TYPES: PyValue[] = ['LLM_CALL', 'Tool_Output', null, 5n, '', 'llm_call ', ['llm_call'], 'tool_call\u0000'];
/** `data` the reference turns into `{}` through `or {}`. */
const FALSY_DATA: PyValue[] = [null, [], 0n, '', false, 0.0, {}];
/** Harmless only on event types that never read `data`. */
const TRUTHY_NON_DICT_DATA: PyValue[] = ['oops', [1n, 2n], 42n, 1.5, true, ['x'], NaN];

/** A dict whose keys print in the given order (Python keeps insertion order; JS lists "2" first). */
function ordered(entries: [string, PyValue][]): PyDict {
  const dict: PyDict = {};
  for (const [k, v] of entries) dict[k] = v;
  Object.defineProperty(dict, KEY_ORDER, {value: entries.map(([k]) => k), enumerable: false});
  return dict;
}

/** `str(x or "unknown")`: repr of lists and dicts, `True`, floats in exponent form, code-point order. */
const ODD_SOURCES: PyValue[] = [
  '～', '🚀', '\ud800', 'a,"b"', 'say "hi", then leave', true, 5n, 1e16, 0.1, 1e-5, ['x', 'é'], ordered([['b', 1n], ['2', [true, null, 1.5]]]),
  null, '', 0n, -0, NaN, Infinity, 12345678901234567890n, 'UNKNOWN', 'unknown', 'naïve café', '\u2028', 'back\\slash', {}, [],
  "it's", ['it\'s', 'a "q"'], 1.0, 'jobs_blocked',
];
const ODD_USERS: PyValue[] = [5n, '5', true, 1n, 1.0, false, 0n, '', null, 'Ünïcødé-user', 7n, '7', 2.5, -0];

const TIME_SEPARATORS = ['x', '_', 'é', '🚀', 't', '|', ' '];
const OFFSETS: [string, number][] = [
  ['+05:30', 19800], ['-08:00', -28800], ['+0530', 19800], ['+05', 18000], ['+05:30:15', 19815], ['-03:30', -12600], ['+14:00', 50400],
  ['-12:00', -43200], ['+00:00', 0], ['-00:00', 0], ['+01:00:00.500000', 3600.5], ['+2359', 86340], ['-0000', 0],
];

/**
 * A timestamp for instant `t` in one of `datetime.fromisoformat`'s forms, or one it rejects, or a
 * non-string, or `undefined` (no `timestamp` key). Forms that keep the instant dominate; the others
 * move it to midnight, the start of the hour or minute, or drop it. None moves it to another day
 * except toward that day's midnight or the week's Monday midnight.
 */
function oddStamp(rng: Rng, t: Micros): PyValue | undefined {
  const c = clock(t);
  const time = `${c.hh}:${c.mm}:${c.ss}`;
  const basicDate = c.date.replace(/-/g, '');
  const week = (): string => {
    const w = isoWeek(t);
    return `${w.year}-W${String(w.week).padStart(2, '0')}`;
  };
  switch (rng.int(24)) {
    case 0: return `${c.date}T${time}.${c.micro}`;
    case 1: return `${isoformat(t)}+00:00`;
    case 2: return `${c.date}T${time}.${c.micro}Z`;
    case 3: case 4: case 5: {
      const [suffix, seconds] = rng.pick(OFFSETS);
      const local = clock(t + seconds * SECOND);
      return `${local.date}T${local.hh}:${local.mm}:${local.ss}.${local.micro}${suffix}`;
    }
    case 6: return `${c.date} ${time}.${c.micro}`;
    case 7: return `${c.date}${rng.pick(TIME_SEPARATORS)}${time}`;
    case 8: return `${c.date}T${time},${c.micro}`;
    case 9: return `${c.date}T${time}.${c.micro.slice(0, rng.between(1, 5))}`;
    case 10: return `${c.date}T${time}.${c.micro}${rng.between(0, 9)}${rng.chance(0.5) ? '87' : ''}`;
    case 11: return rng.pick([`${c.date}T${c.hh}`, `${c.date}T${c.hh}${c.mm}`, `${c.date}T${c.hh}:${c.mm}`, `${basicDate}T${c.hh}`]);
    case 12: return `${basicDate}T${c.hh}${c.mm}${c.ss}.${c.micro}${rng.chance(0.5) ? 'Z' : ''}`;
    case 13: return rng.pick([c.date, basicDate]);
    case 14: return rng.pick([`${week()}-${c.weekday}`, `${week().replace('-', '')}${c.weekday}`, week(), `${week()}-${c.weekday}T${time}`]);
    case 15: return `${c.date}T${time}.Z`;
    case 16: return rng.pick([
      '', ' ', 'not a date', `${c.date}T${time} `, `${c.date}T24:00`, `${c.date}T${c.hh}:${c.mm}:60`, `${c.date.slice(0, 5)}4-${c.date.slice(8)}T${time}`,
      `${c.date}T${time}z`, '２０２６-04-21', `${c.date}T${time}+24:00`, 'yesterday', `${c.date}T${time}+05:3`, `\ufeff${c.date}T${time}`,
    ]);
    case 17: return rng.pick([null, 1776000000n, 1776000000.5, true, [], {}, [isoformat(t)], false, 0n]);
    case 18: return undefined;
    default: return isoformat(t);
  }
}

/** Replaces a field of `data` with one of `values`, or deletes it (one time in eight). */
function oddField(rng: Rng, data: PyDict, key: string, values: readonly PyValue[]): void {
  if (rng.chance(0.125)) delete data[key];
  else data[key] = rng.pick(values);
}

function mutateEvent(rng: Rng, ev: PyDict, t: Micros): void {
  const data = ev.data;
  const type = ev.event_type;
  const kind = rng.int(10);
  if (kind < 4) {
    const stamp = oddStamp(rng, t);
    if (stamp === undefined) delete ev.timestamp;
    else ev.timestamp = stamp;
    return;
  }
  if (kind === 4) {
    if (rng.chance(0.3)) delete ev.data;
    else ev.data = rng.pick(FALSY_DATA);
    return;
  }
  if (kind === 5 && !READS_DATA.has(String(type)) && !UPSTREAM_READS_DATA.has(String(type))) {
    ev.data = rng.pick(TRUTHY_NON_DICT_DATA);
    return;
  }
  if (kind === 6) {
    // None of the odd types reads `data`, so any data stays harmless.
    const next = rng.pick(ODD_EVENT_TYPES);
    if (next === null && rng.chance(0.5)) delete ev.event_type;
    else ev.event_type = next;
    return;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  switch (type) {
    case 'llm_call':
      for (const key of TOKEN_FIELDS) if (rng.chance(0.4)) oddField(rng, data, key, ODD_TOKENS);
      if (rng.chance(0.6)) oddField(rng, data, 'cost_usd', ODD_COSTS);
      return;
    case 'tool_output':
      oddField(rng, data, 'success', ODD_SUCCESS);
      return;
    case 'feedback':
      oddField(rng, data, 'rating', ODD_RATINGS);
      return;
    case 'hf_job_complete':
      if (rng.chance(0.5)) oddField(rng, data, 'flavor', ODD_FLAVORS);
      if (rng.chance(0.5)) oddField(rng, data, 'final_status', ODD_STATUSES);
      if (rng.chance(0.5)) oddField(rng, data, 'wall_time_s', ODD_WALLS);
      return;
    case 'pro_cta_click':
      oddField(rng, data, 'source', ODD_SOURCES);
      return;
    case 'tool_call':
      oddField(rng, data, 'tool', ODD_TOOLS);
      return;
    case 'sandbox_create':
      oddField(rng, data, 'hardware', ODD_HARDWARE);
      return;
  }
}

/** Mutates a clean session: row fields, encodings, message roles, and about one event in eight. */
function nastify(rng: Rng, s: Session, times: Micros[]): void {
  if (rng.chance(0.25)) {
    if (rng.chance(0.15)) delete s.fields.user_id;
    else s.fields.user_id = rng.pick(ODD_USERS);
  }
  if (rng.chance(0.08)) {
    if (rng.chance(0.4)) delete s.fields.session_id;
    else s.fields.session_id = rng.pick([null, 42n, '', 4.5, s.id.toUpperCase()]);
  }
  if (rng.chance(0.15)) {
    const start = oddStamp(rng, times[0] - rng.int(10 * SECOND));
    if (start === undefined) delete s.fields.session_start_time;
    else s.fields.session_start_time = start;
  }
  if (rng.chance(0.05)) delete s.fields.model_name;
  else if (rng.chance(0.05)) s.fields.model_name = rng.pick(ODD_MODELS);
  const broken = (items: PyValue[]): {value: PyValue} => ({value: pyJsonDumps(items).slice(0, -1 - rng.int(20))});
  const encodings = (items: PyValue[]): Session['encode']['events'] =>
    rng.pick<Session['encode']['events']>(['array', 'absent', broken(items), {value: 'null'}, {value: '{}'}, {value: '0'}, {value: null}, {value: ''}, {value: '[]'}]);
  if (rng.chance(0.15)) s.encode.events = encodings(s.events);
  if (rng.chance(0.12)) s.encode.messages = encodings(s.messages);
  if (rng.chance(0.08)) s.encode.tools = rng.pick<Session['encode']['tools']>([{value: 5n}, {value: {a: NaN}}, broken(s.tools), 'array', 'absent']);
  if (rng.chance(0.2)) {
    for (const m of s.messages) {
      if (m.role !== 'user') continue;
      const r = rng.int(5);
      if (r === 0) m.role = 'USER';
      else if (r === 1) delete m.role;
      else if (r === 2) m.role = ['user'];
    }
  }
  if (rng.chance(0.1)) s.messages = s.messages.filter(m => m.role !== 'user');
  if (rng.chance(0.08)) s.extra = {extra: NaN, nested: {inf: Infinity, ninf: -Infinity, zero: -0, big: 10n ** 30n}};
  s.shuffleKeys = rng.chance(0.08) ? rng.u32() : false;
  s.events.forEach((ev, i) => {
    if (rng.chance(0.12)) mutateEvent(rng, ev, times[i]);
  });
  if (s.events.length > 2 && rng.chance(0.08)) {
    // List order, not time order, decides the first tool event.
    const i = rng.int(s.events.length - 1);
    [s.events[i], s.events[i + 1]] = [s.events[i + 1], s.events[i]];
  }
}

// ---------------------------------------------------------------------------------------------
// Generation

export interface CorpusEntry {
  /** Path below the dataset root, with `/`. */
  path: string;
  data: string | Buffer;
  /** `session` for a regular row; otherwise what the planted file tests. */
  kind: string;
  /** For a well-formed row: what a reader should find in it. */
  sessionId?: string;
  events?: number;
  messages?: number;
}

export interface CorpusFile extends Omit<CorpusEntry, 'data'> {
  bytes: number;
}

export interface CorpusInfo {
  options: ResolvedOptions;
  /** The YYYY-MM-DD folders under sessions/, sorted. */
  days: string[];
  files: CorpusFile[];
  bytes: number;
}

/** Stands for the events string while the rest of the row is serialized. */
const EVENTS_MARKER = '\u0000events\u0000';

/** A row's text before and after its `events` string (whose value is `EVENTS_MARKER`). */
function rowAround(row: PyDict): [string, string] {
  const text = pyJsonDumps(row);
  const quoted = pyJsonString(EVENTS_MARKER);
  const at = text.indexOf(quoted);
  return [text.slice(0, at), text.slice(at + quoted.length)];
}

/**
 * `json.dumps` of a string that holds `json.dumps` output. That text is printable ASCII
 * (`ensure_ascii`), so escaping it again only touches quotes and backslashes, exactly as
 * `JSON.stringify` does, natively and several times faster than a general escaper. Tests compare
 * the result with `pyJsonDumps` of the whole row.
 */
function dumpsJsonText(json: string): string {
  return JSON.stringify(json);
}

/** `pyJsonDumps(sessionRow(s))`, with the double-encoded events escaped the fast way. */
function sessionText(s: Session): string {
  if (s.encode.events !== 'string') return pyJsonDumps(sessionRow(s));
  const [before, after] = rowAround(sessionRow({...s, encode: {...s.encode, events: {value: EVENTS_MARKER}}}));
  return before + dumpsJsonText(pyJsonDumps(s.events)) + after;
}

function sessionEntry(s: Session, day: string, kind: string, name = `${s.id}.jsonl`): CorpusEntry {
  const clean = s.encode.events === 'string' && s.encode.messages === 'string' && s.fields.session_id === s.id;
  return {
    path: `sessions/${day}/${name}`,
    data: sessionText(s),
    kind,
    ...(clean ? {sessionId: s.id, events: s.events.length, messages: s.messages.length} : {}),
  };
}

/** Hours of the first day kept free of regular sessions for the planted numeric cases. */
const RESERVED = {from: 2 * HOUR, to: 8 * HOUR};

function userPool(seed: number, count: number): string[] {
  const rng = new Rng(seed, 1);
  const names = ['alice', 'bob', 'carol', 'dmitri', 'eun-ji', 'farid', 'gosia', 'hiro', 'ines', 'jomo'];
  return Array.from({length: Math.max(2, count)}, (_, i) => `${rng.pick(names)}-${rng.hex(4)}${i}`);
}

/**
 * The corpus's files in order, without touching the disk (benchmarks can keep them in memory).
 * `generateCorpus` writes them.
 */
export function* corpusEntries(options: CorpusOptions): Generator<CorpusEntry> {
  const o = resolveOptions(options);
  const days = Array.from({length: o.days}, (_, i) => addDays(o.start, i));
  const users = userPool(o.seed, Math.ceil((o.days * o.sessionsPerDay) / 3));
  const nasty = o.profile === 'nasty';
  for (let d = 0; d < days.length; d++) {
    for (let i = 0; i < o.sessionsPerDay; i++) {
      const rng = new Rng(o.seed, 2, d, i);
      let start = sessionStart(rng, days[d]);
      let duration = sessionDuration(rng);
      const reservedFrom = dayStart(days[0]) + RESERVED.from;
      const reservedTo = dayStart(days[0]) + RESERVED.to;
      while (nasty && start < reservedTo + 10 * MINUTE && start + duration + 10 * SECOND > reservedFrom) {
        // A margin: the session's events may run a few seconds past `duration`.
        start = sessionStart(rng, days[d]);
        duration = sessionDuration(rng);
      }
      const s = realisticSession(rng, start, duration, sessionSize(rng, o.sizeScale), users, o.sizeScale);
      if (nasty && rng.chance(0.6)) nastify(rng, s, s.events.map(e => parseIso(e.timestamp as string)));
      yield sessionEntry(s, days[d], 'session');
    }
  }
  if (nasty) {
    yield* plantedSessions(o, days, users);
    yield* plantedFiles(o, days, users);
  }
}

/** Reads back a timestamp this module wrote for a clean session (naive or `+00:00`). */
function parseIso(stamp: string): Micros {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{6}))?/.exec(stamp);
  if (!m) throw new Error(`corpus: unexpected timestamp ${stamp}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number(m[2] ?? 0);
}

/** Writes the corpus under `outDir` (which should be empty) and describes what it wrote. */
export function generateCorpus(outDir: string, options: CorpusOptions): CorpusInfo {
  const files: CorpusFile[] = [];
  const made = new Set<string>();
  let bytes = 0;
  for (const entry of corpusEntries(options)) {
    const path = join(outDir, ...entry.path.split('/'));
    const dir = dirname(path);
    if (!made.has(dir)) {
      mkdirSync(dir, {recursive: true});
      made.add(dir);
    }
    writeFileSync(path, entry.data);
    const size = typeof entry.data === 'string' ? Buffer.byteLength(entry.data) : entry.data.length;
    const {data: _data, ...file} = entry;
    files.push({...file, bytes: size});
    bytes += size;
  }
  return {options: resolveOptions(options), days: datasetDays(outDir), files, bytes};
}

/** The YYYY-MM-DD folders under `root/sessions/`, sorted. */
export function datasetDays(root: string): string[] {
  return readdirSync(join(root, 'sessions'), {withFileTypes: true})
    .filter(e => e.isDirectory() && DAY_PATTERN.test(e.name))
    .map(e => e.name)
    .sort();
}

/**
 * The bytes `LC_ALL=C awk 1 root/sessions/*\/*.jsonl` prints: the glob's files (no dot files, one
 * folder level) in byte order, each followed by a newline unless it is empty or ends with one.
 */
export function stdinBytes(root: string): Buffer {
  const sessions = join(root, 'sessions');
  const paths: string[] = [];
  for (const dir of readdirSync(sessions, {withFileTypes: true})) {
    if (!dir.isDirectory() || dir.name.startsWith('.')) continue;
    for (const file of readdirSync(join(sessions, dir.name), {withFileTypes: true})) {
      if (file.isFile() && !file.name.startsWith('.') && file.name.endsWith('.jsonl')) paths.push(`${dir.name}/${file.name}`);
    }
  }
  paths.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts: Buffer[] = [];
  for (const path of paths) {
    const data = readFileSync(join(sessions, ...path.split('/')));
    parts.push(data);
    if (data.length > 0 && data[data.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Planted sessions: the numeric cases, each alone in a reserved hour of the first day.

interface PlantedEvent {
  at: Micros;
  type: PyValue;
  data?: PyValue;
  stamp?: PyValue;
}

function planted(rng: Rng, start: Micros, userId: PyValue | undefined, events: PlantedEvent[], fields: PyDict = {}): Session {
  const id = rng.uuid();
  const evs = events.map(e => {
    const ev: PyDict = {timestamp: e.stamp ?? isoformat(e.at), event_type: e.type};
    if (e.data !== undefined) ev.data = e.data;
    return ev;
  });
  const base: PyDict = {session_id: id, session_start_time: isoformat(start), session_end_time: isoformat(start + 50 * MINUTE), model_name: 'openai/gpt-5'};
  if (userId !== undefined) base.user_id = userId;
  return {
    id,
    fields: {...base, ...fields},
    messages: [{role: 'user', content: 'hi'}, {role: 'assistant', content: 'hello'}],
    events: evs,
    tools: [],
    encode: {messages: 'string', events: 'string', tools: 'string'},
    extra: {},
    shuffleKeys: false,
  };
}

function llm(at: Micros, cost: PyValue, tokens: Partial<Record<string, PyValue>> = {}): PlantedEvent {
  return {at, type: 'llm_call', data: {prompt_tokens: 100n, completion_tokens: 10n, cache_read_tokens: 0n, cache_creation_tokens: 0n, cost_usd: cost, ...tokens}};
}

function* plantedSessions(o: ResolvedOptions, days: string[], users: string[]): Generator<CorpusEntry> {
  const rng = new Rng(o.seed, 3);
  const day0 = days[0];
  const at = (hour: number, minute: number, micro = 0): Micros => dayStart(day0) + hour * HOUR + minute * MINUTE + micro;
  const sessions: Session[] = [];

  // 02:xx - Python's sum() is compensated: 1e16 + 1.0 - 1e16 is 1.0, in file order.
  // Tokens in every form int() takes; sums past 2^53 stay exact.
  sessions.push(planted(rng, at(2, 1), users[0], [llm(at(2, 2), 1e16, {prompt_tokens: '12', completion_tokens: ' 7 ', cache_read_tokens: 9007199254740993n})]));
  sessions.push(planted(rng, at(2, 3), users[1], [llm(at(2, 4), 1.0, {prompt_tokens: '1_000', completion_tokens: '١٢٣', cache_read_tokens: 9007199254740993n, cache_creation_tokens: true})]));
  sessions.push(planted(rng, at(2, 5), users[0], [llm(at(2, 6), -1e16, {prompt_tokens: 3.9, completion_tokens: -2.5, cache_creation_tokens: 10n ** 25n})]));

  // 03:xx - round() ties: cost 0.03125 -> 0.0312, cache hit 1/32 -> 0.0312, first action at 1.125 s
  // -> 1.12; a tool event before session start is negative and left out of the percentiles.
  sessions.push(planted(rng, at(3, 10), users[2], [
    llm(at(3, 10, 500_000), 0.015625, {prompt_tokens: 31n, cache_read_tokens: 1n}),
    {at: at(3, 10, 1_125_000), type: 'tool_call', data: {tool: 'bash'}},
    {at: at(3, 10, 2_000_000), type: 'tool_output', data: {output: 'ok', success: 'false'}},
  ]));
  sessions.push(planted(rng, at(3, 20), users[3], [
    llm(at(3, 21), 0.015625, {prompt_tokens: 0n}),
    {at: at(3, 19), type: 'tool_output', data: {output: 'early', success: [1n]}},
  ]));

  // 04:xx - users as a Python set: "5" and 5 differ, true/1/1.0 are one; false falls back to the
  // session id; "" with no session id is nobody. Sources sorted by code point, repr'd, quoted.
  // A cost of -1e-05 rounds to -0.0.
  const userCases: [PyValue | undefined, PyDict][] = [
    ['5', {}], [5n, {}], [true, {}], [1n, {}], [1.0, {}], [false, {}], ['', {session_id: ''}], [undefined, {}], [0n, {session_id: 77n}],
  ];
  userCases.forEach(([user, fields], i) => {
    const source = ODD_SOURCES[i % ODD_SOURCES.length];
    const events: PlantedEvent[] = [
      {at: at(4, 5 + i), type: 'pro_cta_click', data: {source}},
      {at: at(4, 5 + i, 1), type: 'pro_cta_click', data: {source: ODD_SOURCES[(i + 9) % ODD_SOURCES.length]}},
      {at: at(4, 5 + i, 2), type: 'pro_cta_click', data: {source: ODD_SOURCES[(i + 18) % ODD_SOURCES.length]}},
      {at: at(4, 5 + i, 3), type: 'tool_output', data: {success: ODD_SUCCESS[i % ODD_SUCCESS.length]}},
      {at: at(4, 5 + i, 4), type: 'feedback', data: {rating: ODD_RATINGS[i % ODD_RATINGS.length]}},
    ];
    if (i === 0) events.push(llm(at(4, 5, 5), -1e-5));
    sessions.push(planted(rng, at(4, 4 + i), user, events, fields));
  });
  for (let i = 27; i < ODD_SOURCES.length; i++) {
    sessions.push(planted(rng, at(4, 30), `src-${i}`, [{at: at(4, 31, i), type: 'pro_cta_click', data: {source: ODD_SOURCES[i]}}]));
  }

  // 05:xx - NaN and infinities: cost "nan"/inf, wall times that turn GPU hours into nan/inf,
  // literals NaN/Infinity; gpu hours of flavors outside the table stay 0.0.
  sessions.push(planted(rng, at(5, 0), users[4 % users.length], [
    llm(at(5, 1), 'nan'),
    llm(at(5, 2), Infinity),
    {at: at(5, 3), type: 'hf_job_complete', data: {flavor: 'h100', final_status: 'Succeeded', wall_time_s: 'inf'}},
    {at: at(5, 4), type: 'hf_job_complete', data: {flavor: 'a100x8', final_status: 'success', wall_time_s: NaN}},
    {at: at(5, 5), type: 'hf_job_complete', data: {flavor: 'b200x8', final_status: 'COMPLETED', wall_time_s: 3600n}},
    {at: at(5, 6), type: 'hf_job_complete', data: {final_status: 'failed', wall_time_s: '-inf'}},
    {at: at(5, 7), type: 'hf_job_complete', data: {flavor: 'cpu-basic', wall_time_s: -Infinity}},
  ]));
  sessions.push(planted(rng, at(5, 10), users[5 % users.length], [
    llm(at(5, 11), '-inf'),
    llm(at(5, 12), ' Infinity '),
    {at: at(5, 13), type: 'hf_job_complete', data: {flavor: 'l4x4', final_status: 'Succeeded', wall_time_s: 0.1}},
    {at: at(5, 14), type: 'hf_job_complete', data: {flavor: 'l4x4', final_status: 'Succeeded', wall_time_s: 0.2}},
  ]));

  // Event timestamps exactly at and just before hour boundaries, in several offset forms.
  sessions.push(planted(rng, at(5, 59, 59_000_000), users[0], [
    {at: at(5, 59, 59_999_999), type: 'tool_call', stamp: `${day0}T05:59:59.9999999`},
    {at: at(6, 0), type: 'tool_output', data: {success: true}, stamp: `${day0}T11:30:00+05:30`},
    {at: at(6, 0), type: 'llm_call', data: {cost_usd: 0.5}, stamp: `${day0}T06:00:00.000000Z`},
    {at: at(6, 59, 59_999_999), type: 'error', stamp: `${day0}T01:59:59.999999-05:00`},
    {at: at(7, 0), type: 'undo_complete', stamp: `${addDays(day0, -1)}T23:00:00-08:00`},
  ], {session_start_time: `${day0}T11:29:59+05:30`}));

  // Crosses midnight twice: folder day0 never counts hourly from day0+2 on, but daily counts all.
  const long = dayStart(day0) + 22 * HOUR;
  sessions.push(planted(rng, long, users[1], Array.from({length: 16}, (_, i) => {
    const t = long + i * 2 * HOUR + rng.int(HOUR);
    return i % 3 === 0 ? llm(t, 0.25) : {at: t, type: i % 3 === 1 ? 'tool_call' : 'tool_output', data: {success: i % 2 === 0}};
  })));

  // 07:xx - the later upstream script's per-session percentiles over 1 and 2 values: research
  // calls, distinct and named tools (non-ASCII names in code-point order), calls per turn where
  // only one session has turns; tool_calls without a name; sandboxes by hardware.
  const tool = (minute: number, name: PyValue | undefined, hour = 7): PlantedEvent => ({at: at(hour, minute), type: 'tool_call', data: name === undefined ? {} : {tool: name}});
  sessions.push(planted(rng, at(7, 1), users[0], [
    tool(2, 'research'), tool(3, 'research'), tool(4, 'research'), tool(5, 'bash'), tool(6, '\uff5e'), tool(7, '\u{1f680}'), tool(8, ''), tool(9, undefined),
    {at: at(7, 10), type: 'sandbox_create', data: {hardware: 'CPU-Upgrade'}},
    {at: at(7, 11), type: 'sandbox_create', data: {hardware: 'a10g-large'}},
    {at: at(7, 12), type: 'sandbox_create', data: null},
    {at: at(7, 13), type: 'tool_state_change', data: {state: 'billing_required'}},
    {at: at(7, 14), type: 'credits_topped_up', data: {amount_usd: 10n}},
    {at: at(7, 15), type: 'pro_conversion'},
  ], {model_name: 'moonshotai/Kimi-K2.6:novita', session_start_time: `${day0}T07:01:00+00:00`}));
  const noTurns = planted(rng, at(7, 20), users[1], [tool(21, 'research'), tool(22, '東京'), llm(at(7, 23), 0.5)], {model_name: null});
  noTurns.messages = [{role: 'assistant', content: 'no user here'}];
  sessions.push(noTurns);

  for (const s of sessions) yield sessionEntry(s, day0, 'planted-session');

  // Tool names Python's dict holds as one key (1, True and 1.0), and no string name beside them:
  // json.dumps can sort them. Filed under the last folder with day0's 06:xx stamps (an hour with no
  // other named tool_call), so only stdin runs see it in that hour; the last folder's daily file
  // mixes it with string names, where the upstream script crashes.
  const numbers = planted(rng, at(6, 40), users[2], [tool(41, 1n, 6), tool(42, true, 6), tool(43, 1.0, 6), tool(44, 2n, 6)]);
  yield sessionEntry(numbers, days[days.length - 1], 'numeric-tool-names');

  // Events before the folder's date: hours of the day before never read this folder.
  const d1 = days[Math.min(1, days.length - 1)];
  const early = dayStart(d1) - 10 * MINUTE;
  yield sessionEntry(planted(rng, early, users[2], [
    {at: early, type: 'tool_call'},
    {at: early + 20 * MINUTE, type: 'llm_call', data: {cost_usd: 0.125}},
  ]), d1, 'events-before-folder');

  // A folder whose date disagrees with its sessions' events.
  const last = days[days.length - 1];
  const stray = dayStart(days[0]) + 15 * HOUR;
  yield sessionEntry(planted(rng, stray, users[3], [{at: stray, type: 'llm_call', data: {cost_usd: 0.5}}]), last, 'stray-folder');

  // Year edges: hour 0001-01-01T00 exists (stdin mode prints its year unpadded); 9999-12-31T23
  // has no end hour, so no bucket.
  // Where only the later upstream script crashes (kpi-stream treats the value as absent): a
  // tool_call whose data is a truthy non-object, an unhashable tool or model name, a sandbox_create
  // whose data is not an object or whose hardware is a truthy non-string.
  const crash = dayStart(last) + 23 * HOUR;
  const crashes: [PlantedEvent, PyDict][] = [
    [{at: crash, type: 'tool_call', data: ['bash']}, {}],
    [{at: crash, type: 'tool_call', data: {tool: ['research']}}, {}],
    [{at: crash, type: 'sandbox_create', data: 'cpu-basic'}, {}],
    [{at: crash, type: 'sandbox_create', data: {hardware: 5n}}, {}],
    [{at: crash, type: 'llm_call', data: {cost_usd: 0.5}}, {model_name: {id: 'm'}}],
  ];
  for (const [i, [ev, fields]] of crashes.entries()) {
    yield sessionEntry(planted(rng, crash, users[i % users.length], [{...ev, at: crash + i * MINUTE}], fields), last, 'upstream-crash');
  }

  yield sessionEntry(planted(rng, dayStart(last) + 9 * HOUR, users[0], [
    {at: 0, type: 'llm_call', data: {cost_usd: 0.5}, stamp: '0001-01-01T00:30:00'},
    {at: 0, type: 'tool_call', stamp: '9999-12-31T23:30:00'},
    {at: dayStart(last) + 9 * HOUR + MINUTE, type: 'tool_output', data: {success: true}},
  ]), last, 'year-edges');
}

// ---------------------------------------------------------------------------------------------
// Planted files: bytes that only a careful reader handles like the reference.

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

function* plantedFiles(o: ResolvedOptions, days: string[], users: string[]): Generator<CorpusEntry> {
  const rng = new Rng(o.seed, 4);
  const small = (day: string): Session => {
    const r = new Rng(o.seed, 5, rng.u32());
    let start = sessionStart(r, day);
    // Its events end within an hour and a few seconds of the start: keep them out of the reserved hours.
    if (day === days[0] && start >= dayStart(day) + RESERVED.from - 2 * HOUR && start < dayStart(day) + RESERVED.to) start += 6 * HOUR;
    return realisticSession(r, start, Math.min(sessionDuration(r), HOUR), 1500, users, 0.02);
  };
  const rowText = sessionText;
  const file = (kind: string, data: string | Buffer, name?: string, dayIndex = rng.int(days.length)): CorpusEntry => {
    const day = days[dayIndex];
    return {path: `sessions/${day}/${name ?? `${rng.uuid()}-${kind}.jsonl`}`, data, kind};
  };
  const row = (dayIndex: number): string => rowText(small(days[dayIndex]));
  const at = (): number => rng.int(days.length);
  let d: number;

  yield file('empty', '');
  d = at(); yield file('bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(row(d))]), undefined, d);
  d = at(); yield file('second-line', `${row(d)}\n${row(d)}`, undefined, d);
  d = at(); yield file('crlf', `${row(d)}\r\n{"not": "read"}\r\n`, undefined, d);
  d = at(); yield file('bare-cr', `${row(d)}\r{"not": "read"}`, undefined, d);
  d = at(); yield file('whitespace', enc(` \t\x1c\x1f\u3000\u00a0${row(d)}\u0085\u2028 \x0b\x0c\n`), undefined, d);
  d = at(); yield file('blank-first-line', `\n${row(d)}`, undefined, d);
  d = at(); yield file('crlf-only', `\r\n${row(d)}`, undefined, d);
  d = at();
  {
    const text = row(d);
    const cut = text.indexOf('"model_name": "') + 16;
    yield file('invalid-utf8-line1', Buffer.concat([enc(text.slice(0, cut)), Buffer.from([0xff, 0xc3]), enc(text.slice(cut))]), undefined, d);
  }
  d = at(); yield file('invalid-utf8-line2-near', Buffer.concat([enc(`${row(d)}\n`), Buffer.from([0x80, 0xfe]), enc(' junk')]), undefined, d);
  d = at(); yield file('invalid-utf8-line2-far', Buffer.concat([enc(`${row(d)}\n${'x'.repeat(70_000)}`), Buffer.from([0xff])]), undefined, d);
  for (const [kind, text] of [['array-row', '[1, 2, 3]'], ['string-row', '"session"'], ['number-row', '42'], ['null-row', 'null'], ['true-row', 'true'], ['empty-object', '{}'], ['not-json', '{"session_id": "x",']]) {
    yield file(kind, text);
  }
  yield file('bare-session', pyJsonDumps({session_id: `bare-${rng.hex(6)}`, user_id: 'bare-user'}));
  yield file('nan-literals-row', pyJsonDumps({session_id: `nan-${rng.hex(6)}`, user_id: NaN, events: pyJsonDumps([{timestamp: isoformat(dayStart(days[0]) + 12 * HOUR), event_type: 'llm_call', data: {cost_usd: 0.5, prompt_tokens: 3n}}])}));

  // Folder listing: subfolders count, other suffixes do not, a file named just `.jsonl` does.
  d = at(); yield file('subfolder', row(d), `sub/deeper/${rng.uuid()}.jsonl`, d);
  d = at(); yield file('dot-jsonl', row(d), '.jsonl', d);
  for (const name of ['x.json', 'x.JSONL', 'x.jsonl.bak', 'notes.txt', 'x.jsonl~']) {
    d = at(); yield file('not-jsonl', row(d), `${rng.hex(8)}-${name}`, d);
  }
  yield {path: `sessions/${days[0]}-old/${rng.uuid()}.jsonl`, data: row(0), kind: 'not-a-day-folder'};
  yield {path: `sessions/junk/${rng.uuid()}.jsonl`, data: row(0), kind: 'not-a-day-folder'};
  yield {path: 'sessions/README.md', data: 'not a session\n', kind: 'not-a-day-folder'};
  yield {path: `${rng.hex(6)}.jsonl`, data: row(0), kind: 'outside-sessions'};

  // Duplicate keys: the last one wins, in the row and inside the events string.
  {
    d = at();
    const s = small(days[d]);
    const text = rowText(s);
    yield file('duplicate-keys-last', `${text.slice(0, -1)}, "user_id": "dup-last-${rng.hex(4)}", "session_id": "dup-session"}`, undefined, d);
    yield file('duplicate-keys-first', `{"events": "[]", "user_id": "dup-first", ${text.slice(1)}`, undefined, d);
    const inner = pyJsonDumps(s.events)
      .replace('"event_type": "llm_call"', '"event_type": "llm_call", "event_type": "error"')
      .replace('"event_type": "tool_output", "data": {', '"event_type": "tool_output", "data": {"success": false, "success": true, ');
    yield file('duplicate-keys-events', pyJsonDumps(sessionRow({...s, encode: {...s.encode, events: {value: inner}}})), undefined, d);
  }

  // Integers longer than 4300 digits do not decode: the whole row, or just the events string.
  {
    d = at();
    const s = small(days[d]);
    yield file('huge-int-row', pyJsonDumps({...sessionRow(s), n: 10n ** 4300n}), undefined, d);
    const events = pyJsonDumps([...s.events, {timestamp: s.events[0].timestamp, event_type: 'llm_call', data: {prompt_tokens: 10n ** 4300n}}]);
    yield file('huge-int-events', pyJsonDumps(sessionRow({...s, encode: {...s.encode, events: {value: events}}})), undefined, d);
    const digits4300 = 10n ** 4299n;
    const ok = pyJsonDumps([...s.events, {timestamp: s.events[0].timestamp, event_type: 'feedback', data: {rating: 'up', n: digits4300}}]);
    yield file('int-4300-digits', pyJsonDumps(sessionRow({...s, encode: {...s.encode, events: {value: ok}}})), undefined, d);
  }

  // Raw (unescaped) UTF-8 and U+2028 in the row; a raw tab inside an inner string literal, which
  // strict JSON rejects, so that session's events are [].
  {
    d = at();
    const s = small(days[d]);
    s.fields.model_name = 'RAWMODEL';
    s.fields.user_id = 'RAWUSER';
    yield file('raw-utf8', rowText(s).replace('"RAWMODEL"', '"modèle 🚀\u2028x"').replace('"RAWUSER"', '"usér-🤗"'), undefined, d);
    const inner = pyJsonDumps(s.events).replace('"event_type": "llm_call"', '"event_type": "llm\tcall"');
    yield file('control-char-in-events', pyJsonDumps(sessionRow({...s, encode: {...s.encode, events: {value: inner}}})), undefined, d);
    const spaced = ` \n\t[${s.events.map(e => pyJsonDumps(e)).join(' ,\r\n ')}\t] \n`;
    yield file('whitespace-in-events', pyJsonDumps(sessionRow({...s, encode: {...s.encode, events: {value: spaced}}})), undefined, d);
  }

  // Events as a real array, and events strings that do not decode.
  for (const [kind, value] of [
    ['events-array', 'array'], ['events-broken', 'broken'], ['events-null-string', 'null'], ['events-empty-dict-string', '{}'], ['events-missing', 'absent'],
  ] as const) {
    d = at();
    const s = small(days[d]);
    s.encode.events = value === 'array' || value === 'absent' ? value : {value: value === 'broken' ? pyJsonDumps(s.events).slice(0, -2) : value};
    yield file(kind, rowText(s), undefined, d);
  }
}

// ---------------------------------------------------------------------------------------------
// One huge session, streamed

export interface HugeSession {
  sessionId: string;
  /** The row with `eventsText` as its double-encoded `events`. */
  row(eventsText: string): PyDict;
  /** The events, in order; a fresh iteration gives the same events. */
  events(): Generator<PyDict>;
}

interface HugePiece {
  event: PyDict;
  /** `pyJsonDumps(event)` escaped once more, as it stands inside the row's events string. */
  escaped: string;
}

interface HugeParts extends Omit<HugeSession, 'events'> {
  pieces(): Generator<HugePiece>;
}

/** Estimated share of a huge session's bytes outside the events string. */
const HUGE_OVERHEAD = 4096;
const HUGE_DURATION = 5 * HOUR;

function hugeParts(targetBytes: number, seed: number): HugeParts {
  const head = new Rng(seed, 6);
  const sessionId = head.uuid();
  const start = dayStart('2026-04-20') + 21 * HOUR + 37 * MINUTE + head.int(HOUR);
  const fields: PyDict = {
    session_id: sessionId,
    session_start_time: isoformat(start),
    session_end_time: isoformat(start + HUGE_DURATION + MINUTE),
    model_name: head.pick(MODELS),
    user_id: `huge-${head.hex(6)}`,
  };
  const messages: PyDict[] = [{role: 'system', content: 'You are a helpful agent.'}, {role: 'user', content: 'Train it.'}];
  const tools = toolSpecs(head, 1);
  const budget = Math.max(0, targetBytes - HUGE_OVERHEAD);
  function* pieces(): Generator<HugePiece> {
    const rng = new Rng(seed, 7);
    let written = 0;
    let count = 0;
    while (written < budget || count === 0) {
      // Time advances with the bytes written, so the events span HUGE_DURATION whatever the size.
      const t = start + SECOND + Math.floor((Math.min(written, budget) / Math.max(1, budget)) * HUGE_DURATION);
      const batch: PyDict[] = [
        event(t, 'llm_call', {
          prompt_tokens: BigInt(rng.between(1000, 200_000)),
          completion_tokens: BigInt(rng.between(10, 4000)),
          cache_read_tokens: BigInt(rng.int(150_000)),
          cache_creation_tokens: 0n,
          cost_usd: rng.float() / 10,
        }),
        event(t, 'assistant_chunk', {content: text(rng, rng.between(5, 120))}),
        event(t, 'tool_call', {tool: rng.pick(TOOL_NAMES), arguments: {arg: text(rng, 40)}}),
        event(t, 'tool_output', {output: text(rng, Math.min(4e6, rng.logNormal(256e3, 1))), success: rng.chance(0.9)}),
      ];
      if (rng.chance(0.05)) batch.push(event(t, 'feedback', {rating: rng.pick(['up', 'down'])}));
      for (const ev of batch) {
        const escaped = dumpsJsonText(pyJsonDumps(ev)).slice(1, -1);
        written += escaped.length + (count === 0 ? 0 : 2);
        count++;
        yield {event: ev, escaped};
      }
    }
  }
  return {
    sessionId,
    row: eventsText => ({...fields, messages: pyJsonDumps(messages), events: eventsText, tools: pyJsonDumps(tools)}),
    pieces,
  };
}

/**
 * A deterministic session of about `targetBytes` bytes, starting after 21:37 so that it crosses
 * midnight and several hours. `writeHugeSession` streams it; tests build it whole to compare.
 */
export function hugeSession(targetBytes: number, seed: number): HugeSession {
  const parts = hugeParts(targetBytes, seed);
  return {
    sessionId: parts.sessionId,
    row: parts.row,
    *events() {
      for (const piece of parts.pieces()) yield piece.event;
    },
  };
}

/**
 * Writes `hugeSession(targetBytes, seed)` to `path` without holding it in memory: the row's
 * prefix, then the events string's content one event at a time (its JSON escaped once more, which
 * is how `json.dumps` writes a string holding JSON), then the suffix.
 */
export function writeHugeSession(path: string, targetBytes: number, seed: number): {bytes: number; events: number; sessionId: string} {
  const huge = hugeParts(targetBytes, seed);
  const [before, after] = rowAround(huge.row(EVENTS_MARKER));
  mkdirSync(dirname(path), {recursive: true});
  const fd = openSync(path, 'w');
  let bytes = 0;
  let count = 0;
  let buffer: string[] = [before, '"['];
  let buffered = 0;
  const flush = (): void => {
    const chunk = Buffer.from(buffer.join(''), 'latin1'); // json.dumps output is ASCII
    writeSync(fd, chunk);
    bytes += chunk.length;
    buffer = [];
    buffered = 0;
  };
  try {
    for (const piece of huge.pieces()) {
      if (count > 0) buffer.push(', ');
      buffer.push(piece.escaped);
      buffered += piece.escaped.length;
      count++;
      if (buffered >= 8 << 20) flush();
    }
    buffer.push(']"', after);
    flush();
  } finally {
    closeSync(fd);
  }
  return {bytes, events: count, sessionId: huge.sessionId};
}
