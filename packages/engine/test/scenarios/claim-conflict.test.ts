import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { ConflictError } from '@stagent/engine';
import { WorkflowRunSchema } from '../../src/db/entities/workflow-run.entity.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

describe('starting runs', () => {
  it('two concurrent executes give one run and one CONFLICT', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const results = await Promise.allSettled([t.engine.executeWorkflow(wf.id), t.engine.executeWorkflow(wf.id)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(ConflictError);
    expect(failed[0]!.reason.code).toBe('CONFLICT');
    await t.engine.waitForRun((ok[0] as PromiseFulfilledResult<{ run: { id: string } }>).value.run.id);
    const runs = await t.engine.listRuns(wf.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.runNumber).toBe(1);
  });

  it('re-runs COMPLETED workflows with a new run number', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const second = await t.engine.executeWorkflow(wf.id);
    expect(second.run.runNumber).toBe(2);
    expect((await t.engine.waitForRun(second.run.id)).status).toBe('COMPLETED');
    expect(t.engine.simulated.calls).toHaveLength(6);
  });

  it('an ACTIVE workflow with a live lease cannot be re-run; one whose lease expired can', async () => {
    const latency = await createTestEngine({ simulatedLatencyMs: 1000 });
    try {
      const { engine, clock } = latency;
      const wf = await engine.createWorkflow(threeStepSequence());
      const first = await engine.executeWorkflow(wf.id);
      await expect(engine.executeWorkflow(wf.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      // Simulate the owner dying: stop its execution without finalizing, then let the lease lapse.
      engine.executor.abort(first.run.id, 'lease-lost');
      await engine.executor.settled(first.run.id);
      const em = engine.resources.orm.em.fork();
      await em.nativeUpdate(WorkflowRunSchema, { id: first.run.id }, { ownerId: 'other-host:1:dead' });
      await expect(engine.executeWorkflow(wf.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      await clock.advance(61_000);
      const second = await engine.executeWorkflow(wf.id);
      expect(second.run.runNumber).toBe(2);
      const old = await engine.getRun(first.run.id);
      expect(old!.status).toBe('FAILED');
      expect(old!.failureCategory).toBe('CRASHED');
      // Another host's owner can only be judged by its lease, which ran out before the claim found it.
      const lapsed = /^The process running this run \(other-host:1:dead\) stopped renewing its lease, which expired at (\S+) \(found at (\S+)\)\.$/.exec(
        old!.error ?? '',
      );
      expect(lapsed, old!.error ?? 'no error').not.toBeNull();
      expect(Date.parse(lapsed![1]!)).toBeLessThan(Date.parse(lapsed![2]!));
      expect(old!.steps.some((s) => s.status === 'RUNNING')).toBe(false);
      await engine.cancelWorkflow(wf.id);
    } finally {
      await latency.close();
    }
  });

  it('a missing workflow is a named NOT_FOUND error', async () => {
    await expect(t.engine.executeWorkflow('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', name: 'WorkflowNotFoundError' });
  });
});
