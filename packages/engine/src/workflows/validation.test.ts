import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { ValidationError } from '../errors.js';
import { WorkflowSchema } from '../db/entities/workflow.entity.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
});
afterAll(() => t.close());

const base = { name: 'w', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'Do A.' }] };
const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `S${i}`, prompt: `Do ${i}.` }));

type Problem = { field?: string[]; code: string; message: string };

async function problems(input: unknown, call: (input: never) => Promise<unknown> = (i) => t.engine.createWorkflow(i)): Promise<Problem[]> {
  try {
    await call(input as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => ({ field: i.field, code: i.code, message: i.message }));
  }
  throw new Error('expected a validation error');
}

describe('workflow definition validation', () => {
  it.each([
    ['empty name', { ...base, name: ' ' }, ['name']],
    ['unknown pattern', { ...base, pattern: 'FANOUT' }, ['pattern']],
    ['no steps', { ...base, steps: [] }, ['steps']],
    ['zero budget', { ...base, budgetUsd: 0 }, ['budgetUsd']],
    ['negative step budget', { ...base, steps: [{ ...base.steps[0], budgetUsd: -1 }] }, ['steps', '0', 'budgetUsd']],
    ['step without prompt', { ...base, steps: [{ id: 'a', name: 'A', prompt: '  ' }] }, ['steps', '0', 'prompt']],
    ['relative working directory', { ...base, steps: [{ ...base.steps[0], workingDirectory: 'project/src' }] }, ['steps', '0', 'workingDirectory']],
    [
      'duplicate step ids',
      {
        ...base,
        steps: [
          { id: 'a', name: 'A', prompt: 'x' },
          { id: 'a', name: 'B', prompt: 'y' },
        ],
      },
      ['steps', '1', 'id'],
    ],
    ['bad step id', { ...base, steps: [{ id: 'a b', name: 'A', prompt: 'x' }] }, ['steps', '0', 'id']],
    ['unknown runtime', { ...base, runtimeId: 'gpt-runner' }, ['runtimeId']],
    ['unknown step runtime', { ...base, steps: [{ ...base.steps[0], runtimeId: 'nope' }] }, ['steps', '0', 'runtimeId']],
    ['model the runtime lacks', { ...base, steps: [{ ...base.steps[0], modelId: 'gpt-4o' }] }, ['steps', '0', 'modelId']],
    ['unknown global document', { ...base, documentIds: ['missing'] }, ['documentIds', '0']],
    ['unknown step document', { ...base, steps: [{ ...base.steps[0], documentIds: ['missing'] }] }, ['steps', '0', 'documentIds', '0']],
    ['max turns out of range', { ...base, steps: [{ ...base.steps[0], maxTurns: 99 }] }, ['steps', '0', 'maxTurns']],
    ['parallel with one branch', { ...base, pattern: 'PARALLEL', steps: steps(2) }, ['steps']],
    ['parallel with six branches', { ...base, pattern: 'PARALLEL', steps: steps(7) }, ['steps']],
    ['parallel concurrency 9', { ...base, pattern: 'PARALLEL', steps: steps(3), config: { concurrency: 9 } }, ['config', 'concurrency']],
    ['swarm with one worker', { ...base, pattern: 'SWARM', steps: steps(3) }, ['steps']],
    ['swarm concurrency above workers', { ...base, pattern: 'SWARM', steps: steps(4), config: { concurrency: 3 } }, ['config', 'concurrency']],
    ['planner alone', { ...base, pattern: 'PLANNER_EXECUTOR' }, ['steps']],
    ['loop without maxIterations', { ...base, pattern: 'LOOP' }, ['config', 'maxIterations']],
    ['loop with two steps', { ...base, pattern: 'LOOP', steps: steps(2), config: { maxIterations: 3 } }, ['steps']],
    ['loop maxIterations 0', { ...base, pattern: 'LOOP', config: { maxIterations: 0 } }, ['config', 'maxIterations']],
    ['bad delay syntax', { ...base, steps: steps(3), config: { delays: { s1: '2 hours' } } }, ['config', 'delays', 's1']],
    ['delay too long', { ...base, steps: steps(3), config: { delays: { s1: '40d' } } }, ['config', 'delays', 's1']],
    ['delay on an unknown step', { ...base, steps: steps(3), config: { delays: { zz: '1h' } } }, ['config', 'delays', 'zz']],
    ['delays in a parallel workflow', { ...base, pattern: 'PARALLEL', steps: steps(3), config: { delays: { s0: '1h' } } }, ['config']],
    ['checkpoint on an unknown step', { ...base, pattern: 'CHECKPOINT', steps: steps(2), config: { checkpoints: ['zz'] } }, ['config', 'checkpoints']],
  ])('%s is rejected with its field path', async (_, input, field) => {
    const found = await problems(input);
    expect(found.map((p) => p.field)).toContainEqual(field);
    for (const p of found) expect(p.message.length).toBeGreaterThan(10);
  });

  it('reports every problem at once and stores nothing', async () => {
    const found = await problems({ ...base, name: '', budgetUsd: -3, steps: [{ id: 'a', name: '', prompt: '' }] });
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(await t.engine.resources.orm.em.fork().count(WorkflowSchema, {})).toBe(0);
  });

  it("stores a step's working directory when set, and only then", async () => {
    const wf = await t.engine.createWorkflow({
      ...base,
      steps: [
        { ...base.steps[0], workingDirectory: '/srv/project' },
        { id: 'b', name: 'B', prompt: 'Do B.' },
      ],
    });
    expect(wf.steps.map((s) => s.workingDirectory ?? null)).toEqual(['/srv/project', null]);
    expect(Object.keys(wf.steps[1]!)).not.toContain('workingDirectory');
  });

  it('generates step ids when absent and keeps given ones', async () => {
    const wf = await t.engine.createWorkflow({
      ...base,
      steps: [
        { name: 'A', prompt: 'a' },
        { id: 'keep-me', name: 'B', prompt: 'b' },
      ],
    });
    expect(wf.steps[0]!.id).toMatch(/^step-/);
    expect(wf.steps[1]!.id).toBe('keep-me');
  });

  it('an invalid update changes nothing', async () => {
    const wf = await t.engine.createWorkflow({ ...base, name: 'original' });
    await expect(t.engine.updateWorkflow(wf.id, { ...base, name: 'changed', budgetUsd: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect((await t.engine.getWorkflow(wf.id))!.name).toBe('original');
    await expect(t.engine.updateWorkflow('nope', base)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('one pass reports shape, structure and reference problems together', () => {
  const codesByField = (found: Problem[]) => Object.fromEntries(found.map((p) => [p.field?.join('.'), p.code]));
  /** A negative step budget (shape), an unknown runtime, an unknown step runtime, a model the runtime lacks, and missing documents. */
  const mixed = {
    ...base,
    runtimeId: 'gpt-runner',
    documentIds: ['missing-global'],
    steps: [
      { id: 'a', name: 'A', prompt: 'Do A.', budgetUsd: -1 },
      { id: 'b', name: 'B', prompt: 'Do B.', runtimeId: 'nope', maxTurns: 0 },
      { id: 'c', name: 'C', prompt: 'Do C.', runtimeId: 'simulated', modelId: 'gpt-4o', documentIds: ['missing-step'] },
    ],
  };
  const expected = {
    'steps.0.budgetUsd': 'OUT_OF_RANGE',
    'steps.1.maxTurns': 'OUT_OF_RANGE',
    runtimeId: 'NOT_FOUND',
    'steps.1.runtimeId': 'NOT_FOUND',
    'steps.2.modelId': 'NOT_FOUND',
    'documentIds.0': 'NOT_FOUND',
    'steps.2.documentIds.0': 'NOT_FOUND',
  };

  it('createWorkflow: an unknown runtime next to a negative budget, each with its path and code', async () => {
    const found = await problems({ ...base, runtimeId: 'gpt-runner', steps: [{ ...base.steps[0], budgetUsd: -1 }] });
    expect(codesByField(found)).toEqual({ runtimeId: 'NOT_FOUND', 'steps.0.budgetUsd': 'OUT_OF_RANGE' });
  });

  it('createWorkflow: every problem of a definition at once, and nothing stored', async () => {
    const stored = await t.engine.resources.orm.em.fork().count(WorkflowSchema, {});
    expect(codesByField(await problems(mixed))).toEqual(expected);
    expect(await t.engine.resources.orm.em.fork().count(WorkflowSchema, {})).toBe(stored);
  });

  it('a structural problem of the pattern comes with the shape problems', async () => {
    const found = await problems({
      ...base,
      pattern: 'LOOP',
      steps: [
        { ...base.steps[0], budgetUsd: -1 },
        { id: 'b', name: 'B', prompt: ' ' },
      ],
      config: { maxIterations: 3 },
    });
    expect(codesByField(found)).toEqual({ 'steps.0.budgetUsd': 'OUT_OF_RANGE', 'steps.1.prompt': 'INVALID_DEFINITION', steps: 'INVALID_DEFINITION' });
  });

  it('updateWorkflow: the same problems at once, and the stored workflow unchanged', async () => {
    const wf = await t.engine.createWorkflow({ ...base, name: 'kept' });
    expect(codesByField(await problems(mixed, (i) => t.engine.updateWorkflow(wf.id, i)))).toEqual(expected);
    expect(await t.engine.getWorkflow(wf.id)).toEqual(wf);
  });

  it('updateWorkflow: an unknown workflow id is reported with the definition problems', async () => {
    const found = await problems({ ...base, runtimeId: 'gpt-runner' }, (i) => t.engine.updateWorkflow('missing-workflow', i));
    expect(codesByField(found)).toEqual({ id: 'NOT_FOUND', runtimeId: 'NOT_FOUND' });
  });

  it('estimateWorkflowCost: the same problems at once', async () => {
    expect(codesByField(await problems(mixed, (i) => t.engine.estimateWorkflowCost(i)))).toEqual(expected);
  });
});

describe('what a problem says depends on the value that came', () => {
  it('a number too large to be finite is OUT_OF_RANGE, not "required"', async () => {
    expect(await problems({ ...base, budgetUsd: Infinity, steps: [{ ...base.steps[0], maxTurns: -Infinity }] })).toEqual([
      { field: ['budgetUsd'], code: 'OUT_OF_RANGE', message: 'budgetUsd is out of range: the number given is too large to represent.' },
      { field: ['steps', '0', 'maxTurns'], code: 'OUT_OF_RANGE', message: 'steps.0.maxTurns is out of range: the number given is too large to represent.' },
    ]);
  });

  it('a value of the wrong kind is WRONG_TYPE (a workflow file can hold a string budget)', async () => {
    expect(await problems({ ...base, steps: [{ ...base.steps[0], budgetUsd: '5', documentIds: 'notes' }], config: { delays: { a: 30 } } })).toEqual([
      { field: ['steps', '0', 'budgetUsd'], code: 'WRONG_TYPE', message: 'steps.0.budgetUsd must be a number; got a string.' },
      { field: ['steps', '0', 'documentIds'], code: 'WRONG_TYPE', message: 'steps.0.documentIds must be a list; got a string.' },
      { field: ['config', 'delays', 'a'], code: 'WRONG_TYPE', message: 'config.delays.a must be a string; got a number.' },
    ]);
    expect(await problems({ ...base, budgetUsd: NaN })).toEqual([
      { field: ['budgetUsd'], code: 'WRONG_TYPE', message: 'budgetUsd must be a number; got NaN (not a number).' },
    ]);
  });

  it('a missing or null required field is "required"', async () => {
    const { name: _, ...nameless } = base;
    expect(await problems({ ...nameless, steps: [{ id: 'a', name: 'A', prompt: null }] })).toEqual([
      { field: ['name'], code: 'INVALID_DEFINITION', message: 'name is required.' },
      { field: ['steps', '0', 'prompt'], code: 'INVALID_DEFINITION', message: 'steps.0.prompt is required.' },
    ]);
  });
});
