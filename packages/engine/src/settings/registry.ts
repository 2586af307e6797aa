/**
 * The settings registry: every key with its type, default, constraints and whether a user may
 * write it. It drives both reading (`settings`) and writing (`updateSettings`).
 */
import { ErrorCode } from '../errors.js';
import { valueKind } from '../value-kind.js';
import { MAX_STEP_TURNS } from '../workflows/definition-schema.js';
import { ASSISTANT_APPROVABLE_TOOLS } from '../assistant/assistant-tool-names.js';

/** `list`: a JSON array of distinct strings, each one of `options`. */
export type SettingType = 'number' | 'integer' | 'string' | 'boolean' | 'enum' | 'list';

export interface SettingDefinition {
  key: string;
  type: SettingType;
  description: string;
  /** Value when nothing is stored (secrets: none). */
  default: unknown;
  min?: number;
  max?: number;
  options?: readonly string[];
  writable: boolean;
  /** Write-only: encrypted at rest, never returned. */
  secret: boolean;
  /** Read-only keys compute their value from the running engine. */
  readOnlyValue?: (ctx: { dataDir: string; version: string }) => unknown;
  /** Extra check for strings (URL shape...); returns a problem sentence or null. */
  check?: (value: unknown) => string | null;
}

function checkUrl(value: unknown): string | null {
  try {
    const url = new URL(String(value));
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an http:// or https:// URL';
  } catch {
    return 'must be a URL such as http://127.0.0.1:11434';
  }
}

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'budget.maxCostPerTaskUsd',
    type: 'number',
    default: null,
    min: 0.5,
    max: 50,
    writable: true,
    secret: false,
    description:
      'Cost cap for one task or workflow step when neither the step nor the workflow sets one, in USD (0.5-50). Unset: $5 for workflow steps, $2 for standalone tasks.',
  },
  {
    key: 'budget.maxTokensPerTask',
    type: 'integer',
    default: null,
    min: 1000,
    max: 500000,
    writable: true,
    secret: false,
    description: 'Token cap (input + output) for one task, in tokens (1,000-500,000). Unset: no token cap.',
  },
  {
    key: 'budget.maxDailyCostUsd',
    type: 'number',
    default: null,
    min: 1,
    max: 500,
    writable: true,
    secret: false,
    description: 'Spend cap across all tasks per UTC day, in USD (1-500). A task that reaches it stops with BUDGET_EXCEEDED. Unset: no daily cap.',
  },
  {
    key: 'budget.onCapReached',
    type: 'enum',
    default: 'pause',
    options: ['pause', 'fail'],
    writable: true,
    secret: false,
    description:
      'What a workflow step does when a cost, token or daily cap is reached. pause: it stops PAUSED after the turn that reached it, keeping its conversation; resumeWorkflowStep goes on from there (with a higher cap), so no finished turn is paid twice (the default). fail: it ends FAILED with BUDGET_EXCEEDED.',
  },
  {
    key: 'journal.maxBytesPerStep',
    type: 'integer',
    default: 8000000,
    min: 100000,
    max: 100000000,
    writable: true,
    secret: false,
    description:
      "Largest conversation one step attempt's turn journal may hold, in bytes (100 kB - 100 MB). A step whose conversation grows past it fails with a clear error rather than filling the database.",
  },
  {
    key: 'recovery.maxTakeOvers',
    type: 'integer',
    default: null,
    min: 0,
    max: 10,
    writable: true,
    secret: false,
    description:
      "What happens to a run whose driving instance died (its lease lapsed, or its process is gone), 0-10. 0: it ends FAILED / CRASHED, and resumeWorkflowStep goes on from its journal. N: another live instance, or this one after a restart, takes it over and drives it on from each running step's last journaled turn, up to N times per run; the next death ends it CRASHED. Unset (the default): 3 when instances share runs through the run queue (PostgreSQL and Redis), 0 for one instance alone.",
  },
  {
    key: 'journal.retentionDays',
    type: 'integer',
    default: 14,
    min: 1,
    max: 365,
    writable: true,
    secret: false,
    description: 'Days the turn journals of finished runs are kept (1-365); older ones are deleted. Paused and waiting steps keep theirs.',
  },
  // A step's own maxTurns has the same bound: the setting stands in for it.
  {
    key: 'runtime.maxTurns',
    type: 'integer',
    default: 10,
    min: 1,
    max: MAX_STEP_TURNS,
    writable: true,
    secret: false,
    description: `Model turns (calls) one task may use when its step does not say, 1-${MAX_STEP_TURNS}.`,
  },
  {
    key: 'runtime.timeoutMs',
    type: 'integer',
    default: 600000,
    min: 1000,
    max: 3600000,
    writable: true,
    secret: false,
    description: 'Deadline for one task, in ms (1 s - 1 h). A task still running then fails with TIMEOUT.',
  },
  {
    key: 'tools.callTimeoutMs',
    type: 'integer',
    default: 60000,
    min: 1000,
    max: 600000,
    writable: true,
    secret: false,
    description:
      'Deadline for one MCP tool call, connecting included, in ms (1 s - 10 min). A call still running then is cancelled and the model is told it timed out.',
  },
  {
    key: 'tools.maxResultChars',
    type: 'integer',
    default: 20000,
    min: 1000,
    max: 200000,
    writable: true,
    secret: false,
    description: 'Characters of a tool result a model receives (1,000 - 200,000). Longer results are cut, and the cut is said in the text.',
  },
  {
    key: 'routing.preference',
    type: 'enum',
    default: 'manual',
    options: ['cost', 'latency', 'quality', 'manual'],
    writable: true,
    secret: false,
    description: 'How the optimizer ranks runtimes when recommending one: cost, latency, quality, or manual (no preference).',
  },
  {
    key: 'routing.defaultRuntime',
    type: 'enum',
    default: null,
    options: ['claude-code', 'openai-codex-app-server', 'anthropic-direct', 'openai-direct', 'ollama', 'simulated'],
    writable: true,
    secret: false,
    description: 'Runtime used when neither the step nor the workflow names one. Unset: the first available runtime.',
  },
  {
    key: 'assistant.autoApprove',
    type: 'list',
    default: [],
    options: ASSISTANT_APPROVABLE_TOOLS,
    writable: true,
    secret: false,
    description:
      'Assistant tools that run without asking (a list of tool names). Every other tool that changes, deletes or spends (a run, a model call) waits for approval through resolveToolCall; read-only tools always run at once. Empty by default.',
  },
  {
    key: 'assistant.maxContextTokens',
    type: 'integer',
    default: 24000,
    min: 2000,
    max: 200000,
    writable: true,
    secret: false,
    description:
      'Tokens of earlier conversation the assistant sends with each message (2,000-200,000). Older messages are cut and replaced by a short summary of what was cut; the system prompt and the new message come on top.',
  },
  {
    key: 'anthropic.apiKey',
    type: 'string',
    default: null,
    writable: true,
    secret: true,
    description:
      'Anthropic API key for anthropic-direct and claude-code. Write-only; stored encrypted. ANTHROPIC_API_KEY in the environment is used when unset.',
  },
  {
    key: 'openai.apiKey',
    type: 'string',
    default: null,
    writable: true,
    secret: true,
    description:
      'OpenAI API key for openai-direct and openai-codex-app-server. Write-only; stored encrypted. OPENAI_API_KEY in the environment is used when unset.',
  },
  {
    key: 'ollama.baseUrl',
    type: 'string',
    default: 'http://127.0.0.1:11434',
    writable: true,
    secret: false,
    check: checkUrl,
    description: 'Base URL of the local Ollama server.',
  },
  {
    key: 'system.dataDir',
    type: 'string',
    default: null,
    writable: false,
    secret: false,
    readOnlyValue: (c) => c.dataDir,
    description: 'Directory holding the database and the secret key (STAGENT_DATA_DIR). Read-only: set it in the environment.',
  },
  {
    key: 'system.version',
    type: 'string',
    default: null,
    writable: false,
    secret: false,
    readOnlyValue: (c) => c.version,
    description: 'Stagent version. Read-only.',
  },
];

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));

/** The definition of a key, or undefined when the key is not in the registry. */
export function settingDefinition(key: string): SettingDefinition | undefined {
  return byKey.get(key);
}

/** Why a value does not fit its setting: a code for programs and a sentence for people. */
export interface SettingProblem {
  code: ErrorCode;
  message: string;
}

/**
 * Checks one value against its definition; returns the problem or null. `null` means "unset".
 * A value of the wrong kind (a string for a number) is WRONG_TYPE; a number outside the key's
 * range, or one too large to be finite, is OUT_OF_RANGE; anything else that does not fit is
 * INVALID_VALUE.
 */
export function validateSettingValue(def: SettingDefinition, value: unknown): SettingProblem | null {
  if (value === null || value === undefined) return null;
  const wrongType = (expected: string): SettingProblem => ({ code: ErrorCode.WRONG_TYPE, message: `${def.key} must be ${expected}; got ${valueKind(value)}.` });
  const problem = (code: ErrorCode, message: string): SettingProblem => ({ code, message });
  switch (def.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || Number.isNaN(value)) return wrongType(def.type === 'integer' ? 'a whole number' : 'a number');
      if (!Number.isFinite(value))
        return problem(ErrorCode.OUT_OF_RANGE, `${def.key} must be between ${def.min} and ${def.max}; the number given is too large to represent.`);
      if (def.type === 'integer' && !Number.isInteger(value)) return problem(ErrorCode.INVALID_VALUE, `${def.key} must be a whole number.`);
      if ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))
        return problem(ErrorCode.OUT_OF_RANGE, `${def.key} must be between ${def.min} and ${def.max}; got ${value}.`);
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : wrongType('true or false');
    case 'enum':
      if (typeof value !== 'string') return wrongType(`one of ${def.options!.join(', ')}`);
      return def.options!.includes(value)
        ? null
        : problem(ErrorCode.INVALID_VALUE, `${def.key} must be one of ${def.options!.join(', ')}; got ${JSON.stringify(value)}.`);
    case 'list': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return wrongType(`a list of names out of ${def.options!.join(', ')}`);
      const unknown = value.filter((v) => !def.options!.includes(v as string));
      if (unknown.length)
        return problem(
          ErrorCode.INVALID_VALUE,
          `${def.key} takes only ${def.options!.join(', ')}; ${unknown.map((v) => JSON.stringify(v)).join(', ')} is not one.`,
        );
      return new Set(value).size === value.length ? null : problem(ErrorCode.INVALID_VALUE, `${def.key} lists a name twice.`);
    }
    case 'string': {
      if (typeof value !== 'string') return wrongType('a string');
      if (value.trim() === '') return problem(ErrorCode.INVALID_VALUE, `${def.key} must be a non-empty string.`);
      const invalid = def.check?.(value);
      return invalid ? problem(ErrorCode.INVALID_VALUE, `${def.key} ${invalid}.`) : null;
    }
  }
}
