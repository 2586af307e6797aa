import { describe, expect, it } from 'vitest';
import type { OptimizationSuggestion } from './intelligence-types.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { applySuggestionToInput } from './apply-suggestion.js';
import { injectionCount } from './doc-bindings.js';
import { meanAndSd, optimize, type OptimizeInput } from './optimizer.js';
import { emptyHistory, type BucketTally, type OptimizerHistory } from './optimizer-history.js';
import { workflowFromInput } from './test-factories.js';

const DOCS = [
  { id: 'pricing', name: 'pricing-sheet.md', content: 'Tier prices per seat, volume discounts, annual billing and list prices.' },
  { id: 'style', name: 'style-guide.md', content: 'Voice and tone, headings, punctuation, plain words, short sentences.' },
  { id: 'legal', name: 'contract-terms.md', content: 'Liability cap, indemnity, termination for convenience, governing law.' },
];

function definition(overrides: Partial<WorkflowDefinitionInput> = {}): WorkflowDefinitionInput {
  return {
    name: 'Proposal',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    documentIds: ['pricing', 'style', 'legal'],
    steps: [
      { id: 'quote', name: 'Quote', prompt: 'Compute the volume discounts from the pricing sheet.' },
      { id: 'tone', name: 'Tone', prompt: 'Rewrite the draft in the voice and tone of the style guide.' },
      { id: 'terms', name: 'Terms', prompt: 'Check the contract terms for liability and termination clauses.' },
    ],
    config: {},
    ...overrides,
  };
}

function run(input: Partial<OptimizeInput> & { definition: WorkflowDefinitionInput }): OptimizationSuggestion[] {
  return optimize({ documents: DOCS, history: emptyHistory(input.definition.steps.length), ...input });
}

const kinds = (list: OptimizationSuggestion[]) => list.map((s) => s.kind);

/** Applies a suggestion to the definition as the Engine would (via the stored workflow). */
function applied(def: WorkflowDefinitionInput, s: OptimizationSuggestion): WorkflowDefinitionInput {
  return applySuggestionToInput(workflowFromInput(def), s.action!);
}

describe('DOCUMENT_BINDING', () => {
  it('binds each global document to the steps whose prompt it matches, and says how many injections that saves', () => {
    const [s] = run({ definition: definition() });
    expect(s!.kind).toBe('DOCUMENT_BINDING');
    expect(s!.title).toBe('Bind documents per step: 6 fewer document injections');
    expect(s!.description).toContain('9 → 3 injections');
    expect(s!.description).toContain('pricing-sheet.md → Quote; style-guide.md → Tone; contract-terms.md → Terms');
    expect(s!.action).toEqual({
      type: 'SET_PER_STEP_DOCS',
      payload: {
        bindings: [
          { stepId: 'quote', documentIds: ['pricing'] },
          { stepId: 'tone', documentIds: ['style'] },
          { stepId: 'terms', documentIds: ['legal'] },
        ],
      },
    });
    const after = applied(definition(), s!);
    expect(injectionCount(after)).toBe(3);
    expect(kinds(run({ definition: after }))).not.toContain('DOCUMENT_BINDING');
  });

  it('suggests nothing when every step matches every document', () => {
    const steps = definition().steps.map((s) => ({ ...s, prompt: `${s.prompt} Use the pricing sheet, the style guide and the contract terms.` }));
    expect(kinds(run({ definition: definition({ steps }) }))).not.toContain('DOCUMENT_BINDING');
  });

  it('keeps every document for a step that names none, and keeps a document no step names', () => {
    const steps = [...definition().steps.slice(0, 2), { id: 'sum', name: 'Sum', prompt: 'Summarise the attached files.' }];
    const [s] = run({ definition: definition({ steps }) });
    // quote keeps pricing + legal (no step names legal), tone keeps style + legal, sum keeps all three: 2 + 2 + 3 = 7.
    expect(s!.description).toContain('9 → 7 injections');
    expect(s!.action!.payload).toEqual({
      bindings: [
        { stepId: 'quote', documentIds: ['pricing', 'legal'] },
        { stepId: 'tone', documentIds: ['style', 'legal'] },
        { stepId: 'sum', documentIds: ['pricing', 'style', 'legal'] },
      ],
    });
  });

  it('a generic reference to "the attached files" matches no document even when a document talks about files', () => {
    const docs = [
      ...DOCS.slice(0, 2),
      { id: 'legal', name: 'contract-terms.md', content: 'Liability cap, indemnity, termination. Attached files are confidential.' },
    ];
    const steps = [...definition().steps.slice(0, 2), { id: 'sum', name: 'Sum', prompt: 'Summarise the attached files.' }];
    const [s] = optimize({ definition: definition({ steps }), documents: docs, history: emptyHistory(3) });
    expect(s!.action!.payload).toMatchObject({
      bindings: [expect.anything(), expect.anything(), { stepId: 'sum', documentIds: ['pricing', 'style', 'legal'] }],
    });
  });

  it('needs two steps and a global document', () => {
    expect(kinds(run({ definition: definition({ steps: definition().steps.slice(0, 1) }) }))).toEqual([]);
    expect(kinds(run({ definition: definition({ documentIds: [] }) }))).toEqual([]);
  });
});

describe('BUDGET_ESTIMATE', () => {
  const base = () => definition({ documentIds: [] });
  const withCosts = (costs: number[]): OptimizerHistory => ({ ...emptyHistory(3), stepCostsUsd: [costs, [], []] });

  it('from history: mean + 1 sd of comparable costs, when above the cap', () => {
    // 0.10, 0.12, 0.14 → mean 0.12, sd 0.02 → 0.14.
    expect(meanAndSd([0.1, 0.12, 0.14]).sd).toBeCloseTo(0.02, 12);
    const def = base();
    def.steps[0]!.budgetUsd = 0.13;
    const [s] = run({ definition: def, history: withCosts([0.1, 0.12, 0.14]) });
    expect(s).toMatchObject({
      kind: 'BUDGET_ESTIMATE',
      title: 'Raise the budget of "Quote" to $0.14',
      action: { type: 'SET_BUDGET', payload: { stepId: 'quote', budgetUsd: 0.14 } },
    });
    expect(s!.description).toContain('3 comparable completed runs of "Quote" cost $0.12 on average (± $0.02)');
    const after = applied(def, s!);
    expect(after.steps[0]!.budgetUsd).toBe(0.14);
    expect(run({ definition: after, history: withCosts([0.1, 0.12, 0.14]) })).toEqual([]);
  });

  it('not with a cap at the recommendation, nor with fewer than 3 samples', () => {
    const def = base();
    def.steps[0]!.budgetUsd = 0.14;
    expect(run({ definition: def, history: withCosts([0.1, 0.12, 0.14]) })).toEqual([]);
    def.steps[0]!.budgetUsd = 0.01;
    expect(run({ definition: def, history: withCosts([0.1, 0.14]) })).toEqual([]);
  });

  it('offers no SET_BUDGET above the highest cap a definition accepts (MAX_BUDGET_USD)', () => {
    // 900, 1000, 1100 → mean 1000, sd 100 → 1100, above the 1000 USD a step budget may be.
    const [s] = run({ definition: base(), history: withCosts([900, 1000, 1100]) });
    expect(s).toMatchObject({ kind: 'BUDGET_ESTIMATE', title: '"Quote" needs more than the highest cap, $1,000.00', action: null });
    expect(s!.description).toContain('Reduce its input or split the step.');
  });

  it('without history: the estimate x 1.5, only when the estimate is above the cap', () => {
    const estimate = (usd: number): CostEstimate => ({
      totalUsd: usd,
      budgetUsd: 0.9,
      overBudget: false,
      warnings: [],
      steps: base().steps.map((s, i) => ({
        stepId: s.id!,
        name: s.name,
        runtimeId: 'simulated',
        modelId: 'simulated-smart',
        inputTokens: 1,
        outputTokens: 1,
        turns: 1,
        estimatedUsd: i === 1 ? usd : 0.01,
        budgetUsd: 0.3,
        overBudget: i === 1 && usd > 0.3,
        exactTokenizer: false,
        fromHistory: false,
        priced: true,
      })),
    });
    const [s] = run({ definition: base(), estimate: estimate(0.4) });
    expect(s).toMatchObject({ kind: 'BUDGET_ESTIMATE', action: { type: 'SET_BUDGET', payload: { stepId: 'tone', budgetUsd: 0.6 } } });
    expect(run({ definition: base(), estimate: estimate(0.3) })).toEqual([]);
  });
});

describe('RUNTIME_RECOMMENDATION', () => {
  const bucket = (runtimeRuns: BucketTally['runtimeRuns'], sampleCount = 13, successCount = 12): BucketTally => ({
    pattern: 'SEQUENCE',
    stepCount: 3,
    sampleCount,
    successCount,
    runtimeRuns,
  });
  const history = (b: BucketTally): OptimizerHistory => ({ ...emptyHistory(3), buckets: [b] });
  const def = () => definition({ documentIds: [] });

  it('suggests a runtime 10 points better over at least 3 runs (exactly at both thresholds)', () => {
    const h = history(bucket({ simulated: { runs: 10, successes: 9 }, ollama: { runs: 3, successes: 3 } }));
    const [s] = run({ definition: def(), history: h });
    expect(s).toMatchObject({ kind: 'RUNTIME_RECOMMENDATION', action: { type: 'SET_RUNTIME', payload: { stepId: null, runtimeId: 'ollama' } } });
    expect(s!.description).toContain('ollama succeeded in 3 of 3 runs (100%) vs 90% for simulated (9 of 10)');
    const after = applied(def(), s!);
    expect(after.runtimeId).toBe('ollama');
    expect(run({ definition: after, history: h })).toEqual([]);
  });

  it('not below 10 points, not under 3 runs', () => {
    expect(run({ definition: def(), history: history(bucket({ simulated: { runs: 100, successes: 91 }, ollama: { runs: 3, successes: 3 } })) })).toEqual([]);
    expect(run({ definition: def(), history: history(bucket({ simulated: { runs: 10, successes: 5 }, ollama: { runs: 2, successes: 2 } })) })).toEqual([]);
  });

  it('compares with the whole bucket when the current runtime has too few runs', () => {
    const h = history(
      bucket({ simulated: { runs: 1, successes: 0 }, ollama: { runs: 4, successes: 4 }, 'anthropic-direct': { runs: 8, successes: 4 } }, 12, 8),
    );
    const [s] = run({ definition: def(), history: h });
    expect(s!.description).toContain('vs 67% for all 12 runs of this shape');
    expect(run({ definition: def(), history: history(bucket({ ollama: { runs: 3, successes: 3 } }, 2, 2)) })).toEqual([]);
  });
});

describe('PATTERN_INSIGHT', () => {
  const tally = (pattern: string, sampleCount: number, successCount: number): BucketTally => ({
    pattern,
    stepCount: 3,
    sampleCount,
    successCount,
    runtimeRuns: {},
  });
  const def = () => definition({ documentIds: [] });

  it('points out a pattern 20 points better over at least 3 runs (exactly at both thresholds), the best one', () => {
    const h = { ...emptyHistory(3), buckets: [tally('SEQUENCE', 5, 3), tally('CHECKPOINT', 5, 4), tally('PLANNER_EXECUTOR', 3, 3)] };
    const [s] = run({ definition: def(), history: h });
    expect(s).toMatchObject({
      kind: 'PATTERN_INSIGHT',
      title: 'Consider PLANNER_EXECUTOR: 40 points more successful',
      action: { type: 'CHANGE_PATTERN', payload: { pattern: 'PLANNER_EXECUTOR' } },
    });
    const checkpointOnly = { ...emptyHistory(3), buckets: [tally('SEQUENCE', 5, 3), tally('CHECKPOINT', 5, 4)] };
    const [c] = run({ definition: def(), history: checkpointOnly });
    expect(c!.description).toContain('80% of the time as CHECKPOINT (4 of 5 runs) vs 60% as SEQUENCE (3 of 5)');
    const after = applied(def(), c!);
    expect(after.pattern).toBe('CHECKPOINT');
    expect(run({ definition: after, history: checkpointOnly })).toEqual([]);
  });

  it('not below 20 points, not under 3 runs on either side', () => {
    expect(run({ definition: def(), history: { ...emptyHistory(3), buckets: [tally('SEQUENCE', 100, 60), tally('CHECKPOINT', 100, 79)] } })).toEqual([]);
    expect(run({ definition: def(), history: { ...emptyHistory(3), buckets: [tally('SEQUENCE', 5, 1), tally('CHECKPOINT', 2, 2)] } })).toEqual([]);
    expect(run({ definition: def(), history: { ...emptyHistory(3), buckets: [tally('SEQUENCE', 2, 0), tally('CHECKPOINT', 9, 9)] } })).toEqual([]);
  });
});

describe('optimize', () => {
  it('suggests nothing without data, and keeps ids stable across calls', () => {
    expect(run({ definition: definition({ documentIds: [] }) })).toEqual([]);
    const a = run({ definition: definition() });
    const b = run({ definition: definition() });
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    expect(a[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });
});
