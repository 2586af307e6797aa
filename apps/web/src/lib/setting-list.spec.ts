import { describe, expect, it } from 'vitest';
import { listItems, parseListDraft, sameList, toggleListItem } from './setting-list';

describe('setting-list', () => {
  it('reads a JSON array of strings, and anything else as none', () => {
    expect(listItems('["create_workflow","execute_workflow"]')).toEqual(['create_workflow', 'execute_workflow']);
    expect(listItems('')).toEqual([]);
    expect(listItems('not json')).toEqual([]);
    expect(listItems('{"a":1}')).toEqual([]);
    expect(listItems('["a",2,null]')).toEqual(['a']);
  });

  it('checks and unchecks an item without reordering the others', () => {
    const stored = '["execute_workflow","create_workflow"]';
    const checked = toggleListItem(stored, 'delete_workflow', true);
    expect(checked).toBe('["execute_workflow","create_workflow","delete_workflow"]');
    expect(toggleListItem(checked, 'delete_workflow', false)).toBe(stored);
    expect(toggleListItem(stored, 'execute_workflow', true)).toBe(stored);
    expect(toggleListItem('', 'set_settings', true)).toBe('["set_settings"]');
    expect(toggleListItem('["set_settings"]', 'set_settings', false)).toBe('[]');
  });

  it('tells an unchanged list, an unset one reading as empty', () => {
    expect(sameList('', '[]')).toBe(true);
    expect(sameList('["a"]', '["a"]')).toBe(true);
    expect(sameList('["a","b"]', '["b","a"]')).toBe(false);
  });

  it('sends the array itself', () => {
    expect(parseListDraft('["a","b"]')).toEqual(['a', 'b']);
    expect(parseListDraft('[]')).toEqual([]);
  });
});
