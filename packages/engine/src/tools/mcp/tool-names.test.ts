import { describe, expect, it } from 'vitest';
import { MCP_SERVER_NAME_PATTERN, isMcpServerName, parseQualifiedToolName, qualifiedToolName } from './tool-names.js';

describe('MCP tool names', () => {
  it('qualifies a tool as mcp__<server>__<tool> and parses it back', () => {
    expect(qualifiedToolName('files', 'read_text_file')).toBe('mcp__files__read_text_file');
    expect(parseQualifiedToolName('mcp__files__read_text_file')).toEqual({ server: 'files', tool: 'read_text_file' });
    expect(parseQualifiedToolName('mcp__gh__list__all')).toEqual({ server: 'gh', tool: 'list__all' });
  });

  it('refuses what is not a qualified name', () => {
    for (const name of ['read_text_file', 'mcp__files', 'mcp____x', 'mcp__Files__x', 'mcp__files__', 'mcp__9lives__x'])
      expect(parseQualifiedToolName(name)).toBeNull();
  });

  it('accepts server names of [a-z][a-z0-9_-]{0,31} only', () => {
    expect(MCP_SERVER_NAME_PATTERN.source).toBe('^[a-z][a-z0-9_-]{0,31}$');
    for (const name of ['files', 'a', 'git-hub_2', 'a'.repeat(32)]) expect(isMcpServerName(name)).toBe(true);
    for (const name of ['', 'Files', '2fa', '-x', 'a'.repeat(33), 'files.local', 'fi les']) expect(isMcpServerName(name)).toBe(false);
  });
});
