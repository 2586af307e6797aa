import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { decodeOffsetCursor, encodeOffsetCursor, workflowPage, WORKFLOW_PAGE_SIZE } from './workflow-page.js';

describe('workflow pages', () => {
  it('refuses page sizes outside 1-200 instead of clamping them', () => {
    for (const first of [-1_000_000, -1, 0, WORKFLOW_PAGE_SIZE.max + 1, 1.5]) {
      expect(() => workflowPage(first, null), String(first)).toThrow(ValidationError);
      try {
        workflowPage(first, null);
      } catch (error) {
        expect((error as ValidationError).issues.map((i) => [i.code, i.field])).toEqual([['OUT_OF_RANGE', ['first']]]);
      }
    }
    expect(workflowPage(null, null)).toEqual({ first: WORKFLOW_PAGE_SIZE.default, offset: 0 });
    expect(workflowPage(WORKFLOW_PAGE_SIZE.max, encodeOffsetCursor(40))).toEqual({ first: WORKFLOW_PAGE_SIZE.max, offset: 40 });
  });

  it('reads only cursors it wrote; any other text is refused, not read as the first page', () => {
    expect(decodeOffsetCursor(encodeOffsetCursor(0))).toBe(0);
    expect(decodeOffsetCursor(encodeOffsetCursor(123_456))).toBe(123_456);
    for (const cursor of [
      '',
      'not a cursor',
      '!!!',
      encodeOffsetCursor(-5),
      Buffer.from('12abc').toString('base64url'),
      Buffer.from('007').toString('base64url'),
      'MTA=',
      'x'.repeat(5000),
    ]) {
      expect(decodeOffsetCursor(cursor), cursor.slice(0, 20)).toBeNull();
    }
    expect(() => workflowPage(10, 'garbage')).toThrow(/after must be a pageInfo.endCursor/);
  });
});
