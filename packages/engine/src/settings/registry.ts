/**
 * The settings registry: every key with its type, default, constraints and whether a user may
 * write it. It drives both reading (`settings`) and writing (`updateSettings`).
 */
import { MAX_STEP_TURNS } from '../workflows/definition-schema.js';

export type SettingType = 'number' | 'integer' | 'string' | 'boolean' | 'enum';

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
  { key: 'budget.maxCostPerTaskUsd', type: 'number', default: null, min: 0.5, max: 50, writable: true, secret: false,
    description: 'Cost cap for one task or workflow step when neither the step nor the workflow sets one, in USD (0.5-50). Unset: $5 for workflow steps, $2 for standalone tasks.' },
  { key: 'budget.maxTokensPerTask', type: 'integer', default: null, min: 1000, max: 500000, writable: true, secret: false,
    description: 'Token cap (input + output) for one task, in tokens (1,000-500,000). Unset: no token cap.' },
  { key: 'budget.maxDailyCostUsd', type: 'number', default: null, min: 1, max: 500, writable: true, secret: false,
    description: 'Spend cap across all tasks per UTC day, in USD (1-500). A task that reaches it stops with BUDGET_EXCEEDED. Unset: no daily cap.' },
  // A step's own maxTurns has the same bound: the setting stands in for it.
  { key: 'runtime.maxTurns', type: 'integer', default: 10, min: 1, max: MAX_STEP_TURNS, writable: true, secret: false,
    description: `Model turns (calls) one task may use when its step does not say, 1-${MAX_STEP_TURNS}.` },
  { key: 'runtime.timeoutMs', type: 'integer', default: 600000, min: 1000, max: 3600000, writable: true, secret: false,
    description: 'Deadline for one task, in ms (1 s - 1 h). A task still running then fails with TIMEOUT.' },
  { key: 'routing.preference', type: 'enum', default: 'manual', options: ['cost', 'latency', 'quality', 'manual'], writable: true, secret: false,
    description: 'How the optimizer ranks runtimes when recommending one: cost, latency, quality, or manual (no preference).' },
  { key: 'routing.defaultRuntime', type: 'enum', default: null, options: ['claude-code', 'openai-codex-app-server', 'anthropic-direct', 'openai-direct', 'ollama', 'simulated'], writable: true, secret: false,
    description: 'Runtime used when neither the step nor the workflow names one. Unset: the first available runtime.' },
  { key: 'anthropic.apiKey', type: 'string', default: null, writable: true, secret: true,
    description: 'Anthropic API key for anthropic-direct and claude-code. Write-only; stored encrypted. ANTHROPIC_API_KEY in the environment is used when unset.' },
  { key: 'openai.apiKey', type: 'string', default: null, writable: true, secret: true,
    description: 'OpenAI API key for openai-direct and openai-codex-app-server. Write-only; stored encrypted. OPENAI_API_KEY in the environment is used when unset.' },
  { key: 'ollama.baseUrl', type: 'string', default: 'http://127.0.0.1:11434', writable: true, secret: false, check: checkUrl,
    description: 'Base URL of the local Ollama server.' },
  { key: 'system.dataDir', type: 'string', default: null, writable: false, secret: false, readOnlyValue: (c) => c.dataDir,
    description: 'Directory holding the database and the secret key (STAGENT_DATA_DIR). Read-only: set it in the environment.' },
  { key: 'system.version', type: 'string', default: null, writable: false, secret: false, readOnlyValue: (c) => c.version,
    description: 'Stagent version. Read-only.' },
];

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));

/** The definition of a key, or undefined when the key is not in the registry. */
export function settingDefinition(key: string): SettingDefinition | undefined {
  return byKey.get(key);
}

/** Checks one value against its definition; returns a problem sentence or null. `null` means "unset". */
export function validateSettingValue(def: SettingDefinition, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (def.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${def.key} must be a number.`;
      if (def.type === 'integer' && !Number.isInteger(value)) return `${def.key} must be a whole number.`;
      if ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))
        return `${def.key} must be between ${def.min} and ${def.max}; got ${value}.`;
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : `${def.key} must be true or false.`;
    case 'enum':
      return typeof value === 'string' && def.options!.includes(value) ? null : `${def.key} must be one of ${def.options!.join(', ')}; got ${JSON.stringify(value)}.`;
    case 'string': {
      if (typeof value !== 'string' || value.trim() === '') return `${def.key} must be a non-empty string.`;
      const problem = def.check?.(value);
      return problem ? `${def.key} ${problem}.` : null;
    }
  }
}
