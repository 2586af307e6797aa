/**
 * Estimate accuracy (not a test): 20 varied workflows run on the simulator with scripted token
 * usage, first on an empty history and then again once their own runs are history. Prints the
 * mean absolute percentage error of estimated vs actual cost per step for both passes and merges
 * `estimate.mapeNoHistory` / `estimate.mapeWithHistory` into bench/results.json.
 */
import { Engine, silentLogger, type WorkflowDefinitionInput } from '@stagent/engine';
import { mergeResults } from '../src/testing/bench-results.js';

const WORKFLOWS = 20;
const TOPICS = [
  'market sizing',
  'competitor pricing',
  'churn drivers',
  'hiring plan',
  'security review',
  'launch checklist',
  'board update',
  'customer interviews',
];

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same workloads. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function definition(i: number, rand: () => number, documentIds: string[]): WorkflowDefinitionInput {
  const steps = 1 + Math.floor(rand() * 4);
  const topic = TOPICS[i % TOPICS.length]!;
  return {
    name: `Estimate bench ${i}`,
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    documentIds: rand() < 0.5 ? [documentIds[i % documentIds.length]!] : [],
    steps: Array.from({ length: steps }, (_, s) => ({
      id: `s${s}`,
      name: `W${i} step ${s}`,
      prompt: `Workflow ${i}, step ${s}: analyse the ${topic} and ${'explain each finding in detail, '.repeat(1 + Math.floor(rand() * 6))}then summarise.`,
    })),
  };
}

/** A step's usual behaviour: its turns and mean output tokens per turn (150-1,400). */
interface StepProfile {
  prompt: string;
  name: string;
  turns: number;
  outputTokens: number;
}

/**
 * Scripts one run of a workflow: every step keeps its turn count, and each turn's output varies
 * ±30% around the step's mean, so no two runs cost the same (history is an average, not a replay).
 */
function scriptRun(engine: Engine, profiles: StepProfile[], rand: () => number) {
  for (const p of profiles) {
    engine.simulated.script({
      match: (r) => r.prompt.endsWith(p.prompt),
      times: 1,
      script: {
        turns: Array.from({ length: p.turns }, (_, t) => {
          const outputTokens = Math.round(p.outputTokens * (0.7 + 0.6 * rand()));
          // Text as long as the tokens it claims (about four characters per token), as a model's would be.
          return { text: `Part ${t + 1}: ${'insight '.repeat(Math.round((outputTokens * 4) / 8))}`, outputTokens };
        }),
        chunks: 1,
      },
    });
  }
}

/** Runs every workflow once; with `measure`, returns the MAPE of the estimate made just before each run. */
async function pass(engine: Engine, workflows: { id: string; profiles: StepProfile[] }[], rand: () => number): Promise<number> {
  const errors: number[] = [];
  for (const { id, profiles } of workflows) {
    const estimate = await engine.estimateStoredWorkflow(id);
    scriptRun(engine, profiles, rand);
    const run = await engine.waitForRun((await engine.executeWorkflow(id)).run.id);
    if (run.status !== 'COMPLETED') throw new TypeError(`bench run ended ${run.status}: ${run.error}`);
    for (const step of run.steps) {
      const est = estimate.steps.find((s) => s.stepId === step.stepId)!;
      errors.push(Math.abs(est.estimatedUsd - step.costUsd) / step.costUsd);
    }
  }
  return (errors.reduce((a, b) => a + b, 0) / errors.length) * 100;
}

const engine = await Engine.open({ dataDir: ':memory:', logger: silentLogger, timers: false });
const rand = random(42);
const docs = await Promise.all(
  ['Q3 metrics.md', 'Interview notes.md', 'Pricing page.md'].map((name, i) =>
    engine.createDocument({
      name,
      mimeType: 'text/markdown',
      content: `# ${name}\n\n${'Observation about the business with a number 42. '.repeat(80 + i * 60)}`,
    }),
  ),
);
const workflows: { id: string; profiles: StepProfile[] }[] = [];
for (let i = 0; i < WORKFLOWS; i++) {
  const wf = await engine.createWorkflow(
    definition(
      i,
      rand,
      docs.map((d) => d.id),
    ),
  );
  workflows.push({
    id: wf.id,
    profiles: wf.steps.map((s) => ({ prompt: s.prompt, name: s.name, turns: 1 + Math.floor(rand() * 3), outputTokens: 150 + Math.floor(rand() * 1250) })),
  });
}
// Pass 1 estimates on an empty history; two more runs build history; pass 2 estimates from it.
const mapeNoHistory = await pass(engine, workflows, rand);
for (let r = 0; r < 2; r++) await pass(engine, workflows, rand);
const mapeWithHistory = await pass(engine, workflows, rand);
await engine.close();
console.log(`estimate: MAPE per step ${mapeNoHistory.toFixed(1)}% without history, ${mapeWithHistory.toFixed(1)}% with history (${WORKFLOWS} workflows)`);
mergeResults({ 'estimate.mapeNoHistory': Math.round(mapeNoHistory * 10) / 10, 'estimate.mapeWithHistory': Math.round(mapeWithHistory * 10) / 10 });
