import { describe, expect, it } from 'vitest';
import { childEnvironment, childWorkingDirectory } from './child-environment.js';
import { sameConnection, type McpServerConfig } from './server-config.js';
import { contentText, cutStatement, cutText, textForModel } from './tool-result.js';

describe('tool results as text', () => {
  it('states a cut with the full and the shown length', () => {
    expect(cutStatement(1_048_576, 20_000)).toBe('[cut: 1,048,576 characters, showing the first 20,000]');
    expect(cutText('abcdef', 6)).toEqual({ text: 'abcdef', cut: null });
    expect(cutText('abcdef', 4)).toEqual({ text: 'abcd\n[cut: 6 characters, showing the first 4]', cut: { totalChars: 6, shownChars: 4 } });
  });

  it('joins text parts and describes the others in one line', () => {
    const text = contentText({
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt' },
        { type: 'resource', resource: { uri: 'file:///b.txt', text: 'inside b' } },
        { type: 'resource', resource: { uri: 'file:///c.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } },
      ],
    });
    expect(text).toBe(
      'first\n\n[image: image/png, 3 bytes, not shown]\n\n[resource link: file:///a.txt (a.txt)]\n\n[resource: file:///b.txt]\ninside b\n\n[resource: file:///c.bin, application/octet-stream, binary, not shown]',
    );
    expect(contentText({ content: [], structuredContent: { sum: 3 } })).toBe('{"sum":3}');
  });

  it('gives the model the output, or the error', () => {
    const base = { output: 'out', durationMs: 1, cut: null };
    expect(textForModel({ ...base, status: 'SUCCEEDED', error: null })).toBe('out');
    expect(textForModel({ ...base, status: 'TIMED_OUT', error: 'no answer in 5 ms' })).toBe('Error: no answer in 5 ms');
  });
});

describe('STDIO child environment and configuration', () => {
  it('passes PATH and HOME and the configured env, nothing else of ours', () => {
    const parent = { PATH: '/bin', HOME: '/home/me', OPENAI_API_KEY: 'sk-x', STAGENT_API_TOKEN: 't', SHELL: '/bin/sh' };
    expect(childEnvironment({ env: { TOKEN: 'own' } }, parent)).toEqual({ PATH: '/bin', HOME: '/home/me', TOKEN: 'own' });
  });

  it('runs in the configured directory, else not in ours', () => {
    expect(childWorkingDirectory({ cwd: '/srv/data' })).toBe('/srv/data');
    expect(childWorkingDirectory({})).not.toBe(process.cwd());
  });

  it('sees any change of a configuration, and no change in the order of env keys', () => {
    const a: McpServerConfig = { id: 's', name: 'x', transport: 'STDIO', command: 'node', args: [], env: { A: '1', B: '2' }, headers: {}, enabled: true };
    expect(sameConnection(a, { ...a, env: { B: '2', A: '1' } })).toBe(true);
    expect(sameConnection(a, { ...a, args: ['--x'] })).toBe(false);
    expect(sameConnection(a, { ...a, enabled: false })).toBe(false);
  });
});
