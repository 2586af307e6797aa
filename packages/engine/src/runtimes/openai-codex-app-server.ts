import { unavailableResult, type CliProbeOptions } from './agent-cli-probe.js';
import { runCodexSession } from './codex-app-server-session.js';
import { CODEX_PACKAGE, checkCodexStarts, findCodexCli, type CodexCommand } from './codex-cli.js';
import { modelsFor } from './model-catalog.js';
import { envBaseUrl, resolveApiKey, retryPolicyOf, type ProviderRuntimeOptions } from './provider-config.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

export { CODEX_PACKAGE } from './codex-cli.js';

/** The OpenAI API when `OPENAI_BASE_URL` is not set. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * `openai-codex-app-server`: the OpenAI Codex agent through `codex app-server` (JSON-RPC over
 * stdio), one app server per task (`codex-app-server-session.ts`). `@openai/codex` is optional:
 * without it the runtime is listed with `available: false` and the install command; installed
 * but not starting, the reason says why. It needs an OpenAI key (`openai.apiKey` or
 * `OPENAI_API_KEY`) and honours `OPENAI_BASE_URL`, both handed to the CLI as `-c` overrides and
 * one environment variable, never through the user's Codex configuration.
 */
export class OpenAICodexAppServerRuntime implements RuntimeAdapter {
  readonly id = 'openai-codex-app-server' as const;
  /** No: Codex runs the agent loop and keeps the conversation (an ephemeral thread in a temporary CODEX_HOME). */
  readonly resumesFromJournal = false;

  constructor(private readonly opts: ProviderRuntimeOptions & CliProbeOptions) {}

  private async unavailableReason(cli: CodexCommand | undefined, key: string | undefined): Promise<string | null> {
    if (!cli)
      return `The Codex CLI is not installed: no ${CODEX_PACKAGE} package, no STAGENT_CODEX_BIN or STAGENT_CODEX_PACKAGE, and no \`codex\` on PATH (optional: it ships a ~400 MB native binary). Install it with \`pnpm --filter @stagent/engine add ${CODEX_PACKAGE}\` (or \`npm i -g ${CODEX_PACKAGE}\`), or use openai-direct.`;
    const started = await checkCodexStarts(cli);
    if (!started.ok) return `The Codex CLI cannot start: ${started.reason}. Reinstall ${CODEX_PACKAGE} or point STAGENT_CODEX_BIN at a working \`codex\`.`;
    if (!key) return 'No OpenAI API key: set the openai.apiKey setting or OPENAI_API_KEY in the environment.';
    return null;
  }

  async describe(): Promise<RuntimeDescriptor> {
    const reason = await this.unavailableReason(await findCodexCli(this.opts), await resolveApiKey(this.opts, 'openai.apiKey', 'OPENAI_API_KEY'));
    return {
      id: this.id,
      label: 'OpenAI Codex (app server)',
      provider: 'openai',
      description:
        'OpenAI Codex agent through `codex app-server` (JSON-RPC), with Stagent tools over MCP. Each task runs in a fresh temporary folder (or the folder its step names in workingDirectory) with a read-only sandbox: Codex may read files and run read-only commands there, and its requests to write or go beyond the sandbox are declined. Optional: not part of the default install.',
      available: reason === null,
      unavailableReason: reason,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'documents', 'cancel'],
    };
  }

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    const cli = await findCodexCli(this.opts);
    const apiKey = await resolveApiKey(this.opts, 'openai.apiKey', 'OPENAI_API_KEY');
    if (!cli || !apiKey || !(await checkCodexStarts(cli)).ok) return unavailableResult(await this.describe());
    return runCodexSession(request, hooks, {
      clock: this.opts.clock,
      command: cli.command,
      commandArgs: cli.args,
      apiKey,
      baseUrl: envBaseUrl(this.opts, 'OPENAI_BASE_URL') ?? OPENAI_BASE_URL,
      env: this.opts.env ?? process.env,
      retry: retryPolicyOf(this.opts),
      random: this.opts.random,
    });
  }
}
