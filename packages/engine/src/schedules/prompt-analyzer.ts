/**
 * Advisory analysis of a schedule's prompt: how many model turns one firing will probably take,
 * and warnings for prompts that make the agent work item by item. Never blocks a schedule.
 */

/** Kinds of prompt warnings. */
export const PromptWarningKind = {
  /** The prompt asks the agent to handle items one at a time ("for each", "one by one"). */
  PER_ITEM_LOOP: 'PER_ITEM_LOOP',
  /** The prompt names a list of {@link LARGE_LIST_SIZE} or more items. */
  LARGE_LIST: 'LARGE_LIST',
  /** More than {@link HIGH_TURN_THRESHOLD} turns are expected per firing. */
  HIGH_TURN_ESTIMATE: 'HIGH_TURN_ESTIMATE',
} as const;
export type PromptWarningKind = (typeof PromptWarningKind)[keyof typeof PromptWarningKind];

/** One advisory finding about a prompt. */
export interface PromptWarning {
  kind: PromptWarningKind;
  message: string;
}

/** Estimated model turns per firing and the warnings, in {@link PromptWarningKind} order. */
export interface PromptAnalysis {
  estimatedTurns: number;
  warnings: PromptWarning[];
}

/** Turns above this (per firing) earn a warning: past 30 turns a schedule usually needs splitting. */
export const HIGH_TURN_THRESHOLD = 30;
/** Lists of this many items or more earn a warning. */
export const LARGE_LIST_SIZE = 10;
/** Turns every firing spends anyway: reading the task, planning, answering. */
const BASE_TURNS = 3;
/** Items assumed for a per-item loop over a list whose size the prompt does not state. */
const ASSUMED_LOOP_ITEMS = 10;

const LOOP_PATTERNS: readonly RegExp[] = [
  /\bfor (each|every)\b/,
  /\b(each|every) (single )?(item|row|entry|record|file|page|url|link|ticker|stock|symbol|market|holding|email|message)s?\b/,
  /\bone (by|at a) (one|time)\b/,
  /\bindividually\b/,
  /\bper[ -](item|row|entry|record|file|page|url|ticker|stock|symbol|market|holding)\b/,
  /\bsearch for [^.]*\bthen search for\b/,
];

/** Words that usually cost one tool call (one model turn) each. */
const ACTION_WORDS = /\b(search|fetch|look up|lookup|browse|scrape|download|query|read|check|call|update|insert|write|send|post|open|visit)(es|s|ed|ing)?\b/g;

/**
 * Analyzes a schedule prompt. Estimated turns = 3 + one per action word (search, fetch, read,
 * update...); a per-item loop multiplies the actions by the list size it names (10 when it names
 * none). Warnings: per-item loop, a list of 10+ items, more than 30 estimated turns.
 */
export function analyzePrompt(prompt: string): PromptAnalysis {
  const text = prompt.toLowerCase();
  const loop = LOOP_PATTERNS.some((pattern) => pattern.test(text));
  const listSize = largestList(prompt);
  const actions = Math.max(1, (text.match(ACTION_WORDS) ?? []).length);
  const estimatedTurns = BASE_TURNS + (loop ? actions * (listSize ?? ASSUMED_LOOP_ITEMS) : actions);
  const warnings: PromptWarning[] = [];
  if (loop)
    warnings.push({
      kind: PromptWarningKind.PER_ITEM_LOOP,
      message: 'The prompt works item by item, which costs one or more turns per item. Ask for one batched lookup that lists every item instead.',
    });
  if (listSize !== null && listSize >= LARGE_LIST_SIZE)
    warnings.push({
      kind: PromptWarningKind.LARGE_LIST,
      message: `The prompt covers a list of ${listSize} items. Use one bulk query or call for the whole list rather than iterating over it.`,
    });
  if (estimatedTurns > HIGH_TURN_THRESHOLD)
    warnings.push({
      kind: PromptWarningKind.HIGH_TURN_ESTIMATE,
      message: `Estimated ${estimatedTurns} turns per firing (more than ${HIGH_TURN_THRESHOLD}). Split the work into a multi-step workflow or batch the operations.`,
    });
  return { estimatedTurns, warnings };
}

/**
 * The size of the largest list the prompt names: "all 32 markets", "each of the 20 stocks",
 * "40 tickers", a comma list of items (`AAPL, MSFT, NVDA`), or bullet lines. Null when none.
 */
function largestList(prompt: string): number | null {
  const sizes: number[] = [];
  for (const match of prompt.toLowerCase().matchAll(/\b(?:all|each of the|every one of the|the)?\s*(\d{1,5})\s+[a-z][a-z-]*s\b/g)) sizes.push(Number(match[1]));
  for (const line of prompt.split(/\n/)) {
    const items = line.split(/,\s*|\s+and\s+/).filter((item) => /^\s*[\w$.&-]{1,40}\s*$/.test(item));
    if (items.length >= 3) sizes.push(items.length);
  }
  const bullets = prompt.split(/\n/).filter((line) => /^\s*([-*•]|\d+[.)])\s+\S/.test(line)).length;
  if (bullets >= 3) sizes.push(bullets);
  return sizes.length ? Math.max(...sizes) : null;
}
