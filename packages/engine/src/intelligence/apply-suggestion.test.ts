import { describe, expect, it } from 'vitest';
import { NotApplicableError } from '../errors.js';
import type { SuggestionAction } from './intelligence-types.js';
import { applySuggestionToInput, isRunAction, parseRunAction, toDefinitionInput } from './apply-suggestion.js';
import { injectionCount } from './doc-bindings.js';
import { splitPrompt } from './step-split.js';
import { stepView, workflowView } from './test-factories.js';

const docs = [
  { documentId: 'a', stepId: null },
  { documentId: 'b', stepId: null },
  { documentId: 'c', stepId: 'write' },
];
const wf = () => workflowView({ steps: [stepView('gather'), stepView('write'), stepView('review')], documents: docs });

/** The NotApplicableError an action raises, with its field path. */
function failure(action: unknown, workflow = wf()): NotApplicableError {
  try {
    applySuggestionToInput(workflow, action as SuggestionAction);
  } catch (e) {
    expect(e).toBeInstanceOf(NotApplicableError);
    return e as NotApplicableError;
  }
  throw new Error('expected NotApplicableError');
}

describe('toDefinitionInput', () => {
  it('splits bindings into global documentIds and step-scoped ones', () => {
    const input = toDefinitionInput(wf());
    expect(input.documentIds).toEqual(['a', 'b']);
    expect(input.steps.map((s) => s.documentIds)).toEqual([[], ['c'], []]);
  });
});

describe('applySuggestionToInput', () => {
  it('SET_BUDGET sets a step cap, or the workflow cap when stepId is null', () => {
    const step = applySuggestionToInput(wf(), { type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 1.04 } });
    expect(step.steps.map((s) => s.budgetUsd)).toEqual([null, 1.04, null]);
    const whole = applySuggestionToInput(wf(), { type: 'SET_BUDGET', payload: { stepId: null, budgetUsd: 2 } });
    expect(whole.budgetUsd).toBe(2);
    expect(failure({ type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: -1 } }).field).toEqual(['action', 'payload', 'budgetUsd']);
    expect(failure({ type: 'SET_BUDGET', payload: { stepId: 'write', budgetUsd: 1001 } }).field).toEqual(['action', 'payload', 'budgetUsd']);
    expect(failure({ type: 'SET_BUDGET', payload: { stepId: 'nope', budgetUsd: 1 } }).field).toEqual(['action', 'payload', 'stepId']);
  });

  it('SET_RUNTIME sets a step runtime or the workflow runtime', () => {
    expect(applySuggestionToInput(wf(), { type: 'SET_RUNTIME', payload: { stepId: 'gather', runtimeId: 'ollama' } }).steps[0]!.runtimeId).toBe('ollama');
    expect(applySuggestionToInput(wf(), { type: 'SET_RUNTIME', payload: { runtimeId: 'ollama' } }).runtimeId).toBe('ollama');
    expect(failure({ type: 'SET_RUNTIME', payload: { runtimeId: '' } }).field).toEqual(['action', 'payload', 'runtimeId']);
  });

  it('SET_MAX_TURNS accepts 1-50 whole turns', () => {
    expect(applySuggestionToInput(wf(), { type: 'SET_MAX_TURNS', payload: { stepId: 'write', maxTurns: 20 } }).steps[1]!.maxTurns).toBe(20);
    expect(failure({ type: 'SET_MAX_TURNS', payload: { stepId: 'write', maxTurns: 51 } }).field).toEqual(['action', 'payload', 'maxTurns']);
    expect(failure({ type: 'SET_MAX_TURNS', payload: { stepId: 'write', maxTurns: 2.5 } }).field).toEqual(['action', 'payload', 'maxTurns']);
  });

  it('SET_PER_STEP_DOCS gives one step exactly its list; other steps keep what they received', () => {
    const before = toDefinitionInput(wf());
    const out = applySuggestionToInput(wf(), { type: 'SET_PER_STEP_DOCS', payload: { stepId: 'write', documentIds: ['c'] } });
    // "a" and "b" still reach gather and review, now bound to them; write receives only "c".
    expect(out.documentIds).toEqual([]);
    expect(out.steps.map((s) => s.documentIds)).toEqual([['a', 'b'], ['c'], ['a', 'b']]);
    expect(injectionCount(before)).toBe(7);
    expect(injectionCount(out)).toBe(5);
  });

  it('SET_PER_STEP_DOCS with bindings keeps documents every step receives global', () => {
    const out = applySuggestionToInput(wf(), {
      type: 'SET_PER_STEP_DOCS',
      payload: {
        bindings: [
          { stepId: 'gather', documentIds: ['a'] },
          { stepId: 'write', documentIds: ['a', 'c'] },
          { stepId: 'review', documentIds: ['a', 'b'] },
        ],
      },
    });
    expect(out.documentIds).toEqual(['a']);
    expect(out.steps.map((s) => s.documentIds)).toEqual([[], ['c'], ['b']]);
    expect(failure({ type: 'SET_PER_STEP_DOCS', payload: { bindings: [{ stepId: 'write', documentIds: [3] }] } }).field).toEqual([
      'action',
      'payload',
      'bindings',
      '0',
      'documentIds',
    ]);
    expect(failure({ type: 'SET_PER_STEP_DOCS', payload: { bindings: [] } }).field).toEqual(['action', 'payload', 'bindings']);
    expect(failure({ type: 'SET_PER_STEP_DOCS', payload: { stepId: 'x', documentIds: [] } }).field).toEqual(['action', 'payload', 'stepId']);
  });

  it('SPLIT_STEP replaces a step by two halves; part 1 keeps the id', () => {
    const workflow = wf();
    workflow.steps[1] = stepView('write', { name: 'Write', prompt: 'Draft the report.\n\nThen check every figure against the sources.', budgetUsd: 2 });
    const out = applySuggestionToInput(workflow, { type: 'SPLIT_STEP', payload: { stepId: 'write' } });
    expect(out.steps.map((s) => [s.id, s.name, s.prompt, s.budgetUsd, s.documentIds])).toEqual([
      ['gather', 'Step gather', workflow.steps[0]!.prompt, null, []],
      ['write', 'Write (part 1)', 'Draft the report.', 2, ['c']],
      ['write-part2', 'Write (part 2)', 'Then check every figure against the sources.', 2, ['c']],
      ['review', 'Step review', workflow.steps[2]!.prompt, null, []],
    ]);
  });

  it('SPLIT_STEP refuses single sentences, delay steps and fixed-structure patterns', () => {
    const single = wf();
    single.steps[1] = stepView('write', { prompt: 'Write it' });
    expect(failure({ type: 'SPLIT_STEP', payload: { stepId: 'write' } }, single).message).toContain('single sentence');
    expect(failure({ type: 'SPLIT_STEP', payload: { stepId: 'write' } }, workflowView({ pattern: 'PARALLEL', steps: wf().steps })).message).toContain(
      'PARALLEL',
    );
    expect(
      failure({ type: 'SPLIT_STEP', payload: { stepId: 'gather' } }, workflowView({ steps: wf().steps, config: { delays: { gather: '1h' } } })).message,
    ).toContain('delay');
    expect(splitPrompt('One. Two. Three.')).toEqual(['One. Two.', 'Three.']);
  });

  it('CHANGE_PATTERN drops config keys the new pattern does not accept', () => {
    const out = applySuggestionToInput(
      workflowView({ pattern: 'CHECKPOINT', steps: wf().steps, config: { checkpoints: ['write'], delays: { gather: '1h' } } }),
      { type: 'CHANGE_PATTERN', payload: { pattern: 'SEQUENCE' } },
    );
    expect(out.pattern).toBe('SEQUENCE');
    expect(out.config).toEqual({ delays: { gather: '1h' } });
    expect(failure({ type: 'CHANGE_PATTERN', payload: { pattern: 'SEQUENCE' } }).message).toContain('already');
    expect(failure({ type: 'CHANGE_PATTERN', payload: { pattern: 'ZIGZAG' } }).field).toEqual(['action', 'payload', 'pattern']);
  });

  it('rejects unknown types, run actions and non-object payloads', () => {
    expect(failure({ type: 'MAKE_IT_FAST', payload: {} }).field).toEqual(['action', 'type']);
    expect(failure({ type: 'RETRY_STEP', payload: { stepId: 'write' } }).field).toEqual(['action', 'type']);
    expect(failure({ type: 'SET_BUDGET', payload: [1] }).field).toEqual(['action', 'payload']);
    expect(failure({ payload: {} }).field).toEqual(['action', 'type']);
  });
});

describe('run actions', () => {
  it('are recognised and validated against the workflow', () => {
    expect(isRunAction({ type: 'RETRY_STEP', payload: { stepId: 'write' } })).toBe(true);
    expect(isRunAction({ type: 'RERUN_WORKFLOW', payload: {} })).toBe(true);
    expect(isRunAction({ type: 'SET_BUDGET', payload: {} })).toBe(false);
    expect(parseRunAction(wf(), { type: 'RETRY_STEP', payload: { stepId: 'write' } })).toEqual({ type: 'RETRY_STEP', stepId: 'write' });
    expect(parseRunAction(wf(), { type: 'RERUN_WORKFLOW', payload: {} })).toEqual({ type: 'RERUN_WORKFLOW' });
    expect(() => parseRunAction(wf(), { type: 'RETRY_STEP', payload: { stepId: 'ghost' } })).toThrow(NotApplicableError);
  });
});
