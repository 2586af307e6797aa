import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERR = 'errors { field message code }';
const PROFILE = 'id name builtIn description systemPrompt tools { tool approval } maxTurns runtimeId modelId createdAt updatedAt';
const LIST = /* GraphQL */ `{ agentProfiles { ${PROFILE} } }`;
const ONE = /* GraphQL */ `query ($id: ID!) { agentProfile(id: $id) { ${PROFILE} } }`;
const CREATE = /* GraphQL */ `mutation ($input: AgentProfileInput!) { createAgentProfile(input: $input) { agentProfile { ${PROFILE} } ${ERR} } }`;
const UPDATE = /* GraphQL */ `mutation ($id: ID!, $input: AgentProfileInput!) { updateAgentProfile(id: $id, input: $input) { agentProfile { ${PROFILE} } ${ERR} } }`;
const DELETE = /* GraphQL */ `mutation ($id: ID!) { deleteAgentProfile(id: $id) { deletedId ${ERR} } }`;
const CREATE_WORKFLOW = /* GraphQL */ `mutation ($input: WorkflowDefinitionInput!) {
  createWorkflow(input: $input) { workflow { id steps { id profileId runtimeId modelId maxTurns } } ${ERR} }
}`;
const EXECUTE = /* GraphQL */ `mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } costEstimate { steps { stepId runtimeId modelId } } ${ERR} } }`;

const input = {
  name: 'Quick analyst',
  description: 'Short numeric answers.',
  systemPrompt: 'Show your arithmetic.',
  tools: [{ tool: 'mcp__*', approval: 'DENY' }],
  maxTurns: 4,
  runtimeId: 'simulated',
  modelId: 'simulated-fast',
};

const own = async () => ((await t.gql(LIST)).data.agentProfiles as { builtIn: boolean }[]).filter((p) => !p.builtIn);

describe('agent profiles over GraphQL', () => {
  it('lists the built-in profiles, creates, reads, replaces and deletes one of your own', async () => {
    const listed = (await t.gql(LIST)).data.agentProfiles;
    expect(listed.map((p: { id: string; builtIn: boolean }) => [p.id, p.builtIn])).toEqual([
      ['general', true],
      ['researcher', true],
      ['analyst', true],
      ['writer', true],
    ]);
    expect(listed[1]).toMatchObject({ name: 'Researcher', tools: [], runtimeId: null, modelId: null, maxTurns: 20, createdAt: '2026-12-07T00:00:00.000Z' });

    const created = (await t.gql(CREATE, { input })).data.createAgentProfile;
    expect(created).toMatchObject({ errors: [], agentProfile: { ...input, builtIn: false } });
    const { id } = created.agentProfile;
    expect((await t.gql(ONE, { id })).data.agentProfile).toEqual(created.agentProfile);
    expect((await t.gql(ONE, { id: 'nope' })).data.agentProfile).toBeNull();

    const updated = (await t.gql(UPDATE, { id, input: { name: 'Careful analyst', maxTurns: 9 } })).data.updateAgentProfile;
    expect(updated).toMatchObject({ errors: [], agentProfile: { id, name: 'Careful analyst', maxTurns: 9, systemPrompt: '', tools: [], runtimeId: null } });
    expect((await t.gql(DELETE, { id })).data.deleteAgentProfile).toEqual({ deletedId: id, errors: [] });
    expect((await t.gql(DELETE, { id })).data.deleteAgentProfile).toEqual({
      deletedId: null,
      errors: [expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })],
    });
    expect(await own()).toEqual([]);
  });

  it('answers every bad field of a create or an update as a UserError with its path and code, and stores nothing', async () => {
    const bad = {
      name: '   ',
      systemPrompt: 'x'.repeat(20_001),
      tools: [{ tool: 'mcp__nosuch__read', approval: 'ASK' }],
      maxTurns: 51,
      runtimeId: 'simulated',
      modelId: 'gpt-4o',
    };
    const expected = [
      expect.objectContaining({ field: ['name'], code: 'INVALID_VALUE' }),
      expect.objectContaining({ field: ['systemPrompt'], code: 'OUT_OF_RANGE' }),
      expect.objectContaining({ field: ['maxTurns'], code: 'OUT_OF_RANGE' }),
      expect.objectContaining({ field: ['modelId'], code: 'NOT_FOUND' }),
      expect.objectContaining({ field: ['tools', '0', 'tool'], code: 'NOT_FOUND' }),
    ];
    expect((await t.gql(CREATE, { input: bad })).data.createAgentProfile).toEqual({ agentProfile: null, errors: expected });
    expect(await own()).toEqual([]);

    const stored = (await t.gql(CREATE, { input })).data.createAgentProfile.agentProfile;
    expect((await t.gql(UPDATE, { id: stored.id, input: bad })).data.updateAgentProfile).toEqual({ agentProfile: null, errors: expected });
    // A name taken without regard to case, also a built-in one's.
    expect((await t.gql(CREATE, { input: { name: 'QUICK ANALYST' } })).data.createAgentProfile.errors).toEqual([
      expect.objectContaining({ field: ['name'], code: 'CONFLICT' }),
    ]);
    expect((await t.gql(UPDATE, { id: stored.id, input: { name: 'writer' } })).data.updateAgentProfile.errors).toEqual([
      expect.objectContaining({ field: ['name'], code: 'CONFLICT' }),
    ]);
    expect((await t.gql(UPDATE, { id: 'missing', input: { ...input, name: 'Other' } })).data.updateAgentProfile.errors).toEqual([
      expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' }),
    ]);
    expect((await t.gql(ONE, { id: stored.id })).data.agentProfile).toEqual(stored);
  });

  it('refuses to change or delete a built-in profile with READ_ONLY', async () => {
    expect((await t.gql(UPDATE, { id: 'researcher', input: { name: 'Mine' } })).data.updateAgentProfile).toEqual({
      agentProfile: null,
      errors: [
        {
          field: ['id'],
          code: 'READ_ONLY',
          message: '"Researcher" is a built-in profile and cannot be changed; create a profile of your own from it instead.',
        },
      ],
    });
    expect((await t.gql(DELETE, { id: 'general' })).data.deleteAgentProfile.errors).toEqual([expect.objectContaining({ field: ['id'], code: 'READ_ONLY' })]);
  });

  it("gives a step its profile through profileId: stored as a reference, run and estimated on the profile's runtime and model", async () => {
    const profileId = (await t.gql(CREATE, { input })).data.createAgentProfile.agentProfile.id;
    const definition = definitionInput({
      runtimeId: 'ollama',
      steps: [
        { id: 'gather', name: 'Gather', prompt: 'Gather the facts.', profileId },
        { id: 'write', name: 'Write', prompt: 'Write the brief.', profileId: 'writer', runtimeId: 'simulated' },
      ],
    });
    const created = (await t.gql(CREATE_WORKFLOW, { input: definition })).data.createWorkflow;
    expect(created.errors).toEqual([]);
    expect(created.workflow.steps).toEqual([
      { id: 'gather', profileId, runtimeId: null, modelId: null, maxTurns: null },
      { id: 'write', profileId: 'writer', runtimeId: 'simulated', modelId: null, maxTurns: null },
    ]);
    const started = (await t.gql(EXECUTE, { id: created.workflow.id })).data.executeWorkflow;
    expect(started.costEstimate.steps).toEqual([
      { stepId: 'gather', runtimeId: 'simulated', modelId: 'simulated-fast' },
      { stepId: 'write', runtimeId: 'simulated', modelId: 'simulated-smart' },
    ]);
    const run = await t.engine.waitForRun(started.run.id);
    expect(run.status).toBe('COMPLETED');
    const gather = t.engine.simulated.calls.find((c) => c.prompt.endsWith('Gather the facts.'))!;
    expect(gather).toMatchObject({ model: 'simulated-fast', maxTurns: 4 });
    expect(gather.systemPrompt).toMatch(/\n\nShow your arithmetic\.$/);

    // While the workflow names it, the profile stays.
    const refused = (await t.gql(DELETE, { id: profileId })).data.deleteAgentProfile;
    expect(refused).toEqual({
      deletedId: null,
      errors: [{ field: ['id'], code: 'CONFLICT', message: 'Profile "Quick analyst" is used by workflow "Research brief"; remove it from their steps first.' }],
    });
    expect((await t.gql(ONE, { id: profileId })).data.agentProfile).not.toBeNull();
  });

  it('refuses a step naming an unknown profile on its field, and stores no workflow', async () => {
    const bad = definitionInput({ steps: [{ id: 'gather', name: 'Gather', prompt: 'Gather.', profileId: 'no-such-profile' }] });
    const created = (await t.gql(CREATE_WORKFLOW, { input: bad })).data.createWorkflow;
    expect(created).toEqual({ workflow: null, errors: [expect.objectContaining({ field: ['steps', '0', 'profileId'], code: 'NOT_FOUND' })] });
    expect(created.errors[0].message).toMatch(
      /^No agent profile has the id "no-such-profile"\. Choose one from agentProfiles \(built in: general, researcher, analyst, writer\)\.$/,
    );
    expect((await t.gql('{ workflows { totalCount } }')).data.workflows.totalCount).toBe(0);
  });

  it('masks a plain Error thrown by the engine', async () => {
    await t.dispose();
    t = await createTestApp({
      wrapEngine: (engine) =>
        Object.assign(Object.create(engine) as typeof engine, {
          listAgentProfiles: async () => {
            throw new Error('disk on fire');
          },
        }),
    });
    const response = await t.gql(LIST);
    expect(response.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.' })]);
    expect(JSON.stringify(response)).not.toContain('disk on fire');
  });
});
