import { ErrorCode, StagentError, ValidationError } from '../errors.js';

/** Page sizes of the workflow list: the default and the largest page, in workflows. */
export const WORKFLOW_PAGE_SIZE = { default: 50, max: 200 } as const;

/** Longest offset a cursor encodes (9 digits: far beyond any list, short enough to stay a cursor). */
const MAX_OFFSET_DIGITS = 9;

/** The cursor after `offset` items: the offset in decimal, base64url-encoded (opaque to clients). */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}

/**
 * The offset a cursor from {@link encodeOffsetCursor} stands for; null for anything else (a
 * cursor is only valid when it re-encodes to itself, so no other text decodes to an offset).
 */
export function decodeOffsetCursor(cursor: string): number | null {
  if (cursor.length > 16 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!new RegExp(`^(0|[1-9]\\d{0,${MAX_OFFSET_DIGITS - 1}})$`).test(decoded)) return null;
  const offset = Number(decoded);
  return encodeOffsetCursor(offset) === cursor ? offset : null;
}

/**
 * The offset and size of a requested page of workflows. An out-of-range size or a cursor that
 * is not one of ours is refused, never clamped or read as the first page.
 */
export function workflowPage(first: number | null | undefined, after: string | null | undefined): { first: number; offset: number } {
  const issues: StagentError[] = [];
  const size = first ?? WORKFLOW_PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > WORKFLOW_PAGE_SIZE.max) {
    issues.push(
      new StagentError(ErrorCode.OUT_OF_RANGE, `first must be an integer from 1 to ${WORKFLOW_PAGE_SIZE.max} (workflows per page), got ${size}.`, {
        field: ['first'],
      }),
    );
  }
  const offset = after == null ? 0 : decodeOffsetCursor(after);
  if (offset === null) {
    issues.push(
      new StagentError(ErrorCode.INVALID_VALUE, 'after must be a pageInfo.endCursor returned by a previous page; omit it for the first page.', {
        field: ['after'],
      }),
    );
  }
  if (issues.length) throw new ValidationError(issues);
  return { first: size, offset: offset ?? 0 };
}
