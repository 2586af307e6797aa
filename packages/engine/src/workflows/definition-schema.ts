import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { durationMs, parseDurationShorthand } from '../duration-shorthand.js';
import { blankNameMessage, isBlankName } from '../names.js';
import { MAX_GRANTS, ToolApproval, parseGrantPattern } from '../tools/tool-grants.js';
import { WorkflowPattern } from './definition.js';

/** Delays are written in the duration shorthand (m, h, d, w), from 1 minute to 30 days. */
export const MIN_DELAY_MS = 60_000;
export const MAX_DELAY_MS = 30 * 86_400_000;

/** Parses `30m`, `2h`, `1d`, `1w` to ms; null when the syntax is wrong. */
export function parseDelay(text: string): number | null {
  const duration = parseDurationShorthand(text.trim());
  return duration ? durationMs(duration) : null;
}

const delay = z.string().superRefine((value, ctx) => {
  const ms = parseDelay(value);
  if (ms === null) ctx.addIssue({ code: 'custom', message: `"${value}" is not a delay; write a number and a unit such as 30m, 2h, 1d or 1w.` });
  else if (ms < MIN_DELAY_MS || ms > MAX_DELAY_MS) ctx.addIssue({ code: 'custom', message: `A delay must be between 1m and 30d; got ${value}.` });
});

// The bounds of a definition. This schema enforces them; code that proposes a changed definition
// (fix suggestions, step splits, the optimizer) or a setting of the same meaning imports them from
// here, so nothing offers a value the schema would refuse.
/** Highest workflow or step budget, USD. */
export const MAX_BUDGET_USD = 1000;
/** Most model turns a step may take (`maxTurns`). */
export const MAX_STEP_TURNS = 50;
/** Most steps a definition may hold. */
export const MAX_STEPS = 200;
/** Longest step id, characters. */
export const MAX_STEP_ID_LENGTH = 64;
/** Longest workflow or step name, characters. */
export const MAX_NAME_LENGTH = 200;

/** A cost cap in USD: more than 0, at most {@link MAX_BUDGET_USD} (range problems are OUT_OF_RANGE; type problems are worded in `field-parse.ts`). */
const usd = (what: string) => z.number().gt(0, `${what} must be greater than 0 USD.`).max(MAX_BUDGET_USD, `${what} must be at most ${MAX_BUDGET_USD} USD.`);

const stepId = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${MAX_STEP_ID_LENGTH - 1}}$`),
    `Step ids use letters, digits, "-" and "_" (at most ${MAX_STEP_ID_LENGTH} characters).`,
  );

/** One tool grant: a well-formed pattern (existence is checked against the servers in `validation.ts`). */
const toolGrant = z.strictObject({
  tool: z.string().superRefine((tool, ctx) => {
    const parsed = parseGrantPattern(tool);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
  approval: z.enum(Object.values(ToolApproval) as [string, ...string[]], { error: `Approval must be one of ${Object.values(ToolApproval).join(', ')}.` }),
});
/** A list of tool grants (a workflow's, a step's or an agent profile's). */
export const toolGrants = z.array(toolGrant).max(MAX_GRANTS, `At most ${MAX_GRANTS} tool grants.`);

/** A turn limit (a step's or an agent profile's): 1 to {@link MAX_STEP_TURNS}. */
export const turnLimit = z
  .number()
  .int('Max turns must be a whole number.')
  .min(1, 'Max turns must be at least 1.')
  .max(MAX_STEP_TURNS, `Max turns must be at most ${MAX_STEP_TURNS}.`);

/** Shape of one submitted step. */
export const stepInputSchema = z.object({
  id: stepId.nullish(),
  name: z
    .string()
    .trim()
    .refine((name) => !isBlankName(name), blankNameMessage('step'))
    .max(MAX_NAME_LENGTH, `Step names are at most ${MAX_NAME_LENGTH} characters.`),
  prompt: z.string().max(100_000, 'Step prompts are at most 100,000 characters.'),
  runtimeId: z.string().min(1).nullish(),
  modelId: z.string().min(1).nullish(),
  budgetUsd: usd('The step budget').nullish(),
  maxTurns: turnLimit.nullish(),
  documentIds: z.array(z.string().min(1)).max(50, 'At most 50 documents per step.').nullish(),
  tools: toolGrants.nullish(),
  /** An agent profile id (existence is checked in `validation.ts`). */
  profileId: z.string().min(1).nullish(),
  /** The folder an agent CLI (openai-codex-app-server) works in; checked to exist when the step runs. */
  workingDirectory: z
    .string()
    .trim()
    .max(1000, 'A working directory is at most 1,000 characters.')
    .refine((path) => isAbsolute(path), 'A working directory must be an absolute path, such as /home/me/project.')
    .nullish(),
});

const loopConfig = z.strictObject({
  maxIterations: z.number().int().min(1, 'maxIterations must be at least 1.').max(100, 'maxIterations must be at most 100.'),
  timeBudgetMs: z.number().int().min(1000, 'timeBudgetMs must be at least 1000 ms.').max(86_400_000, 'timeBudgetMs must be at most one day.').optional(),
  completionSignals: z.array(z.string().trim().min(1)).max(10).optional(),
});
const parallelConfig = z.strictObject({ concurrency: z.number().int().min(1).max(5, 'concurrency must be between 1 and 5.').optional() });
const swarmConfig = z.strictObject({ concurrency: z.number().int().min(1).max(5, 'concurrency must be between 1 and the number of workers.').optional() });
const sequenceConfig = z.strictObject({ delays: z.record(z.string(), delay).optional() });
const checkpointConfig = z.strictObject({ checkpoints: z.array(z.string()).optional(), delays: z.record(z.string(), delay).optional() });
const plannerConfig = z.strictObject({});

/** Pattern options accepted per pattern; any other key is an error naming it. */
export const configSchemaByPattern = {
  SEQUENCE: sequenceConfig,
  CHECKPOINT: checkpointConfig,
  PARALLEL: parallelConfig,
  SWARM: swarmConfig,
  LOOP: loopConfig,
  PLANNER_EXECUTOR: plannerConfig,
} as const;

/**
 * Shape of a submitted definition. Each step is parsed with {@link stepInputSchema} on its own,
 * and the structure per pattern is checked afterwards (see `validation.ts`).
 */
export const definitionInputSchema = z.object({
  name: z
    .string()
    .trim()
    .refine((name) => !isBlankName(name), blankNameMessage('workflow'))
    .max(MAX_NAME_LENGTH, `Workflow names are at most ${MAX_NAME_LENGTH} characters.`),
  description: z.string().max(2000, 'Descriptions are at most 2000 characters.').nullish(),
  pattern: z.enum(Object.values(WorkflowPattern) as [string, ...string[]], { error: `Pattern must be one of ${Object.values(WorkflowPattern).join(', ')}.` }),
  runtimeId: z.string().min(1).nullish(),
  budgetUsd: usd('The workflow budget').nullish(),
  steps: z.array(z.unknown()).min(1, 'A workflow needs at least one step.').max(MAX_STEPS, `A workflow has at most ${MAX_STEPS} steps.`),
  documentIds: z.array(z.string().min(1)).max(50, 'At most 50 global documents.').nullish(),
  config: z.unknown().optional(),
  tools: toolGrants.nullish(),
});
