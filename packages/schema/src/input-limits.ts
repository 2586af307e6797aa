import { MAX_DOCUMENT_BYTES, MAX_NAME_LENGTH, MAX_SCHEDULE_EXPRESSION_LENGTH, WORKFLOW_PAGE_SIZE } from '@stagent/engine';

/**
 * Longest text accepted per kind of input, in characters (UTF-16 code units, what `length`
 * counts). Every String, ID and JSON argument and input field declares its kind (see
 * {@link limited}); `input-checks.ts` refuses longer text before any resolver runs, so no
 * parser, matcher or statement ever sees it. The numbers leave room for real use: ids are UUIDs
 * (36 characters), people type names and phrases, prompts and documents are long.
 */
export const TEXT_LIMITS = {
  /** Entity and step ids (UUIDs are 36 characters; step ids may be chosen by people). */
  id: 100,
  /** Registry keys, runtime and model ids, media types, IANA time zones. */
  key: 200,
  /** Names of workflows, steps, documents and schedules (the engine's definition limit, 200). */
  name: MAX_NAME_LENGTH,
  /** Workflow descriptions and checkpoint comments. */
  description: 2_000,
  /** Schedule phrases and cron expressions (the engine parser's own bound, 500). */
  expression: MAX_SCHEDULE_EXPRESSION_LENGTH,
  /** Step and schedule prompts. */
  prompt: 50_000,
  /** Document content: the engine's document size limit (5 MiB); the request body limit (2 MiB by default) comes first. */
  document: MAX_DOCUMENT_BYTES,
  /** Setting values (`ollama.baseUrl`, API keys and other secrets), as text or as serialized JSON. */
  setting: 2_000,
  /** Other JSON inputs (pattern config, suggestion payloads), serialized. */
  json: 20_000,
  /** List cursors (`pageInfo.endCursor`). */
  cursor: 100,
} as const;

/** A kind of text input: a key of {@link TEXT_LIMITS}. */
export type TextKind = keyof typeof TEXT_LIMITS;

/** Extension key under which an argument or input field records its {@link TextKind}. */
export const TEXT_KIND = 'stagentTextKind';

/** Extension key under which a page-size argument records its allowed range. */
export const PAGE_SIZE = 'stagentPageSize';

/** Extension key marking a cursor argument (decoded with the engine's cursor format). */
export const CURSOR = 'stagentCursor';

/** Page sizes of every list that takes `first`, in items. */
export const PAGE_SIZES = {
  workflows: { default: WORKFLOW_PAGE_SIZE.default, max: WORKFLOW_PAGE_SIZE.max, unit: 'workflows' },
  runs: { default: 20, max: 100, unit: 'runs' },
} as const;

/** A list of {@link PAGE_SIZES}. */
export type PagedList = keyof typeof PAGE_SIZES;

/** The allowed range of a page-size argument, as recorded in its extensions. */
export interface PageSizeRange {
  min: number;
  max: number;
}

/**
 * Options of a text argument or input field of `kind`: the limit appended to its description
 * and recorded in its extensions, where the input check reads it.
 */
export function limited<const O extends { description: string }>(kind: TextKind, options: O): O & { extensions: Record<string, unknown> } {
  return {
    ...options,
    description: `${options.description} At most ${TEXT_LIMITS[kind].toLocaleString('en-US')} characters.`,
    extensions: { [TEXT_KIND]: kind },
  };
}

/** Options of the `first` argument of `list`: its default, its range (described and recorded). */
export function pageSizeOptions(list: PagedList): { defaultValue: number; description: string; extensions: Record<string, unknown> } {
  const size = PAGE_SIZES[list];
  const range: PageSizeRange = { min: 1, max: size.max };
  return {
    defaultValue: size.default,
    description: `Page size, ${range.min}-${range.max} ${size.unit}; a value outside the range is refused (BAD_USER_INPUT).`,
    extensions: { [PAGE_SIZE]: range },
  };
}

/** Options of the `after` argument of a paged list. */
export function cursorOptions(): { description: string; extensions: Record<string, unknown> } {
  return {
    description: `Cursor from \`pageInfo.endCursor\` of the previous page; any other text is refused (BAD_USER_INPUT). At most ${TEXT_LIMITS.cursor} characters.`,
    extensions: { [TEXT_KIND]: 'cursor', [CURSOR]: true },
  };
}
