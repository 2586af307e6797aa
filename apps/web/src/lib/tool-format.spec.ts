import { describe, expect, it } from 'vitest';
import { prettyJson, toolCallDurationMs } from './tool-format';

describe('tool-format', () => {
  it('indents JSON input and keeps text as it is', () => {
    expect(prettyJson({ path: '/tmp/a.txt' })).toBe('{\n  "path": "/tmp/a.txt"\n}');
    expect(prettyJson('<b>raw</b>')).toBe('<b>raw</b>');
    expect(prettyJson(null)).toBe('null');
  });

  it('measures a call from its start to its end, or to now while it runs', () => {
    const startedAt = '2026-01-01T00:00:00.000Z';
    expect(toolCallDurationMs({ startedAt: null, finishedAt: null }, 0)).toBeNull();
    expect(toolCallDurationMs({ startedAt, finishedAt: '2026-01-01T00:00:01.500Z' }, 0)).toBe(1500);
    expect(toolCallDurationMs({ startedAt, finishedAt: null }, Date.parse(startedAt) + 250)).toBe(250);
  });
});
