import { packageInstalled, unavailableResult, type CliProbeOptions } from './agent-cli-probe.js';
import { modelsFor } from './model-catalog.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/** The optional package this runtime needs. */
export const CLAUDE_AGENT_SDK = '@anthropic-ai/claude-agent-sdk';

/**
 * `claude-code`: Claude Code through the Claude Agent SDK. Listed in the catalog but never
 * available in this build: when the SDK is absent the reason says how to install it; when it
 * is present the reason says Stagent does not drive it yet (Claude runs through
 * `anthropic-direct` meanwhile). `run()` makes no call and fails with that reason.
 */
export class ClaudeCodeRuntime implements RuntimeAdapter {
  readonly id = 'claude-code' as const;

  constructor(private readonly opts: CliProbeOptions = {}) {}

  async describe(): Promise<RuntimeDescriptor> {
    const installed = await packageInstalled(CLAUDE_AGENT_SDK, this.opts);
    return {
      id: this.id,
      label: 'Claude Code',
      provider: 'anthropic',
      description: 'Claude Code agent (file edits, shell, MCP) through the Claude Agent SDK. Optional: not part of the default install.',
      available: false,
      unavailableReason: installed
        ? `${CLAUDE_AGENT_SDK} is installed, but this Stagent build does not drive it yet; use anthropic-direct for Claude models.`
        : `${CLAUDE_AGENT_SDK} is not installed (optional: it ships a ~384 MB native binary). Install it with \`pnpm --filter @stagent/engine add ${CLAUDE_AGENT_SDK}\`, or use anthropic-direct.`,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'cancel'],
    };
  }

  async run(_request: RuntimeRequest, _hooks: RuntimeHooks): Promise<RuntimeResult> {
    return unavailableResult(await this.describe());
  }
}
