import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
});
afterAll(() => t.close());

describe('demo data', () => {
  it('seeds six documents and four valid workflows once, runnable on the simulator', async () => {
    expect(await t.engine.seedDemoData()).toBe(true);
    expect(await t.engine.seedDemoData()).toBe(false);
    expect(await t.engine.listDocuments()).toHaveLength(6);
    const { nodes } = await t.engine.listWorkflows();
    expect(nodes).toHaveLength(4);
    const research = nodes.find((w) => w.name === 'Investor research brief')!;
    expect(research.steps).toHaveLength(3);
    expect(new Set(research.documents.map((b) => b.documentId)).size).toBe(6);
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(research.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.every((s) => s.runtimeId === 'simulated')).toBe(true);
  });
});
