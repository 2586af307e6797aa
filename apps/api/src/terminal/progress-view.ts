import type { StepRunView, WorkflowEvent, WorkflowRunView } from '@stagent/engine';
import { formatCount, formatDuration, formatUsd } from '@stagent/engine/format';

const ICONS: Record<string, string> = {
  PENDING: '·',
  RUNNING: '▶',
  WAITING_APPROVAL: '⏸',
  DELAYED: '⏲',
  COMPLETED: '✓',
  FAILED: '✗',
  SKIPPED: '-',
  CANCELLED: '⊘',
};

/** One line for a step: status, tokens, cost vs budget, elapsed (vs estimate) and the tool in use. */
export function stepLine(step: StepRunView, now: number, nameWidth: number): string {
  const elapsed = step.durationMs ?? (step.startedAt === null ? null : Math.max(0, now - step.startedAt));
  const parts = [
    `${ICONS[step.status] ?? '?'} ${step.name.padEnd(nameWidth)}`,
    step.status.padEnd(16),
    `${formatCount(step.inputTokens)} in / ${formatCount(step.outputTokens)} out tok`.padEnd(26),
    `${formatUsd(step.costUsd)} / ${formatUsd(step.budgetUsd)}`.padEnd(20),
    elapsed === null ? '' : `${formatDuration(elapsed)}${step.estimatedDurationMs ? ` (est. ${formatDuration(step.estimatedDurationMs)})` : ''}`,
  ];
  if (step.status === 'RUNNING' && step.currentTool) parts.push(`tool: ${step.currentTool}`);
  if (step.status === 'FAILED' && step.failureCategory) parts.push(`${step.failureCategory}: ${step.error ?? ''}`);
  return parts.join('  ').trimEnd();
}

/**
 * Live progress of one run in a terminal: on a TTY a block of lines (one per step) redrawn in
 * place, elsewhere one line whenever a step changes status.
 */
export class ProgressView {
  private readonly steps = new Map<string, StepRunView>();
  private readonly order: string[] = [];
  private drawnLines = 0;
  private readonly lastStatus = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts from the run as returned by executeWorkflow. */
  begin(run: WorkflowRunView): void {
    for (const step of run.steps) this.upsert(step);
    if (this.out.isTTY) this.timer = setInterval(() => this.draw(), 500);
    this.draw();
  }

  /** Applies one event (its `step` carries the step's state after the event). */
  apply(event: WorkflowEvent): void {
    if (event.step) this.upsert(event.step);
    if (!this.out.isTTY && event.kind === 'COST_WARNING' && event.message) this.out.write(`  ! ${event.message}\n`);
    this.draw();
  }

  /** Stops redrawing (call before printing the summary). */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.draw();
  }

  private upsert(step: StepRunView): void {
    const key = step.iteration ? `${step.stepId}#${step.iteration}` : step.stepId;
    if (!this.steps.has(key)) this.order.push(key);
    this.steps.set(key, step);
  }

  private draw(): void {
    const width = Math.max(8, ...[...this.steps.values()].map((s) => s.name.length));
    const lines = this.order.map((key) => stepLine(this.steps.get(key)!, this.now(), width));
    if (this.out.isTTY) {
      if (this.drawnLines) this.out.write(`\x1b[${this.drawnLines}A`);
      for (const line of lines) this.out.write(`\x1b[2K${line}\n`);
      this.drawnLines = lines.length;
      return;
    }
    for (const key of this.order) {
      const step = this.steps.get(key)!;
      if (this.lastStatus.get(key) === step.status) continue;
      this.lastStatus.set(key, step.status);
      if (step.status !== 'PENDING') this.out.write(`${stepLine(step, this.now(), width)}\n`);
    }
  }
}

/** The closing summary of a run. */
export function runSummary(run: WorkflowRunView, estimateUsd: number | null, now: number = Date.now()): string {
  const duration = run.finishedAt ? `in ${formatDuration(run.finishedAt - run.startedAt)}` : `after ${formatDuration(Math.max(0, now - run.startedAt))}`;
  const lines = [
    `Run #${run.runNumber} ${run.status} ${duration}`,
    `  tokens: ${formatCount(run.inputTokens)} in / ${formatCount(run.outputTokens)} out`,
    `  cost:   ${formatUsd(run.costUsd)}${estimateUsd === null ? '' : ` (estimated ${formatUsd(estimateUsd)})`}${run.pricingKnown ? '' : ' (some models have no known price: lower bound)'}`,
  ];
  if (run.failureCategory || run.error) lines.push(`  failure: ${run.failureCategory ?? 'UNKNOWN'}${run.error ? `: ${run.error}` : ''}`);
  return lines.join('\n');
}
