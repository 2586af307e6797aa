import { describe, expect, it } from 'vitest';
import { excerpt, inheritedFromProfile } from './profile-format';

const researcher = {
  name: 'Researcher',
  systemPrompt: 'You are a careful researcher.\nGather facts.',
  tools: [],
  maxTurns: 20,
  runtimeId: null,
  modelId: null,
};
const bare = { runtimeId: '', modelId: '', maxTurns: null, tools: [] };

describe('inheritedFromProfile', () => {
  it("says what a step takes from a built-in profile: its turns and prompt, the workflow's runtime", () => {
    expect(inheritedFromProfile(researcher, bare)).toEqual([
      { label: 'Runtime', text: "the workflow's (the profile sets none)", fromProfile: false },
      { label: 'Model', text: "the runtime's default (the profile sets none)", fromProfile: false },
      { label: 'Max turns', text: '20', fromProfile: true },
      { label: 'Tools', text: 'none from the profile', fromProfile: false },
      { label: 'System prompt', text: "“You are a careful researcher. Gather facts.” (43 characters, added to the step's)", fromProfile: true },
    ]);
  });

  it("lets the step's own runtime, model and turns win, and reads its grants before the profile's", () => {
    const profile = { ...researcher, runtimeId: 'simulated', modelId: 'simulated-fast', tools: [{}, {}] };
    const lines = inheritedFromProfile(profile, { runtimeId: 'ollama', modelId: 'llama3', maxTurns: 3, tools: [{}] }, (id) => id.toUpperCase());
    expect(lines.map((l) => [l.label, l.text, l.fromProfile])).toEqual([
      ['Runtime', "the step's own (OLLAMA)", false],
      ['Model', "the step's own (llama3)", false],
      ['Max turns', "3, the step's own", false],
      ['Tools', "2 grants, read after the step's own (1)", true],
      ['System prompt', expect.stringMatching(/^“You are/), true],
    ]);
    expect(inheritedFromProfile(profile, bare, (id) => `Label of ${id}`).slice(0, 2)).toEqual([
      { label: 'Runtime', text: 'Label of simulated', fromProfile: true },
      { label: 'Model', text: 'simulated-fast', fromProfile: true },
    ]);
  });
});

describe('excerpt', () => {
  it('puts text on one line and cuts it with an ellipsis', () => {
    expect(excerpt('  a\n\n b  ')).toBe('a b');
    expect(excerpt('abcdefghij', 5)).toBe('abcd…');
  });
});
