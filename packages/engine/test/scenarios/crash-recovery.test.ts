import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, silentLogger } from '@stagent/engine';

const dataDir = mkdtempSync(join(tmpdir(), 'stagent-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the child and resolves with the workflow id once its step 2 is running. */
function runChildUntilStep2(): Promise<{ workflowId: string; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=@stagent/source', '--import', 'tsx', join(import.meta.dirname, '../fixtures/crash-child.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^STEP2_RUNNING (\S+)/.exec(line);
      if (m)
        resolve({
          workflowId: m[1]!,
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
    });
  });
}

describe('crash recovery', () => {
  it('a run killed with SIGKILL mid-step is marked CRASHED by the next process, keeps step 1, and retry finishes it', async () => {
    const { workflowId, kill } = await runChildUntilStep2();
    await kill();

    const engine = await Engine.open({ dataDir, logger: silentLogger, timers: false });
    try {
      // Before the sweep the run still says RUNNING: nothing but the lease tells it is dead.
      const before = (await engine.listRuns(workflowId))[0]!;
      expect(before.status).toBe('RUNNING');
      await engine.start(); // recovery sweep: the owner pid is gone on this host
      const crashed = (await engine.listRuns(workflowId))[0]!;
      expect(crashed.status).toBe('FAILED');
      expect(crashed.failureCategory).toBe('CRASHED');
      expect(crashed.steps.map((s) => s.status)).toEqual(['COMPLETED', 'FAILED', 'SKIPPED']);
      expect(crashed.steps[0]!.output).toBeTruthy();
      expect(crashed.steps[1]!.failureCategory).toBe('CRASHED');
      // The child's pid is gone while its lease still runs: the message says it exited, and the
      // lease time it names is in the future of the moment recovery found it, as the words say.
      const found = /^The process running this run \(\S+\) exited without finishing it \(found at (\S+); its lease would have lasted until (\S+)\)\.$/.exec(
        crashed.error ?? '',
      );
      expect(found, crashed.error ?? 'no error').not.toBeNull();
      expect(Date.parse(found![2]!)).toBeGreaterThan(Date.parse(found![1]!));
      expect(crashed.steps[1]!.error).toBe('The process running this step exited without finishing it.');
      expect((await engine.getWorkflow(workflowId))!.status).toBe('FAILED');

      const retried = await engine.retryWorkflowStep(workflowId, 's2');
      const done = await engine.waitForRun(retried.run.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps[0]!.output).toBe(crashed.steps[0]!.output);
      // Only steps 2 and 3 ran in this process: step 1 was not paid for twice.
      expect(engine.simulated.calls.map((c) => c.prompt.split('\n').at(-1))).toEqual(['Analyse the facts slowly.', 'Write the report.']);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
