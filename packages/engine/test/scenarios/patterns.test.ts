import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

const step = (id: string, prompt = `Do ${id}.`) => ({ id, name: id, prompt });
const promptsOf = (t: TestEngine) => t.engine.simulated.calls.map((c) => c.prompt);

describe('PARALLEL', () => {
  it('runs branches with bounded concurrency, then synthesises their outputs in order', async () => {
    const slow = await createTestEngine({ simulatedLatencyMs: 100 });
    try {
      const wf = await slow.engine.createWorkflow({
        name: 'p',
        pattern: 'PARALLEL',
        runtimeId: 'simulated',
        config: { concurrency: 2 },
        steps: [step('a'), step('b'), step('c'), step('merge', 'Merge them.')],
      });
      const { run } = await slow.engine.executeWorkflow(wf.id);
      // The manual clock moves only here: keep moving it until the run ends (on a loaded machine the
      // real work between ticks takes longer, and a run left with a stopped clock never ends).
      for (let i = 0; i < 1000; i++) {
        await slow.clock.advance(100);
        if ((await slow.engine.getRun(run.id))!.status !== 'RUNNING') break;
      }
      const done = await slow.engine.waitForRun(run.id);
      expect(done.status).toBe('COMPLETED');
      // Counted by the runtime itself: sampling step statuses between clock ticks can miss the overlap on a loaded machine.
      expect(slow.engine.simulated.maxInFlight).toBe(2);
      const synthesis = slow.engine.simulated.calls.at(-1)!.prompt;
      expect(synthesis.indexOf('Branch 1 - a')).toBeLessThan(synthesis.indexOf('Branch 2 - b'));
      expect(synthesis).toContain('Branch 3 - c');
      expect(synthesis.endsWith('Merge them.')).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('a failed branch lets the others finish, then fails the run before the synthesis', async () => {
    const wf = await t.engine.createWorkflow({ name: 'p', pattern: 'PARALLEL', runtimeId: 'simulated', steps: [step('a'), step('b'), step('merge')] });
    t.engine.simulated.script({ match: 'Do a.', times: 1, script: { failAt: { turn: 1, category: 'CONNECTION' } } });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(run.steps.map((s) => s.status)).toEqual(['FAILED', 'COMPLETED', 'SKIPPED']);
    // Retry the failed branch: b is reused, the synthesis runs.
    await t.engine.waitForRun((await t.engine.retryWorkflowStep(wf.id, 'a')).run.id);
    expect((await t.engine.getRun(run.id))!.status).toBe('COMPLETED');
    expect(promptsOf(t).filter((p) => p === 'Do b.' || p.endsWith('Do b.'))).toHaveLength(1);
  });
});

describe('SWARM and PLANNER_EXECUTOR', () => {
  it('swarm: planner, workers with the plan, refinery with every worker output', async () => {
    const wf = await t.engine.createWorkflow({
      name: 's',
      pattern: 'SWARM',
      runtimeId: 'simulated',
      steps: [step('mayor', 'Plan it.'), step('w1'), step('w2'), step('refinery', 'Merge.')],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    const [plan, ...rest] = promptsOf(t);
    expect(plan).toBe('Plan it.');
    expect(rest.slice(0, 2).every((p) => p.includes('mayor:') && p.includes('assignment'))).toBe(true);
    expect(rest.at(-1)).toContain('Worker 2 - w2');
  });

  it('planner-executor: every executor sees the plan, not the previous executor', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'pe',
      pattern: 'PLANNER_EXECUTOR',
      runtimeId: 'simulated',
      steps: [step('plan', 'Plan.'), step('e1'), step('e2')],
    });
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const [, e1, e2] = promptsOf(t);
    expect(e1).toContain('Plan from the planner step');
    expect(e2).toContain('Plan from the planner step');
    expect(e2).not.toContain('Do e1.');
  });
});

describe('LOOP', () => {
  const loop = (config: Record<string, unknown>) => ({
    name: 'l',
    pattern: 'LOOP',
    runtimeId: 'simulated',
    config,
    steps: [step('iterate', 'Improve the draft.')],
  });

  it('stops at maxIterations, each iteration seeing the previous output', async () => {
    const wf = await t.engine.createWorkflow(loop({ maxIterations: 3 }));
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => s.iteration)).toEqual([1, 2, 3]);
    expect(promptsOf(t)[1]).toContain('Output of the previous iteration');
  });

  it('stops when the agent says a configured completion signal', async () => {
    t.engine.simulated.script({ match: 'Iteration 2 of', script: { turns: [{ text: 'All done. SHIP IT' }] } });
    const wf = await t.engine.createWorkflow(loop({ maxIterations: 10, completionSignals: ['ship it'] }));
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.steps).toHaveLength(2);
    expect(promptsOf(t)[0]).toContain('"ship it"');
  });

  it('stops when the agent calls the finish tool', async () => {
    t.engine.simulated.script({ match: 'Iteration 1 of', script: { turns: [{ text: 'Done.', toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] }] } });
    const wf = await t.engine.createWorkflow(loop({ maxIterations: 5 }));
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.steps).toHaveLength(1);
  });

  it('stops when the time budget is used up (checked between iterations)', async () => {
    const slow = await createTestEngine({ simulatedLatencyMs: 1000 });
    try {
      const wf = await slow.engine.createWorkflow(loop({ maxIterations: 50, timeBudgetMs: 5000 }));
      const { run } = await slow.engine.executeWorkflow(wf.id);
      for (let i = 0; i < 200 && (await slow.engine.getRun(run.id))!.status === 'RUNNING'; i++) await slow.clock.advance(1000);
      const done = await slow.engine.waitForRun(run.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.length).toBeGreaterThan(0);
      expect(done.steps.length).toBeLessThan(50);
    } finally {
      await slow.close();
    }
  });
});

describe('CHECKPOINT and delays', () => {
  it('parks before a gated step, continues on approval without polling', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'c',
      pattern: 'CHECKPOINT',
      runtimeId: 'simulated',
      config: { checkpoints: ['b'] },
      steps: [step('a'), step('b'), step('c')],
    });
    const { run } = await t.engine.executeWorkflow(wf.id);
    const parked = await t.engine.waitForRun(run.id);
    expect(parked.status).toBe('WAITING_APPROVAL');
    expect(parked.steps.map((s) => s.status)).toEqual(['COMPLETED', 'WAITING_APPROVAL', 'PENDING']);
    expect((await t.engine.getWorkflow(wf.id))!.status).toBe('PAUSED');
    await t.engine.resolveCheckpoint(wf.id, 'b', true, 'looks good');
    const done = await t.engine.waitForRun(run.id);
    expect(done.status).toBe('COMPLETED');
    expect(t.engine.simulated.calls).toHaveLength(3);
  });

  it('rejecting a checkpoint cancels the run; deciding twice is NOT_APPLICABLE', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'c',
      pattern: 'CHECKPOINT',
      runtimeId: 'simulated',
      config: { checkpoints: ['b'] },
      steps: [step('a'), step('b')],
    });
    const { run } = await t.engine.executeWorkflow(wf.id);
    await t.engine.waitForRun(run.id);
    await t.engine.resolveCheckpoint(wf.id, 'b', false, 'not now');
    const done = (await t.engine.getRun(run.id))!;
    expect(done.status).toBe('CANCELLED');
    expect(done.error).toContain('not now');
    await expect(t.engine.resolveCheckpoint(wf.id, 'b', true)).rejects.toMatchObject({ code: 'NOT_APPLICABLE' });
  });

  it('a delay step pauses the run and resumes on time, keeping the previous output', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'd',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      config: { delays: { wait: '2h' } },
      steps: [step('a'), { id: 'wait', name: 'wait', prompt: '' }, step('b')],
    });
    const { run } = await t.engine.executeWorkflow(wf.id);
    const paused = await t.engine.waitForRun(run.id);
    expect(paused.status).toBe('PAUSED');
    expect(paused.resumeAt).toBe(t.clock.now() + 7_200_000);
    await t.clock.advance(7_199_000);
    expect(await t.engine.resumeDueDelays()).toEqual([]);
    await t.clock.advance(1000);
    expect(await t.engine.resumeDueDelays()).toEqual([run.id]);
    const done = await t.engine.waitForRun(run.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(promptsOf(t)[1]).toContain('Output of the previous step');
  });
});
