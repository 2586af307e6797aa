import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceUntil, createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const INSTANCES = /* GraphQL */ `
  {
    instances {
      id
      host
      pid
      role
      version
      startedAt
      heartbeatAt
      runningSteps
    }
  }
`;
const RUN = /* GraphQL */ `
  query ($id: ID!) {
    workflowRun(id: $id) {
      status
      instanceId
      resumeCount
    }
  }
`;

describe('instances', () => {
  it("lists the server's own instance: its id, host, pid, role, version and heartbeat", async () => {
    const res = await t.gql(INSTANCES);
    expect(res.errors).toBeUndefined();
    const now = new Date(t.clock.now()).toISOString();
    expect(res.data.instances).toEqual([
      {
        id: t.engine.instances.id,
        host: hostname(),
        pid: process.pid,
        role: 'all',
        version: '0.1.0',
        startedAt: now,
        heartbeatAt: now,
        runningSteps: 0,
      },
    ]);
  });

  it("a run's instanceId is the instance driving it while it runs and null after; its resumeCount is 0", async () => {
    t.engine.simulated.script({ match: 'Gather the facts.', script: { turns: [{ text: 'facts' }], latencyMs: 1_000, chunks: 2 } });
    const created = await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } } }`, {
      input: definitionInput(),
    });
    const started = await t.gql(`mutation ($id: ID!) { executeWorkflow(id: $id) { run { id status instanceId resumeCount } } }`, {
      id: created.data.createWorkflow.workflow.id,
    });
    const run = started.data.executeWorkflow.run;
    expect(run).toMatchObject({ status: 'RUNNING', instanceId: t.engine.instances.id, resumeCount: 0 });
    expect((await t.gql(RUN, { id: run.id })).data.workflowRun).toEqual({ status: 'RUNNING', instanceId: t.engine.instances.id, resumeCount: 0 });

    await advanceUntil(t, async () => (await t.engine.getRun(run.id))!.status !== 'RUNNING');
    expect((await t.gql(RUN, { id: run.id })).data.workflowRun).toEqual({ status: 'COMPLETED', instanceId: null, resumeCount: 0 });
  });
});
