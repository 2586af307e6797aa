import type { ClassifiedFailure } from '../../runtimes/failure-category.js';
import type { ModelCallUsage, RuntimeHooks, UsageVerdict } from '../../runtimes/runtime.js';

/** Everything an adapter reported, in order. */
export interface RecordedHooks extends RuntimeHooks {
  /** Each hook call as `kind` plus payload, in order. */
  readonly calls: { kind: 'turn' | 'delta' | 'toolStart' | 'toolFinish' | 'usage' | 'retry'; value: unknown }[];
  readonly turns: number[];
  readonly usages: ModelCallUsage[];
  readonly retries: { attempt: number; delayMs: number; failure: ClassifiedFailure }[];
  readonly tools: { name: string; input?: unknown; result?: string; isError?: boolean }[];
  /** Streamed text, concatenated. */
  text(): string;
}

/**
 * Hooks that record every call an adapter makes: the boundary between a runtime and the
 * engine. `verdict` decides each `onUsage` answer (default: keep going); `onDelta` lets a test
 * act mid-stream (e.g. cancel).
 */
export function recordingHooks(
  opts: { verdict?: (usage: ModelCallUsage, call: number) => UsageVerdict; onDelta?: (text: string) => void } = {},
): RecordedHooks {
  const calls: RecordedHooks['calls'] = [];
  const turns: number[] = [];
  const usages: ModelCallUsage[] = [];
  const retries: RecordedHooks['retries'] = [];
  const tools: RecordedHooks['tools'] = [];
  let text = '';
  return {
    calls,
    turns,
    usages,
    retries,
    tools,
    text: () => text,
    onTurnStart(turn) {
      turns.push(turn);
      calls.push({ kind: 'turn', value: turn });
    },
    onOutputDelta(delta) {
      text += delta;
      calls.push({ kind: 'delta', value: delta });
      opts.onDelta?.(delta);
    },
    onToolStart({ name, input }) {
      tools.push({ name, input });
      calls.push({ kind: 'toolStart', value: { name, input } });
    },
    onToolFinish({ name }, result, status) {
      const isError = status !== 'SUCCEEDED';
      const open = [...tools].reverse().find((t) => t.name === name && t.result === undefined);
      if (open) Object.assign(open, { result, isError });
      calls.push({ kind: 'toolFinish', value: { name, result, isError } });
    },
    async onUsage(usage) {
      usages.push(usage);
      calls.push({ kind: 'usage', value: usage });
      return opts.verdict?.(usage, usages.length) ?? { stop: false };
    },
    onRetry(info) {
      retries.push(info);
      calls.push({ kind: 'retry', value: info });
    },
  };
}
