import { describe, expect, it } from 'vitest';
import { copyName, ProfileForm, PROFILE_NAME_MAX } from './profile-form.svelte';

const stored = {
  name: 'Fast researcher',
  description: 'Quick looks.',
  systemPrompt: 'Cite every source.',
  tools: [{ tool: 'mcp__files__*', approval: 'AUTO' as const }],
  maxTurns: 4,
  runtimeId: 'simulated',
  modelId: 'simulated-fast',
};

describe('ProfileForm', () => {
  it('round-trips a stored profile into the input unchanged', () => {
    expect(new ProfileForm(stored).toInput()).toEqual(stored);
  });

  it('sends empty fields as null (a replace empties them), trims the name and grants, and keeps the prompt as typed', () => {
    const form = new ProfileForm();
    form.name = '  Critic ';
    form.systemPrompt = '  Be blunt.\n';
    form.addGrant(form.tools);
    form.tools[0].tool = ' mcp__* ';
    expect(form.toInput()).toEqual({
      name: 'Critic',
      description: null,
      systemPrompt: '  Be blunt.\n',
      tools: [{ tool: 'mcp__*', approval: 'ASK' }],
      maxTurns: null,
      runtimeId: null,
      modelId: null,
    });
  });

  it('leaves turns out of range to the server, refuses turns that are no whole number before sending', () => {
    const form = new ProfileForm();
    form.maxTurns = '51';
    expect(form.check()).toEqual([]);
    expect(form.toInput().maxTurns).toBe(51);
    for (const bad of ['ten', '2.5', '1e3']) {
      form.maxTurns = bad;
      expect(form.check().map((e) => e.field)).toEqual([['maxTurns']]);
    }
  });

  it('counts the system prompt and refuses one over 20,000 characters before sending', () => {
    const form = new ProfileForm();
    form.systemPrompt = 'x'.repeat(20_000);
    expect(form.promptLength).toBe(20_000);
    expect(form.promptTooLong).toBe(false);
    expect(form.check()).toEqual([]);
    form.systemPrompt += 'yz';
    expect(form.promptTooLong).toBe(true);
    expect(form.check()).toEqual([{ field: ['systemPrompt'], code: 'OUT_OF_RANGE', message: expect.stringMatching(/at most 20,000 characters: remove 2\./) }]);
  });

  it('finds errors by field path, grant rows included, and resets', () => {
    const form = new ProfileForm(stored);
    form.errors = [
      { field: ['name'], message: 'Enter a name.', code: 'INVALID_VALUE' },
      { field: ['tools', '0', 'tool'], message: 'No server "files".', code: 'NOT_FOUND' },
    ];
    expect(form.errorFor('name')).toBe('Enter a name.');
    expect(form.errorFor('tools.0.tool')).toBe('No server "files".');
    form.reset();
    expect(form.errors).toEqual([]);
    expect(form.toInput()).toMatchObject({ name: '', tools: [], maxTurns: null });
  });

  it('names a copy "<name> (copy)" within the name limit', () => {
    expect(copyName('Researcher')).toBe('Researcher (copy)');
    const long = copyName('n'.repeat(PROFILE_NAME_MAX));
    expect(long).toHaveLength(PROFILE_NAME_MAX);
    expect(long.endsWith(' (copy)')).toBe(true);
  });
});
