/**
 * Tracing benchmark (not a test; issue #18): the time per step of a 200-step sequence on the
 * simulator with zero latency (one model call per step), on three engines measured in the same
 * run, rounds interleaved: (a) no telemetry, the baseline; (b) a telemetry consumer with tracing
 * off, as when no OTEL_* endpoint is set (the engine builds its records but no span ids);
 * (c) tracing on (startTracing), exporting OTLP/HTTP JSON to a loopback receiver in a child
 * process (so decoding what arrives costs this process nothing), the flush of each run's spans
 * inside the timed run. Figures: ms per step of each, and the ratios b/a
 * (`api.tracing.offRatio`, within noise of 1) and c/a (`api.tracing.onRatio`). Merges them into
 * bench/results.json only on a quiet machine (1-minute load average below the number of cores);
 * otherwise prints them and says so.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Engine, silentLogger, type EngineTelemetry } from '@stagent/engine';
import { mergeResults } from '@stagent/engine/testing';
import { startTracing, type Tracing } from '../src/telemetry/tracing.js';
import { startOtlpReceiver } from '../test/fixtures/otlp-receiver.js';

const STEPS = 200;
const ROUNDS = 7;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Tracing off: the records are built and handed over, as to a metrics consumer, but no span ids. */
function countingTelemetry(): EngineTelemetry & { records: number } {
  const consumer = {
    tracing: false,
    records: 0,
    modelCall: () => void (consumer.records += 1),
    toolCall: () => void (consumer.records += 1),
    stepEnded: () => void (consumer.records += 1),
    runEnded: () => void (consumer.records += 1),
    taskEnded: () => void (consumer.records += 1),
  };
  return consumer;
}

interface Contender {
  label: string;
  engine: Engine;
  workflowId: string;
  /** Run after each timed run, inside the timing (c: the export of its spans). */
  after?: () => Promise<void>;
  stepMs: number[];
}

async function contender(label: string, dataDir: string, telemetry?: EngineTelemetry, after?: () => Promise<void>): Promise<Contender> {
  const engine = await Engine.open({ dataDir, logger: silentLogger, timers: false, simulatedLatencyMs: 0, telemetry });
  await engine.start();
  engine.simulated.script({ match: () => true, script: { turns: [{ text: 'ok', inputTokens: 50, outputTokens: 5 }], chunks: 1 } });
  const wf = await engine.createWorkflow({
    name: `bench ${label}`,
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    steps: Array.from({ length: STEPS }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, prompt: `Step ${i}: do a small thing.` })),
  });
  return { label, engine, workflowId: wf.id, after, stepMs: [] };
}

/** One run of the workflow; returns ms per step (the whole run, with its start and end, over its steps). */
async function timedRun(c: Contender): Promise<number> {
  const started = performance.now();
  const { run } = await c.engine.executeWorkflow(c.workflowId);
  const done = await c.engine.waitForRun(run.id);
  await c.after?.();
  const elapsed = performance.now() - started;
  if (done.status !== 'COMPLETED') throw new Error(`bench run ended ${done.status}`);
  return elapsed / STEPS;
}

/** The receiver, in a child process running this file with the argument `receiver`; answers its URL, then span counts on request. */
async function startReceiverProcess(): Promise<{ url: string; spans(): Promise<number>; close(): Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['receiver'], {
    execArgv: ['--conditions=@stagent/source', '--import', 'tsx'],
    stdio: 'inherit',
  });
  const next = () => new Promise<{ url?: string; spans?: number }>((resolve) => child.once('message', (m) => resolve(m as { url?: string; spans?: number })));
  const { url } = await next();
  return {
    url: url!,
    async spans() {
      const answer = next();
      child.send('count');
      return (await answer).spans!;
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

async function receiverProcess(): Promise<void> {
  const receiver = await startOtlpReceiver();
  process.on('message', (m) => {
    if (m === 'count') process.send!({ spans: receiver.spans.length });
    else void receiver.close().then(() => process.exit(0));
  });
  process.send!({ url: receiver.url });
}

async function main(): Promise<void> {
  const receiver = await startReceiverProcess();
  const tracing: Tracing | null = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  if (!tracing) throw new Error('startTracing returned null with an endpoint set');
  const dirs = ['none', 'off', 'on'].map((name) => mkdtempSync(join(tmpdir(), `stagent-tracing-bench-${name}-`)));
  const off = countingTelemetry();
  const contenders = [
    await contender('none', dirs[0]!),
    await contender('off', dirs[1]!, off),
    await contender('on', dirs[2]!, tracing.telemetry, () => tracing.forceFlush()),
  ];
  try {
    // A warm-up run each (JIT, statement caches, the exporter's connection), then interleaved rounds so drift hits all three alike.
    for (const c of contenders) await timedRun(c);
    for (let round = 0; round < ROUNDS; round++) for (const c of contenders) c.stepMs.push(await timedRun(c));
    // Per step: a step span and a model-call span; per run: the run span (the warm-up run included).
    const expectedSpans = (ROUNDS + 1) * (2 * STEPS + 1);
    const received = await receiver.spans();
    if (received !== expectedSpans) throw new Error(`the receiver got ${received} spans, expected ${expectedSpans}`);
    if (off.records === 0) throw new Error('the tracing-off consumer received no records');

    const [none, offMs, onMs] = contenders.map((c) => median(c.stepMs)) as [number, number, number];
    const figures: Record<string, number> = {
      'api.tracing.steps': STEPS,
      'api.tracing.stepMs.none': Number(none.toFixed(3)),
      'api.tracing.stepMs.off': Number(offMs.toFixed(3)),
      'api.tracing.stepMs.on': Number(onMs.toFixed(3)),
      'api.tracing.offRatio': Number((offMs / none).toFixed(3)),
      'api.tracing.onRatio': Number((onMs / none).toFixed(3)),
      'api.tracing.onOverheadMsPerStep': Number((onMs - none).toFixed(3)),
    };
    console.log(JSON.stringify(figures, null, 2));
    for (const c of contenders) console.log(`${c.label.padEnd(4)} ms/step by round: ${c.stepMs.map((v) => v.toFixed(3)).join(' ')}`);
    const [load] = loadavg();
    if (load! < availableParallelism()) mergeResults(figures);
    else console.log(`Load average ${load!.toFixed(2)} on ${availableParallelism()} cores: the machine is busy, figures printed but not recorded.`);
  } finally {
    for (const c of contenders) await c.engine.close();
    await tracing.shutdown();
    await receiver.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

await (process.argv[2] === 'receiver' ? receiverProcess() : main());
