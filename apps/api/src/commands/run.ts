import { watch } from 'node:fs';
import { ValidationError, StagentError, type EngineApi, type WorkflowDefinitionInput, type WorkflowRunView } from '@stagent/engine';
import { formatUsd } from '@stagent/engine/format';
import { ProgressView, runSummary } from '../terminal/progress-view.js';
import { bindDocuments, readWorkflowFile, withRuntime, WorkflowFileError } from '../workflow-file.js';

/** Terminal states of a run as far as the CLI is concerned (parked runs end the command too). */
const FINAL_EVENTS = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED', 'RUN_PAUSED']);

/** One line for an engine validation error: `file: steps.1.budgetUsd: message (CODE); name: ...`. */
export function describeDefinitionError(file: string, error: StagentError): string {
  const issues = error instanceof ValidationError ? error.issues : [error];
  return `${file}: ${issues.map((issue) => `${issue.field?.length ? `${issue.field.join('.')}: ` : ''}${issue.message} (${issue.code})`).join('; ')}`;
}

/** Loads a workflow file, binds its documents and applies `--runtime`. */
export async function loadDefinition(engine: EngineApi, file: string, runtimeId?: string): Promise<WorkflowDefinitionInput> {
  const parsed = await readWorkflowFile(file);
  const definition = await bindDocuments(engine, parsed, file);
  // Steps with a profile name the runtime's default model themselves (see withRuntime); asking describes every runtime, so only then.
  const defaultModel =
    runtimeId && Array.isArray(definition.steps) && definition.steps.some((s) => s.profileId)
      ? ((await engine.listRuntimes()).find((r) => r.id === runtimeId)?.models.default ?? null)
      : null;
  return withRuntime(definition, runtimeId, defaultModel);
}

/** Creates the workflow, or updates the stored one with the same name, and returns its id. */
async function upsertWorkflow(engine: EngineApi, definition: WorkflowDefinitionInput): Promise<string> {
  const page = await engine.listWorkflows({ first: 200 });
  const existing = page.nodes.find((w) => w.name === definition.name);
  if (existing) return (await engine.updateWorkflow(existing.id, definition)).id;
  return (await engine.createWorkflow(definition)).id;
}

/** Runs a workflow file once with live progress; resolves with the final run. */
async function runOnce(engine: EngineApi, file: string, runtimeId: string | undefined, out: NodeJS.WriteStream): Promise<WorkflowRunView> {
  const definition = await loadDefinition(engine, file, runtimeId);
  const workflowId = await upsertWorkflow(engine, definition);
  const stored = await engine.listEvents(workflowId);
  const afterSeq = stored.length ? stored[stored.length - 1].seq : 0;
  const started = await engine.executeWorkflow(workflowId);
  const estimate = started.costEstimate;
  out.write(
    `${definition.name}: run #${started.run.runNumber} on ${started.workflow.runtimeId ?? 'the default runtime'}, estimated ${formatUsd(estimate.totalUsd)} of ${formatUsd(estimate.budgetUsd)} budget\n`,
  );
  for (const warning of estimate.warnings) out.write(`  ! ${warning}\n`);
  if (estimate.steps.some((s) => s.runtimeId === 'simulated'))
    out.write('  (simulated runtime: no real model is called; outputs and costs are illustrative)\n');
  const view = new ProgressView(out);
  view.begin(started.run);
  const stream = engine.subscribe(workflowId, afterSeq);
  try {
    for await (const event of stream) {
      if (event.runId !== started.run.id) continue;
      view.apply(event);
      if (FINAL_EVENTS.has(event.kind)) break;
    }
  } finally {
    await stream.return?.();
    view.end();
  }
  const run = (await engine.getRun(started.run.id)) ?? started.run;
  out.write(`${runSummary(run, estimate.totalUsd)}\n`);
  if (run.status === 'WAITING_APPROVAL')
    out.write(
      run.steps.some((s) => s.status === 'WAITING_APPROVAL' && s.taskId)
        ? '  A step waits for the approval of tool calls: decide in the dashboard (Approvals) or with the resolveToolCall mutation.\n'
        : '  The run waits for a checkpoint decision: approve it in the dashboard or with the resolveCheckpoint mutation.\n',
    );
  const paused = run.steps.find((s) => s.status === 'PAUSED');
  if (run.status === 'PAUSED' && paused)
    out.write(
      `  Step "${paused.name}" paused at its cap after turn ${paused.turns} (${formatUsd(paused.costUsd)} of ${formatUsd(paused.budgetUsd)}): resume it with a higher cap in the dashboard or with resumeWorkflowStep; its finished turns are not paid again.\n`,
    );
  else if (run.status === 'PAUSED') out.write('  The run is parked on a delay step; `stagent serve` resumes it when its time comes.\n');
  const reused = run.steps.filter((s) => s.turnsReused > 0);
  for (const s of reused) out.write(`  Step "${s.name}" resumed at turn ${s.turnsReused + 1}: ${formatUsd(s.reusedUsd)} of earlier work reused.\n`);
  return run;
}

/** Turns an expected error into one line on stderr; rethrows anything else. */
function reportExpected(error: unknown, file: string, err: NodeJS.WriteStream): void {
  if (error instanceof WorkflowFileError) err.write(`${error.message}\n`);
  else if (error instanceof StagentError) err.write(`${describeDefinitionError(file, error)}\n`);
  else throw error;
}

/**
 * `stagent run FILE [--runtime ID] [--watch]`: runs the workflow with live progress and returns
 * the exit code (0 completed or parked, 1 failed or cancelled, 2 bad file). With `--watch` it runs
 * again whenever the file changes, until interrupted.
 */
export async function runCommand(
  engine: EngineApi,
  options: { file: string; runtimeId?: string; watch?: boolean; signal?: AbortSignal },
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const once = async (): Promise<number> => {
    try {
      const run = await runOnce(engine, options.file, options.runtimeId, out);
      return run.status === 'FAILED' || run.status === 'CANCELLED' ? 1 : 0;
    } catch (error) {
      reportExpected(error, options.file, err);
      return 2;
    }
  };
  const code = await once();
  if (!options.watch) return code;
  out.write(`Watching ${options.file} for changes (Ctrl-C to stop).\n`);
  return new Promise((resolve) => {
    let pending: NodeJS.Timeout | null = null;
    let running = false;
    const watcher = watch(options.file, () => {
      if (pending) clearTimeout(pending);
      // Editors write files in several steps; wait for them to settle.
      pending = setTimeout(async () => {
        if (running) return;
        running = true;
        await once();
        running = false;
        out.write(`Watching ${options.file} for changes (Ctrl-C to stop).\n`);
      }, 200);
    });
    options.signal?.addEventListener('abort', () => {
      watcher.close();
      if (pending) clearTimeout(pending);
      resolve(0);
    });
  });
}
