import { describe, expect, it } from 'vitest';
import { approvalFor } from '../tools/tool-grants.js';
import type { WorkflowDefinition } from '../workflows/definition.js';
import { effectiveStep, grantLayers, profileIdsOf, withProfiles, type ProfilePresets } from './effective-step.js';

const profile: ProfilePresets = {
  id: 'p1',
  name: 'Fast researcher',
  systemPrompt: 'Cite sources.',
  tools: [{ tool: 'mcp__files__*', approval: 'AUTO' }],
  maxTurns: 3,
  runtimeId: 'simulated',
  modelId: 'simulated-fast',
};

const definition: WorkflowDefinition = {
  name: 'w',
  pattern: 'SEQUENCE',
  runtimeId: 'ollama',
  config: {},
  tools: [{ tool: 'mcp__*', approval: 'ASK' }],
  steps: [
    { id: 'a', name: 'A', prompt: 'x', profileId: 'p1' },
    {
      id: 'b',
      name: 'B',
      prompt: 'y',
      runtimeId: 'anthropic-direct',
      modelId: 'claude-haiku',
      maxTurns: 8,
      profileId: 'p1',
      tools: [{ tool: 'mcp__files__write_file', approval: 'DENY' }],
    },
    { id: 'c', name: 'C', prompt: 'z' },
  ],
};

describe('a step merged with its profile', () => {
  it("takes the profile's runtime, model and turn limit where the step has none, and keeps its own where it has them", () => {
    const [a, b, c] = withProfiles(definition, new Map([['p1', profile]])).steps;
    expect(a).toMatchObject({ runtimeId: 'simulated', modelId: 'simulated-fast', maxTurns: 3, profile });
    expect(b).toMatchObject({ runtimeId: 'anthropic-direct', modelId: 'claude-haiku', maxTurns: 8, profile });
    // No profile: the step as it is (its runtime stays empty, so the workflow's applies later).
    expect(c).toMatchObject({ runtimeId: null, modelId: null, maxTurns: null, profile: null });
  });

  it('reads grants step first, then profile, then workflow; the first match decides', () => {
    const [a, b] = withProfiles(definition, new Map([['p1', profile]])).steps;
    expect(approvalFor('mcp__files__write_file', grantLayers(b!, definition))).toBe('DENY'); // the step's own
    expect(approvalFor('mcp__files__read_text_file', grantLayers(b!, definition))).toBe('AUTO'); // the profile's
    expect(approvalFor('mcp__web__fetch', grantLayers(a!, definition))).toBe('ASK'); // the workflow's
    expect(approvalFor('mcp__web__fetch', grantLayers(a!, { tools: undefined }))).toBeNull();
  });

  it('runs a step whose profile is missing on its own fields, and lists each named profile once', () => {
    const [a] = withProfiles(definition, new Map()).steps;
    expect(a).toMatchObject({ runtimeId: null, modelId: null, maxTurns: null, profile: null, profileId: 'p1' });
    expect(profileIdsOf([definition, definition])).toEqual(['p1']);
    expect(effectiveStep({ runtimeId: undefined }, null)).toEqual({ runtimeId: null, modelId: null, maxTurns: null, profile: null });
  });
});
