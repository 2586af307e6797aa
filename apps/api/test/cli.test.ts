import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateCommand } from '../src/commands/estimate.js';
import { runCommand } from '../src/commands/run.js';
import { workflowsCommand } from '../src/commands/workflows.js';
import { readWorkflowFile } from '../src/workflow-file.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** A non-TTY stream that records what is written. */
function sink(): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY: false, write: (chunk: string) => chunks.push(chunk) > 0, text: () => chunks.join('') } as unknown as NodeJS.WriteStream & {
    text: () => string;
  };
}

let t: TestEngine;
let dir: string;
beforeEach(async () => {
  t = await createTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'stagent-cli-'));
});
afterEach(() => t.close());

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('workflow files', () => {
  it('reads every example, with document paths resolved', async () => {
    const research = await readWorkflowFile(join(EXAMPLES_DIR, 'investor-research.yaml'));
    expect(research.definition.steps).toHaveLength(3);
    expect(research.documentPaths).toHaveLength(6);
    expect(research.documentPaths.filter((d) => d.stepIndex === null)).toHaveLength(1);
    for (const name of ['competitor-digest.yaml', 'launch-review.yaml']) {
      expect((await readWorkflowFile(join(EXAMPLES_DIR, name))).definition.name).toBeTruthy();
    }
  });

  it('a bad file gets one line naming the field, exit code 2', async () => {
    const out = sink();
    const err = sink();
    const bad = file('bad.yaml', 'name: Bad\npattern: SEQUENCE\nsteps:\n  - name: A\n    prompt: x\n    budgetUsd: -2\n');
    expect(await runCommand(t.engine, { file: bad }, out, err)).toBe(2);
    expect(err.text().trim().split('\n')).toHaveLength(1);
    expect(err.text()).toMatch(/bad\.yaml: steps\.0\.budgetUsd: .*USD/);
    expect((await t.engine.listWorkflows()).totalCount).toBe(0);

    const syntax = file('syntax.yaml', 'name: Bad\nsteps:\n  - name: A\n   prompt: x\n');
    const err2 = sink();
    expect(await estimateCommand(t.engine, { file: syntax }, sink(), err2)).toBe(2);
    expect(err2.text()).toMatch(/syntax\.yaml: line \d+: not valid YAML/);

    const json = file('w.json', JSON.stringify({ name: 'J', pattern: 'ZIGZAG', steps: [] }));
    const err3 = sink();
    expect(await estimateCommand(t.engine, { file: json }, sink(), err3)).toBe(2);
    expect(err3.text().trim().split('\n')).toHaveLength(1);
    expect(err3.text()).toMatch(/pattern: .*; steps: /);

    const missingDoc = file('doc.yaml', 'name: D\npattern: SEQUENCE\ndocuments: [nowhere.md]\nsteps:\n  - name: A\n    prompt: x\n');
    const err4 = sink();
    expect(await runCommand(t.engine, { file: missingDoc }, sink(), err4)).toBe(2);
    expect(err4.text()).toMatch(/doc\.yaml: documents\.0: document .*nowhere\.md cannot be read/);
  });
});

describe('commands', () => {
  it('run prints progress and a summary, exit 0; re-running updates the same workflow', async () => {
    const out = sink();
    const path = join(EXAMPLES_DIR, 'investor-research.yaml');
    expect(await runCommand(t.engine, { file: path, runtimeId: 'simulated' }, out, sink())).toBe(0);
    const text = out.text();
    expect(text).toMatch(/Seed investor research: run #1 on simulated/);
    expect(text).toMatch(/✓ Profile the company\s+COMPLETED\s+[\d,]+ in \/ [\d,]+ out tok\s+\$\d\.\d{2,4} \/ \$2\.50/);
    expect(text).toMatch(/Run #1 COMPLETED in /);
    expect(text).toMatch(/simulated runtime/);
    expect(await runCommand(t.engine, { file: path, runtimeId: 'simulated' }, sink(), sink())).toBe(0);
    const page = await t.engine.listWorkflows();
    expect(page.totalCount).toBe(1);
    expect((await t.engine.listDocuments()).length).toBe(6);
  });

  it('run exits 1 when the run fails, naming the failure', async () => {
    t.engine.simulated.script({ match: 'Summarise', script: { failAt: { turn: 1, category: 'RATE_LIMITED', message: '429 after retries' } } });
    const path = file('fail.yaml', 'name: F\npattern: SEQUENCE\nruntimeId: simulated\nsteps:\n  - name: Only\n    prompt: Summarise it.\n');
    const out = sink();
    expect(await runCommand(t.engine, { file: path }, out, sink())).toBe(1);
    expect(out.text()).toMatch(/Run #1 FAILED/);
    expect(out.text()).toMatch(/failure: RATE_LIMITED/);
  });

  it('estimate and workflows print tables', async () => {
    const out = sink();
    expect(await estimateCommand(t.engine, { file: join(EXAMPLES_DIR, 'competitor-digest.yaml'), runtimeId: 'simulated' }, out, sink())).toBe(0);
    expect(out.text()).toMatch(/Merge the digest/);
    expect(out.text()).toMatch(/Total \$/);
    const list = sink();
    expect(await workflowsCommand(t.engine, list)).toBe(0);
    expect(list.text()).toMatch(/No workflows yet/);
  });
});
