import { unavailableResult, type CliProbeOptions } from './agent-cli-probe.js';
import { runClaudeCodeSession, type ClaudeAgentSdk } from './claude-code-session.js';
import { modelsFor } from './model-catalog.js';
import { envBaseUrl, resolveApiKey, retryPolicyOf, type ProviderRuntimeOptions } from './provider-config.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/** The optional package this runtime needs. */
export const CLAUDE_AGENT_SDK = '@anthropic-ai/claude-agent-sdk';

/**
 * `claude-code`: Claude Code through the Claude Agent SDK (`query()`, which runs the CLI as a
 * subprocess). The SDK is optional (it ships a ~384 MB native binary): without it the runtime
 * is listed with `available: false` and the install command. With it, it needs an Anthropic key
 * (`anthropic.apiKey` or `ANTHROPIC_API_KEY`) and honours `ANTHROPIC_BASE_URL`, passed to the CLI
 * through the SDK's `env` option.
 */
export class ClaudeCodeRuntime implements RuntimeAdapter {
  readonly id = 'claude-code' as const;
  /**
   * No: the CLI runs the agent loop and keeps the conversation, and we start it with
   * persistSession false so that no transcript (documents, tool results) lands in its files
   * outside our database; a session file would also live only on the machine that ran the step.
   */
  readonly resumesFromJournal = false;

  constructor(private readonly opts: ProviderRuntimeOptions & CliProbeOptions) {}

  /** The SDK module, or undefined when it is not installed. */
  private async loadSdk(): Promise<ClaudeAgentSdk | undefined> {
    const load = this.opts.importModule ?? ((s: string) => import(s));
    try {
      const mod = (await load(CLAUDE_AGENT_SDK)) as Partial<ClaudeAgentSdk>;
      return typeof mod.query === 'function' && typeof mod.tool === 'function' ? (mod as ClaudeAgentSdk) : undefined;
    } catch {
      return undefined;
    }
  }

  private async unavailableReason(sdk: ClaudeAgentSdk | undefined, key: string | undefined): Promise<string | null> {
    if (!sdk)
      return `${CLAUDE_AGENT_SDK} is not installed (optional: it ships a ~384 MB native binary). Install it with \`pnpm --filter @stagent/engine add ${CLAUDE_AGENT_SDK}\`, or use anthropic-direct.`;
    if (!key) return 'No Anthropic API key: set the anthropic.apiKey setting or ANTHROPIC_API_KEY in the environment.';
    return null;
  }

  async describe(): Promise<RuntimeDescriptor> {
    const reason = await this.unavailableReason(await this.loadSdk(), await resolveApiKey(this.opts, 'anthropic.apiKey', 'ANTHROPIC_API_KEY'));
    return {
      id: this.id,
      label: 'Claude Code',
      provider: 'anthropic',
      description: 'Claude Code agent through the Claude Agent SDK, with Stagent tools over MCP. Optional: not part of the default install.',
      available: reason === null,
      unavailableReason: reason,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'documents', 'cancel'],
    };
  }

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    const sdk = await this.loadSdk();
    const apiKey = await resolveApiKey(this.opts, 'anthropic.apiKey', 'ANTHROPIC_API_KEY');
    if (!sdk || !apiKey) return unavailableResult(await this.describe());
    return runClaudeCodeSession(sdk, request, hooks, {
      clock: this.opts.clock,
      apiKey,
      baseUrl: envBaseUrl(this.opts, 'ANTHROPIC_BASE_URL'),
      env: this.opts.env ?? process.env,
      maxRetries: retryPolicyOf(this.opts).maxAttempts - 1,
    });
  }
}
