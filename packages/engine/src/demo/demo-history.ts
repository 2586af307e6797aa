import type { Engine } from '../facade/engine.js';
import { MIN_RUNS } from '../intelligence/optimizer.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import type { WorkflowRunView } from '../workflows/read-models.js';
import type { DemoWorkflowKey } from './demo-workflows.js';

/**
 * The cap the demo puts on "Profile the investors" before its last run, USD. The step costs
 * about $0.0073 on the simulator (some 2,000 input and 150 output tokens over two turns at its
 * nominal $3 / $15 per million tokens), well above it, so that run pauses on this step.
 */
export const DEMO_TIGHT_CAP_USD = 0.003;

/** The step whose cap the demo cuts. */
export const DEMO_CAPPED_STEP_ID = 'profile';

/** The demo workflows as created: id and the definition they were created from. */
export type DemoWorkflows = Record<DemoWorkflowKey, { id: string; input: WorkflowDefinitionInput }>;

/**
 * Gives the demo project a history by running its workflows on the simulator through the
 * engine, exactly as a user's runs go (claims, caps, events, execution stats, learned
 * estimates): no row is written by hand. The story:
 * - the research brief and the competitive scan complete {@link MIN_RUNS} times each (the
 *   fewest runs the optimizer draws a statistic from);
 * - the weekly report is approved once and completes, and its second run waits for approval;
 * - the pitch loop completes {@link MIN_RUNS} times;
 * - then the research brief's first step gets a cap of {@link DEMO_TIGHT_CAP_USD} (as a user
 *   saving money might set) and its next run pauses there (budget.onCapReached = pause, the
 *   default): its debug analysis explains the stop and offers Resume with a cap that fits, and
 *   the optimizer, from the completed runs, suggests a cap too.
 * Streaming delays are off meanwhile: nobody watches these runs, and start-up waits for them.
 */
export async function playDemoHistory(engine: Engine, workflows: DemoWorkflows): Promise<void> {
  await engine.simulated.withoutLatency(async () => {
    for (const key of ['research', 'scan', 'pitch'] as const) for (let i = 0; i < MIN_RUNS; i++) await runOnce(engine, workflows[key].id);

    const weekly = workflows.weekly.id;
    const waiting = await runOnce(engine, weekly);
    await engine.resolveCheckpoint(weekly, 'send', true, 'Approved: numbers checked against the traction sheet.');
    await engine.waitForRun(waiting.id);
    await runOnce(engine, weekly);

    const research = workflows.research;
    const capped = research.input.steps.map((s) => (s.id === DEMO_CAPPED_STEP_ID ? { ...s, budgetUsd: DEMO_TIGHT_CAP_USD } : s));
    await engine.updateWorkflow(research.id, { ...research.input, steps: capped });
    await runOnce(engine, research.id);
  });
}

/** Starts a run and waits until it finishes or parks (waiting for approval, paused at a cap). */
async function runOnce(engine: Engine, workflowId: string): Promise<WorkflowRunView> {
  const { run } = await engine.executeWorkflow(workflowId);
  return engine.waitForRun(run.id);
}
