import { createSubscriber } from 'svelte/reactivity';
import type { StagentClient } from '$lib/graphql/client';
import { RunQuery, WorkflowEventsSubscription, type Run, type StepRun, type WorkflowEvent } from '$lib/graphql/run';
import { ToolCallsQuery, type ToolCall, type ToolCallStatus } from '$lib/graphql/tools';

const RATE_WINDOW_MS = 10_000; // tokens/s is measured over the last 10 s of usage events
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** How far a tool call has come: a call never goes back, so a view never replaces a later one. */
const TOOL_CALL_STAGE: Record<ToolCallStatus, number> = {
  WAITING_APPROVAL: 0,
  RUNNING: 1,
  SUCCEEDED: 2,
  FAILED: 2,
  DENIED: 2,
  TIMED_OUT: 2,
  CANCELLED: 2,
};

/**
 * One run as it happens. The graphql-ws subscription opens when a component first reads live
 * data and closes when nothing reads it (`createSubscriber`). Every event carries a per-workflow
 * `seq`: events at or below the last seen one are dropped, and after a dropped connection the
 * subscription is reopened with `afterSeq` = the last seen one, so there is no gap and no dupe.
 */
export class RunLive {
  readonly workflowId: string;
  readonly runId: string;
  #client: StagentClient;
  #run = $state<Run | null>(null);
  #streamed = $state<Record<string, string>>({});
  #lastSeq = $state(0);
  #connection = $state<ConnectionState>('closed');
  #now = $state(Date.now());
  #samples: Record<string, { at: number; tokens: number }[]> = {};
  #rates = $state<Record<string, number>>({});
  #version = $state(0);
  #toolCalls = $state<Record<string, ToolCall>>({});
  #toolCallsLoaded = $state(false);
  #subscribe: () => void;

  constructor(client: StagentClient, workflowId: string, runId: string, initial: Run | null) {
    this.#client = client;
    this.workflowId = workflowId;
    this.runId = runId;
    this.#run = initial;
    this.#subscribe = createSubscriber((update) => {
      let active: { unsubscribe(): void } | null = null;
      const open = () => {
        active?.unsubscribe();
        this.#connection = this.#lastSeq > 0 ? 'reconnecting' : 'connecting';
        active = this.#client.urql.subscription(WorkflowEventsSubscription, { workflowId: this.workflowId, afterSeq: this.#lastSeq }).subscribe((result) => {
          if (result.data) {
            this.#connection = 'live';
            this.apply(result.data.workflowEvents);
            update();
          }
        });
      };
      const offClosed = this.#client.ws.on('closed', () => {
        if (!active) return;
        this.#connection = 'reconnecting';
        // Reopen from the last seen seq rather than letting graphql-ws replay the original variables.
        queueMicrotask(open);
      });
      const offConnected = this.#client.ws.on('connected', () => {
        if (this.#connection !== 'live') this.#connection = 'live';
      });
      const ticker = setInterval(() => {
        this.#now = Date.now();
      }, 1000);
      open();
      return () => {
        const current = active;
        active = null;
        current?.unsubscribe();
        offClosed();
        offConnected();
        clearInterval(ticker);
        this.#connection = 'closed';
      };
    });
  }

  /** The run, kept current by events. */
  get run(): Run | null {
    this.#subscribe();
    return this.#run;
  }

  get steps(): StepRun[] {
    return this.run?.steps ?? [];
  }

  /**
   * Run totals while it runs: the stored totals, or the sum over the steps' current attempts when
   * that is already higher (events update steps; the run row is reloaded when the run ends).
   * `reusedUsd`: completed work kept instead of paid again (turns kept by a resume, steps kept by a retry).
   */
  get totals(): { costUsd: number; tokens: number; reusedUsd: number } {
    const run = this.run;
    if (!run) return { costUsd: 0, tokens: 0, reusedUsd: 0 };
    const stepCost = run.steps.reduce((sum, s) => sum + s.costUsd, 0);
    const stepTokens = run.steps.reduce((sum, s) => sum + s.inputTokens + s.outputTokens, 0);
    const stepReused = run.steps.reduce((sum, s) => sum + s.reusedUsd, 0);
    return {
      costUsd: Math.max(run.costUsd, stepCost),
      tokens: Math.max(run.inputTokens + run.outputTokens, stepTokens),
      reusedUsd: Math.max(run.reusedUsd, stepReused),
    };
  }

  /** Steps a cap stopped where they stand (setting budget.onCapReached = pause): they wait for resumeWorkflowStep. */
  get pausedSteps(): StepRun[] {
    return this.steps.filter((s) => s.status === 'PAUSED');
  }

  get connection(): ConnectionState {
    this.#subscribe();
    return this.#connection;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Wall clock, ticking each second while subscribed (for elapsed times). */
  get now(): number {
    this.#subscribe();
    return this.#now;
  }

  /** Bumped when the run reaches a new status: consumers refetch derived data (debug analysis). */
  get version(): number {
    this.#subscribe();
    return this.#version;
  }

  get isTerminal(): boolean {
    const status = this.run?.status;
    return !!status && TERMINAL.has(status);
  }

  /** The step the tiles follow: the running one, else the one awaiting approval, else the last started. */
  get focusStep(): StepRun | null {
    const steps = this.steps;
    return (
      steps.find((s) => s.status === 'RUNNING') ?? steps.find((s) => s.status === 'WAITING_APPROVAL') ?? [...steps].reverse().find((s) => s.startedAt) ?? null
    );
  }

  /** Output of a step: what streamed in this attempt, or the stored output. */
  outputOf(stepId: string): string {
    const streamed = this.#streamed[stepId];
    const stored = this.steps.find((s) => s.stepId === stepId)?.output ?? '';
    return streamed && streamed.length >= stored.length ? streamed : stored;
  }

  /** The tool calls of a step in this run, in the order they were asked for. */
  toolCallsOf(stepId: string): ToolCall[] {
    this.#subscribe();
    return Object.values(this.#toolCalls)
      .filter((c) => c.stepId === stepId)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.turn - b.turn);
  }

  /** Calls of this run that wait for a person. */
  get waitingToolCalls(): ToolCall[] {
    this.#subscribe();
    return Object.values(this.#toolCalls).filter((c) => c.status === 'WAITING_APPROVAL');
  }

  /** Whether the stored calls have been asked for once (before that, a waiting step's reason is not known). */
  get toolCallsLoaded(): boolean {
    return this.#toolCallsLoaded;
  }

  /** Reads the run's stored tool calls; live events keep them current afterwards. */
  async loadToolCalls(): Promise<void> {
    const result = await this.#client.urql.query(ToolCallsQuery, { runId: this.runId }, { requestPolicy: 'network-only' }).toPromise();
    for (const call of result.data?.toolCalls ?? []) this.upsertToolCall(call);
    // Asked even when the answer failed: the view then falls back to what the step says.
    this.#toolCallsLoaded = true;
  }

  /** Keeps a call's newest view: from an event, a query or a decision (an older view of it is ignored). */
  upsertToolCall(call: ToolCall): void {
    if (call.runId !== this.runId) return;
    const known = this.#toolCalls[call.id];
    if (known && TOOL_CALL_STAGE[known.status] > TOOL_CALL_STAGE[call.status]) return;
    if (known && known.status === 'RUNNING' && call.status === 'RUNNING' && known.startedAt && !call.startedAt) return;
    this.#toolCalls[call.id] = call;
  }

  /** Tokens per second of a step over the last 10 s, or null before two samples. */
  rateOf(stepId: string): number | null {
    return this.#rates[stepId] ?? null;
  }

  /** Refreshes asked so far; an answer to an earlier one than the last is dropped. */
  #refreshes = 0;

  /** Applies one event; public for tests and for the initial replay. */
  apply(event: WorkflowEvent): void {
    if (event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    if (event.runId !== this.runId || !this.#run) return;
    const run = this.#run;
    if (event.step) this.#upsertStep(run, event.step);
    if (event.toolCall) this.upsertToolCall(event.toolCall);
    const stepId = event.stepId ?? event.step?.stepId ?? null;
    switch (event.kind) {
      case 'STEP_STARTED':
        if (stepId) this.#streamed = { ...this.#streamed, [stepId]: '' };
        break;
      case 'STEP_OUTPUT_DELTA':
        if (stepId && event.outputDelta) this.#streamed = { ...this.#streamed, [stepId]: (this.#streamed[stepId] ?? '') + event.outputDelta };
        break;
      case 'USAGE':
        if (stepId && event.step) this.#sample(stepId, Date.parse(event.at), event.step.inputTokens + event.step.outputTokens);
        break;
      case 'RUN_STARTED':
        run.status = 'RUNNING';
        this.#version++;
        break;
      case 'RUN_PAUSED': {
        // The event may carry no step: the step's own state (from its STEP_WAITING_APPROVAL) tells a wait for a person from a delay.
        const paused = event.step ?? run.steps.find((s) => s.stepId === stepId);
        run.status = paused?.status === 'WAITING_APPROVAL' ? 'WAITING_APPROVAL' : 'PAUSED';
        this.#version++;
        break;
      }
      case 'STEP_WAITING_APPROVAL':
        run.status = 'WAITING_APPROVAL';
        this.#version++;
        break;
      case 'RUN_COMPLETED':
      case 'RUN_FAILED':
      case 'RUN_CANCELLED':
        run.status = event.kind === 'RUN_COMPLETED' ? 'COMPLETED' : event.kind === 'RUN_FAILED' ? 'FAILED' : 'CANCELLED';
        run.finishedAt = event.at;
        void this.refresh();
        break;
      default:
        break;
    }
  }

  /** Reloads the run from the server (totals, final step states) and bumps `version`. */
  async refresh(retry = true): Promise<void> {
    // Refreshes can overlap (a resume asks for one, the run's end asks for another): only the
    // last one asked may replace the run, or a slow early answer would bring back a stale state.
    const asked = ++this.#refreshes;
    const result = await this.#client.urql.query(RunQuery, { workflowId: this.workflowId }, { requestPolicy: 'network-only' }).toPromise();
    if (asked !== this.#refreshes) return;
    const fresh = result.data?.workflow?.runs.find((r) => r.id === this.runId);
    // A run that ended does not run again under the same id: an answer saying it still runs was
    // read before its end (urql shares one in-flight request between identical queries), so it is
    // not taken, and the run is asked for once more.
    const ended = (status: string | undefined) => status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
    if (fresh && ended(this.#run?.status) && !ended(fresh.status)) {
      if (retry) setTimeout(() => void this.refresh(false), 250);
      return;
    }
    if (fresh) this.#run = fresh;
    await this.loadToolCalls();
    this.#version++;
  }

  /**
   * Puts an event's step run in place: the same row (by its id), else the row of the same step and
   * loop iteration that this one replaces (a new attempt), else a new row (the next iteration).
   */
  #upsertStep(run: Run, step: StepRun): void {
    let index = run.steps.findIndex((s) => s.id === step.id);
    if (index === -1) index = run.steps.findIndex((s) => s.stepId === step.stepId && s.iteration === step.iteration);
    if (index === -1) run.steps.push(step);
    else run.steps[index] = step;
  }

  #sample(stepId: string, at: number, tokens: number): void {
    const list = (this.#samples[stepId] ??= []);
    list.push({ at, tokens });
    while (list.length > 2 && at - list[0].at > RATE_WINDOW_MS) list.shift();
    if (list.length >= 2) {
      const first = list[0];
      const seconds = (at - first.at) / 1000;
      if (seconds > 0) this.#rates = { ...this.#rates, [stepId]: (tokens - first.tokens) / seconds };
    }
  }
}
