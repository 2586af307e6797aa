import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { StagentError, ValidationError } from '../errors.js';
import { inTransaction } from '../db/unit-of-work.js';
import type { AgentProfileInput } from './agent-profile.js';
import { confirmNamedProfiles } from './profile-guard.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
  // Profiles without a runtime of their own are checked against the default runtime: make it the simulator here.
  await t.engine.updateSettings([{ key: 'routing.defaultRuntime', value: 'simulated' }]);
});
afterAll(() => t.close());
beforeEach(async () => {
  for (const w of (await t.engine.listWorkflows()).nodes) await t.engine.deleteWorkflow(w.id);
  for (const p of await t.engine.listAgentProfiles()) if (!p.builtIn) await t.engine.deleteAgentProfile(p.id);
});

const good: AgentProfileInput = {
  name: 'Fast researcher',
  description: 'Quick looks.',
  systemPrompt: 'Cite every source.',
  tools: [{ tool: 'mcp__*', approval: 'DENY' }],
  maxTurns: 4,
  runtimeId: 'simulated',
  modelId: 'simulated-fast',
};

type Problem = { field?: string[]; code: string };

async function problems(call: () => Promise<unknown>): Promise<Problem[]> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(StagentError);
    const issues = error instanceof ValidationError ? error.issues : [error as StagentError];
    return issues.map((i) => ({ field: i.field, code: i.code }));
  }
  throw new Error('expected the call to be refused');
}

const userProfiles = async () => (await t.engine.listAgentProfiles()).filter((p) => !p.builtIn);

describe('agent profiles', () => {
  it('lists the four built-in profiles first, read-only, with useful prompts and no tools, runtime or model', async () => {
    const listed = await t.engine.listAgentProfiles();
    expect(listed.map((p) => [p.id, p.name, p.builtIn])).toEqual([
      ['general', 'General', true],
      ['researcher', 'Researcher', true],
      ['analyst', 'Analyst', true],
      ['writer', 'Writer', true],
    ]);
    for (const p of listed) {
      expect(p.systemPrompt.length).toBeGreaterThan(100);
      expect(p).toMatchObject({ tools: [], runtimeId: null, modelId: null });
    }
    expect(await t.engine.getAgentProfile('researcher')).toMatchObject({ maxTurns: 20 });
    expect(await t.engine.getAgentProfile('nope')).toBeNull();
  });

  it('creates, reads, replaces and deletes a profile of the user', async () => {
    const created = await t.engine.createAgentProfile({ ...good, name: '  Fast researcher ' });
    expect(created).toMatchObject({ ...good, builtIn: false, createdAt: t.clock.now(), updatedAt: t.clock.now() });
    expect(await t.engine.getAgentProfile(created.id)).toEqual(created);
    await t.clock.advance(1000);
    const updated = await t.engine.updateAgentProfile(created.id, { name: 'Slow researcher' });
    // Omitted fields are empty after a replace.
    expect(updated).toMatchObject({ name: 'Slow researcher', description: null, systemPrompt: '', tools: [], maxTurns: null, runtimeId: null, modelId: null });
    expect(updated.updatedAt).toBe(created.updatedAt + 1000);
    expect((await t.engine.listAgentProfiles()).at(-1)).toEqual(updated);
    expect(await t.engine.deleteAgentProfile(created.id)).toBe(created.id);
    expect(await userProfiles()).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[], string]>([
    ['a blank name', { name: ' \u200b ' }, ['name'], 'INVALID_VALUE'],
    ['a name of 81 characters', { name: 'x'.repeat(81) }, ['name'], 'OUT_OF_RANGE'],
    ["a built-in profile's name in another case", { name: 'wRiTeR' }, ['name'], 'CONFLICT'],
    ['a description of 2,001 characters', { description: 'd'.repeat(2001) }, ['description'], 'OUT_OF_RANGE'],
    ['a system prompt of 20,001 characters', { systemPrompt: 's'.repeat(20_001) }, ['systemPrompt'], 'OUT_OF_RANGE'],
    ['zero turns', { maxTurns: 0 }, ['maxTurns'], 'OUT_OF_RANGE'],
    ['51 turns', { maxTurns: 51 }, ['maxTurns'], 'OUT_OF_RANGE'],
    ['turns as text', { maxTurns: 'ten' }, ['maxTurns'], 'WRONG_TYPE'],
    ['an unknown runtime', { runtimeId: 'gpt-runner' }, ['runtimeId'], 'NOT_FOUND'],
    ['a model its runtime lacks', { modelId: 'gpt-4o' }, ['modelId'], 'NOT_FOUND'],
    ['a model the default runtime lacks', { runtimeId: null, modelId: 'gpt-4o' }, ['modelId'], 'NOT_FOUND'],
    ['a grant that is no MCP tool', { tools: [{ tool: 'read_file', approval: 'AUTO' }] }, ['tools', '0', 'tool'], 'INVALID_VALUE'],
    ['a grant on an unknown server', { tools: [{ tool: 'mcp__nosuch__read', approval: 'AUTO' }] }, ['tools', '0', 'tool'], 'NOT_FOUND'],
    ['an unknown approval', { tools: [{ tool: 'mcp__*', approval: 'MAYBE' }] }, ['tools', '0', 'approval'], 'INVALID_VALUE'],
    [
      'a grant given twice',
      {
        tools: [
          { tool: 'mcp__*', approval: 'DENY' },
          { tool: 'mcp__*', approval: 'AUTO' },
        ],
      },
      ['tools', '1', 'tool'],
      'INVALID_VALUE',
    ],
    ['51 grants', { tools: Array.from({ length: 51 }, (_, i) => ({ tool: `mcp__s${i}__*`, approval: 'AUTO' })) }, ['tools'], 'OUT_OF_RANGE'],
    [
      'ASK on a runtime that cannot wait for approvals',
      { runtimeId: 'claude-code', modelId: null, tools: [{ tool: 'mcp__*', approval: 'ASK' }] },
      ['tools', '0', 'approval'],
      'INVALID_VALUE',
    ],
  ])('refuses %s on its field, on create and on update, and stores nothing', async (_label, change, field, code) => {
    expect(await problems(() => t.engine.createAgentProfile({ ...good, ...change } as AgentProfileInput))).toEqual([{ field, code }]);
    expect(await userProfiles()).toEqual([]);
    const stored = await t.engine.createAgentProfile({ ...good, name: 'Stored' });
    const input = { ...good, ...change, ...(field[0] === 'name' ? {} : { name: 'Stored' }) } as AgentProfileInput;
    expect(await problems(() => t.engine.updateAgentProfile(stored.id, input))).toEqual([{ field, code }]);
    expect(await t.engine.getAgentProfile(stored.id)).toEqual(stored);
  });

  it('reports every bad field of one input at once', async () => {
    const found = await problems(() => t.engine.createAgentProfile({ name: '', maxTurns: 0, runtimeId: 'nope', tools: [{ tool: 'x', approval: 'AUTO' }] }));
    expect(found).toEqual([
      { field: ['name'], code: 'INVALID_VALUE' },
      { field: ['tools', '0', 'tool'], code: 'INVALID_VALUE' },
      { field: ['maxTurns'], code: 'OUT_OF_RANGE' },
      { field: ['runtimeId'], code: 'NOT_FOUND' },
    ]);
  });

  it("keeps names unique without regard to case, also against a rename, and an update may keep the profile's own name", async () => {
    const a = await t.engine.createAgentProfile({ name: 'Editor' });
    const b = await t.engine.createAgentProfile({ name: 'Critic' });
    expect(await problems(() => t.engine.createAgentProfile({ name: 'EDITOR' }))).toEqual([{ field: ['name'], code: 'CONFLICT' }]);
    expect(await problems(() => t.engine.updateAgentProfile(b.id, { name: 'editor ' }))).toEqual([{ field: ['name'], code: 'CONFLICT' }]);
    expect(await t.engine.updateAgentProfile(a.id, { name: 'editor' })).toMatchObject({ name: 'editor' });
  });

  it('refuses to change or delete a built-in profile (READ_ONLY), and an unknown id is NOT_FOUND', async () => {
    expect(await problems(() => t.engine.updateAgentProfile('writer', { name: 'My writer' }))).toEqual([{ field: ['id'], code: 'READ_ONLY' }]);
    expect(await problems(() => t.engine.deleteAgentProfile('general'))).toEqual([{ field: ['id'], code: 'READ_ONLY' }]);
    expect(await problems(() => t.engine.deleteAgentProfile('0190aaaa-0000-7000-8000-000000000000'))).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    // An unknown id on update is reported together with the input's problems.
    expect(await problems(() => t.engine.updateAgentProfile('missing', { name: '' }))).toEqual([
      { field: ['id'], code: 'NOT_FOUND' },
      { field: ['name'], code: 'INVALID_VALUE' },
    ]);
    expect((await t.engine.getAgentProfile('writer'))?.name).toBe('Writer');
  });

  it('refuses to delete a profile a workflow step names, naming the workflows; once no step names it, it goes', async () => {
    const profile = await t.engine.createAgentProfile(good);
    const step = { id: 's', name: 'S', prompt: 'p', profileId: profile.id };
    const w1 = await t.engine.createWorkflow({ name: 'Alpha', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [step] });
    await t.engine.createWorkflow({ name: 'Beta', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [step] });
    expect(w1.steps[0]).toMatchObject({ profileId: profile.id });
    try {
      await t.engine.deleteAgentProfile(profile.id);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFLICT', field: ['id'] });
      expect((error as Error).message).toBe(`Profile "Fast researcher" is used by workflows "Alpha", "Beta"; remove it from their steps first.`);
    }
    expect(await t.engine.getAgentProfile(profile.id)).toEqual(profile);
    for (const w of (await t.engine.listWorkflows()).nodes) await t.engine.deleteWorkflow(w.id);
    expect(await t.engine.deleteAgentProfile(profile.id)).toBe(profile.id);
  });

  it('refuses a change that would leave a step naming the profile unable to run, and allows one that would not', async () => {
    const profile = await t.engine.createAgentProfile({ name: 'Fast', runtimeId: 'simulated', modelId: 'simulated-fast' });
    // The step keeps the profile's model but runs on the workflow's runtime: the profile has none after the change.
    await t.engine.createWorkflow({
      name: 'Gamma',
      pattern: 'SEQUENCE',
      runtimeId: 'ollama',
      steps: [{ id: 's', name: 'S', prompt: 'p', profileId: profile.id, runtimeId: 'simulated' }],
    });
    await t.engine.createWorkflow({
      name: 'Delta',
      pattern: 'SEQUENCE',
      runtimeId: 'ollama',
      steps: [{ id: 't', name: 'T', prompt: 'p', profileId: profile.id }],
    });
    try {
      await t.engine.updateAgentProfile(profile.id, { name: 'Fast', modelId: 'simulated-fast' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => [i.field, i.code])).toEqual([[['modelId'], 'CONFLICT']]);
      expect((error as Error).message).toMatch(/step "T" of workflow "Delta" would run model "simulated-fast" on ollama/);
      expect((error as Error).message).not.toMatch(/Gamma/);
    }
    expect(await t.engine.getAgentProfile(profile.id)).toEqual(profile);
    expect(
      await t.engine.updateAgentProfile(profile.id, { name: 'Fast', runtimeId: 'simulated', modelId: 'simulated-smart', systemPrompt: 'Be brief.' }),
    ).toMatchObject({
      modelId: 'simulated-smart',
    });
  });

  it('never leaves a stored step naming a deleted profile when a save and the delete race', async () => {
    for (let round = 0; round < 8; round++) {
      const profile = await t.engine.createAgentProfile({ ...good, name: `Racer ${round}` });
      const [saved, deleted] = await Promise.allSettled([
        t.engine.createWorkflow({
          name: `Race ${round}`,
          pattern: 'SEQUENCE',
          runtimeId: 'simulated',
          steps: [{ id: 's', name: 'S', prompt: 'p', profileId: profile.id }],
        }),
        t.engine.deleteAgentProfile(profile.id),
      ]);
      // Exactly one wins: the workflow names a profile that still exists, or the profile is gone and the save was refused.
      expect([saved.status, deleted.status].sort()).toEqual(['fulfilled', 'rejected']);
      const stillThere = (await t.engine.getAgentProfile(profile.id)) !== null;
      expect(stillThere).toBe(saved.status === 'fulfilled');
      if (saved.status === 'rejected') expect(saved.reason).toMatchObject({ field: ['steps', '0', 'profileId'] });
      else expect((deleted as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT', field: ['id'] });
    }
  });

  it("refuses a workflow save when a profile it names changed or went after validation read it (the save's own check)", async () => {
    const profile = await t.engine.createAgentProfile(good);
    const definition = { name: 'w', pattern: 'SEQUENCE' as const, config: {}, steps: [{ id: 's', name: 'S', prompt: 'p', profileId: profile.id }] };
    const stale = new Map([[profile.id, { ...profile, updatedAt: profile.updatedAt - 1 }]]);
    await expect(inTransaction(t.engine.resources, (uow) => confirmNamedProfiles(uow, definition, stale))).rejects.toMatchObject({
      code: 'CONFLICT',
      field: ['steps', '0', 'profileId'],
    });
    await expect(inTransaction(t.engine.resources, (uow) => confirmNamedProfiles(uow, definition, new Map([[profile.id, profile]])))).resolves.toBeUndefined();
  });
});
