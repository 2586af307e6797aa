import { describe, expect, it } from 'vitest';
import { FailureCategory } from '../runtimes/failure-category.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import type { WorkflowEvent } from '../events/workflow-event.js';
import { WorkflowEventKind } from '../events/event-kind.js';
import { analyzeRun, firstFailingStep } from './debug-analysis.js';
import { applySuggestionToInput, isRunAction } from './apply-suggestion.js';
import { severityOf } from './timeline.js';
import { runView, stepRunView, stepView, workflowView } from './test-factories.js';

/** Evidence a runtime would record for each category, with numbers the fixes must quote. */
const EVIDENCE: Record<FailureCategory, FailureEvidence> = {
  BUDGET_EXCEEDED: { spentUsd: 0.52, capUsd: 0.5 },
  TURN_LIMIT: { turns: 10, maxTurns: 10 },
  TIMEOUT: { deadlineMs: 120_000 },
  RATE_LIMITED: { httpStatus: 429, retries: 4, providerMessage: 'Rate limit reached for requests' },
  PROVIDER_OVERLOADED: { httpStatus: 529, retries: 4, providerMessage: 'Overloaded' },
  CONNECTION: { retries: 3, providerMessage: 'connect ECONNREFUSED 127.0.0.1:11434' },
  AUTH: { httpStatus: 401, providerMessage: 'invalid x-api-key' },
  CONTEXT_TOO_LARGE: { promptTokens: 215_000, contextWindow: 200_000 },
  INVALID_REQUEST: { httpStatus: 400, providerMessage: 'model: unknown model' },
  CANCELLED: { providerMessage: 'Cancelled by the user.' },
  CRASHED: { providerMessage: 'Lease expired: owner host:123 stopped heartbeating.' },
  TOOL_ERROR: { toolName: 'mcp__files__read_text_file', toolError: 'ENOENT: no such file or directory' },
  UNKNOWN: { providerMessage: 'Something odd happened' },
};

/** A figure from each category's evidence that its fixes must quote. */
const QUOTED: Record<FailureCategory, string> = {
  BUDGET_EXCEEDED: '$0.52',
  TURN_LIMIT: '10 of its 10 turns',
  TIMEOUT: '2m 00s deadline',
  RATE_LIMITED: 'HTTP 429, after 4 retries',
  PROVIDER_OVERLOADED: 'HTTP 529',
  CONNECTION: 'ECONNREFUSED',
  AUTH: 'HTTP 401',
  CONTEXT_TOO_LARGE: '215,000 tokens',
  INVALID_REQUEST: 'HTTP 400',
  CANCELLED: 'Cancelled by the user',
  CRASHED: 'Lease expired',
  TOOL_ERROR: 'ENOENT: no such file or directory',
  UNKNOWN: 'Something odd happened',
};

/** A two-step run whose second step failed with `category`. */
function failedRun(category: FailureCategory, evidence: FailureEvidence = EVIDENCE[category], extra: Partial<Parameters<typeof stepRunView>[2]> = {}) {
  return runView([
    stepRunView('gather', 0),
    stepRunView('write', 1, {
      status: 'FAILED',
      failureCategory: category,
      evidence,
      error: evidence.providerMessage ?? `${category} stop`,
      costUsd: evidence.spentUsd ?? 0.01,
      ...extra,
    }),
  ]);
}

describe('analyzeRun root cause and fixes', () => {
  it.each(Object.values(FailureCategory))('%s: root cause with evidence and QUICK/BETTER/BEST fixes', (category) => {
    const analysis = analyzeRun({ workflow: workflowView(), run: failedRun(category), events: [] });
    expect(analysis.rootCause).toMatchObject({ category, stepId: 'write' });
    expect(analysis.rootCause!.evidence).toBeTruthy();
    expect(analysis.rootCause!.summary).toContain('Step "Step write" (2 of 2)');
    expect(analysis.suggestions.map((s) => s.tier)).toEqual(['QUICK', 'BETTER', 'BEST']);
    expect(analysis.suggestions.map((s) => s.description).join(' ')).toContain(QUOTED[category]);
    for (const s of analysis.suggestions) {
      expect(s.title.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(0);
      // Every action offered must be applicable (definition change) or a run action.
      if (s.action && !isRunAction(s.action)) expect(() => applySuggestionToInput(workflowView(), s.action!)).not.toThrow();
    }
  });

  it('budget: names the step, shows spent vs cap, suggests max(2x spent, spent + estimate) rounded up to cents', () => {
    const analysis = analyzeRun({ workflow: workflowView(), run: failedRun('BUDGET_EXCEEDED'), events: [] });
    expect(analysis.rootCause!.evidence).toContain('Spent $0.52 of a $0.50 cap.');
    const quick = analysis.suggestions[0]!;
    expect(quick.action).toEqual({ type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 1.04 } });
    expect(quick.description).toContain('$0.52');
    expect(quick.description).toContain('$0.50 cap');

    const run = failedRun('BUDGET_EXCEEDED', { spentUsd: 0.503, capUsd: 0.5 });
    run.costEstimate = {
      totalUsd: 0.9,
      budgetUsd: 1,
      overBudget: false,
      warnings: [],
      steps: [
        {
          stepId: 'write',
          name: 'Step write',
          runtimeId: 'simulated',
          modelId: 'simulated-smart',
          inputTokens: 1,
          outputTokens: 1,
          turns: 1,
          estimatedUsd: 0.7,
          budgetUsd: 0.5,
          overBudget: true,
          exactTokenizer: false,
          fromHistory: false,
          priced: true,
        },
      ],
    };
    const withEstimate = analyzeRun({ workflow: workflowView(), run, events: [] });
    // 0.503 + 0.7 = 1.203 > 2 x 0.503 = 1.006 → rounded up to 1.21.
    expect(withEstimate.suggestions[0]!.action!.payload).toEqual({ stepId: 'write', budgetUsd: 1.21 });
  });

  it('budget: the daily spend cap and the token cap are told apart from the cost cap', () => {
    const daily = analyzeRun({ workflow: workflowView(), run: failedRun('BUDGET_EXCEEDED', { dailySpentUsd: 10.2, dailyCapUsd: 10 }), events: [] });
    expect(daily.suggestions[0]!.action).toEqual({ type: 'RETRY_STEP', payload: { stepId: 'write' } });
    expect(daily.rootCause!.evidence).toContain('$10.20 today of a $10.00 daily cap');
    const tokens = analyzeRun({ workflow: workflowView(), run: failedRun('BUDGET_EXCEEDED', { tokensUsed: 50_100, tokenCap: 50_000 }), events: [] });
    expect(tokens.suggestions[0]!.description).toContain('50,100 of the 50,000-token cap');
  });

  it('turn limit: doubles the limit up to the schema maximum of 50', () => {
    const analysis = analyzeRun({ workflow: workflowView(), run: failedRun('TURN_LIMIT'), events: [] });
    expect(analysis.rootCause!.evidence).toContain('Used 10 of 10 turns.');
    expect(analysis.suggestions[0]!.action).toEqual({ type: 'SET_MAX_TURNS', payload: { stepId: 'write', maxTurns: 20 } });
    const atMax = analyzeRun({ workflow: workflowView(), run: failedRun('TURN_LIMIT', { turns: 50, maxTurns: 50 }), events: [] });
    expect(atMax.suggestions[0]!.action).toBeNull();
    expect(atMax.suggestions[2]!.action).toEqual({ type: 'SPLIT_STEP', payload: { stepId: 'write' } });
    // Without recorded evidence, the step's own maxTurns is the limit that stopped it.
    const workflow = workflowView({ steps: [stepView('gather'), stepView('write', { maxTurns: 6 })] });
    const fromDefinition = analyzeRun({ workflow, run: failedRun('TURN_LIMIT', {}, { turns: 6 }), events: [] });
    expect(fromDefinition.suggestions[0]!.action).toEqual({ type: 'SET_MAX_TURNS', payload: { stepId: 'write', maxTurns: 12 } });
    const unknown = analyzeRun({ workflow: workflowView(), run: failedRun('TURN_LIMIT', {}, { turns: 0 }), events: [] });
    expect(unknown.suggestions[0]).toMatchObject({ title: 'Raise the turn limit', action: null });
  });

  it('context too large: quotes prompt vs window and drops the global documents from that step', () => {
    const workflow = workflowView({
      documents: [
        { documentId: 'doc-a', stepId: null },
        { documentId: 'doc-b', stepId: 'write' },
      ],
    });
    const analysis = analyzeRun({ workflow, run: failedRun('CONTEXT_TOO_LARGE'), events: [] });
    expect(analysis.rootCause!.evidence).toContain('Prompt of 215,000 tokens vs a 200,000-token context window.');
    expect(analysis.suggestions[0]!.description).toContain('15,000 over');
    expect(analysis.suggestions[0]!.action).toEqual({ type: 'SET_PER_STEP_DOCS', payload: { stepId: 'write', documentIds: ['doc-b'] } });
  });

  it('offers SET_RUNTIME only for a runtime that completed other steps of the run', () => {
    const without = analyzeRun({ workflow: workflowView(), run: failedRun('TIMEOUT'), events: [] });
    expect(without.suggestions.some((s) => s.action?.type === 'SET_RUNTIME')).toBe(false);
    const run = runView([
      stepRunView('gather', 0, { runtimeId: 'ollama' }),
      stepRunView('write', 1, {
        status: 'FAILED',
        failureCategory: 'TIMEOUT',
        evidence: { deadlineMs: 60_000 },
        runtimeId: 'anthropic-direct',
        durationMs: 61_000,
      }),
    ]);
    const withAlt = analyzeRun({ workflow: workflowView(), run, events: [] });
    expect(withAlt.suggestions[1]!.action).toEqual({ type: 'SET_RUNTIME', payload: { stepId: 'write', runtimeId: 'ollama' } });
    expect(withAlt.rootCause!.evidence).toContain('Deadline 1m 00s, ran 1m 01s.');
  });

  it('the root cause is the step that failed first, not the first in definition order', () => {
    const run = runView([
      stepRunView('gather', 0, { status: 'FAILED', failureCategory: 'RATE_LIMITED', finishedAt: 50_000 }),
      stepRunView('write', 1, { status: 'FAILED', failureCategory: 'AUTH', finishedAt: 40_000 }),
    ]);
    expect(firstFailingStep(run)!.stepId).toBe('write');
    expect(analyzeRun({ workflow: workflowView(), run, events: [] }).rootCause!.category).toBe('AUTH');
  });

  it('a cancelled run names the step that was running and offers a new run', () => {
    const run = runView([stepRunView('gather', 0), stepRunView('write', 1, { status: 'CANCELLED', failureCategory: 'CANCELLED', finishedAt: 25_000 })], {
      status: 'CANCELLED',
      failureCategory: 'CANCELLED',
    });
    const analysis = analyzeRun({ workflow: workflowView({ status: 'CANCELLED' }), run, events: [] });
    expect(analysis.rootCause).toMatchObject({ category: 'CANCELLED', stepId: 'write' });
    expect(analysis.suggestions.map((s) => s.action?.type ?? null)).toEqual(['RERUN_WORKFLOW', null, 'SPLIT_STEP']);
  });

  it('a run that failed outside any step takes the run category, without a step', () => {
    const run = runView([stepRunView('gather', 0), stepRunView('write', 1, { status: 'PENDING' })], { failureCategory: 'CRASHED', error: 'Lease expired.' });
    const analysis = analyzeRun({ workflow: workflowView(), run, events: [] });
    expect(analysis.rootCause).toMatchObject({ category: 'CRASHED', stepId: null, evidence: null });
    expect(analysis.suggestions.map((s) => s.action?.type ?? null)).toEqual(['RERUN_WORKFLOW', 'RERUN_WORKFLOW', null]);
  });
});

describe('analyzeRun for a run that did not fail', () => {
  it('has no root cause and reports the slowest step and the largest cost share', () => {
    const run = runView([stepRunView('gather', 0, { durationMs: 3_000, costUsd: 0.03 }), stepRunView('write', 1, { durationMs: 9_000, costUsd: 0.01 })], {
      status: 'COMPLETED',
    });
    const analysis = analyzeRun({ workflow: workflowView({ status: 'COMPLETED' }), run, events: [] });
    expect(analysis.rootCause).toBeNull();
    expect(analysis.suggestions.map((s) => s.title)).toEqual(['Slowest step: "Step write"', 'Largest cost share: "Step gather"']);
    expect(analysis.suggestions[0]!.description).toContain('75% of the 12.0 s');
    expect(analysis.suggestions[1]!.description).toContain("75% of the run's $0.04");
  });

  it('a one-step run has nothing to compare', () => {
    const run = runView([stepRunView('only', 0)], { status: 'COMPLETED' });
    expect(analyzeRun({ workflow: workflowView({ steps: [stepView('only')] }), run, events: [] }).suggestions).toEqual([]);
  });
});

describe('timeline', () => {
  const event = (seq: number, kind: WorkflowEvent['kind'], extra: Partial<WorkflowEvent> = {}): WorkflowEvent => ({
    seq,
    at: 1_000 * seq,
    kind,
    workflowId: 'wf-1',
    runId: 'run-1',
    ...extra,
  });

  it('orders by seq, hides output deltas, and names steps', () => {
    const events = [
      event(3, 'STEP_OUTPUT_DELTA', { stepId: 'gather', outputDelta: 'hello' }),
      event(1, 'RUN_STARTED'),
      event(2, 'STEP_STARTED', { stepId: 'gather' }),
      event(4, 'STEP_FAILED', { stepId: 'gather', data: { failureCategory: 'BUDGET_EXCEEDED' } }),
      event(5, 'RUN_FAILED', { message: 'Step "Step gather" failed: Spent $0.52 of $0.50.' }),
    ];
    const timeline = analyzeRun({ workflow: workflowView(), run: failedRun('UNKNOWN'), events }).timeline;
    expect(timeline.map((t) => [t.kind, t.severity])).toEqual([
      ['RUN_STARTED', 'INFO'],
      ['STEP_STARTED', 'INFO'],
      ['STEP_FAILED', 'FAILURE'],
      ['RUN_FAILED', 'FAILURE'],
    ]);
    expect(timeline[1]!.message).toBe('Step "Step gather" started.');
    // Built from the fields when the engine wrote no message; the engine's own message verbatim otherwise.
    expect(timeline[2]!.message).toBe('Step "Step gather" failed (BUDGET_EXCEEDED): no message');
    expect(timeline[3]!.message).toBe('Step "Step gather" failed: Spent $0.52 of $0.50.');
    expect(timeline[2]).toMatchObject({ at: 4_000, stepId: 'gather' });
  });

  it('gives every kind a severity: success, failure, warning or info', () => {
    const expected: Record<string, string> = {
      STEP_COMPLETED: 'SUCCESS',
      RUN_COMPLETED: 'SUCCESS',
      STEP_FAILED: 'FAILURE',
      RUN_FAILED: 'FAILURE',
      COST_WARNING: 'WARNING',
      RUN_CANCELLED: 'WARNING',
      STEP_WAITING_APPROVAL: 'WARNING',
    };
    for (const kind of Object.values(WorkflowEventKind)) expect(severityOf(kind)).toBe(expected[kind] ?? severityOf(kind));
    for (const kind of Object.values(WorkflowEventKind)) expect(['SUCCESS', 'INFO', 'WARNING', 'FAILURE']).toContain(severityOf(kind));
    expect(severityOf('RUN_STARTED')).toBe('INFO');
  });
});
