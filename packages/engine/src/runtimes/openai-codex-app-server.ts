import { findOnPath, packageInstalled, unavailableResult, type CliProbeOptions } from './agent-cli-probe.js';
import { modelsFor } from './model-catalog.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/** The optional package that ships the `codex` binary. */
export const CODEX_PACKAGE = '@openai/codex';

/**
 * `openai-codex-app-server`: OpenAI Codex over `codex app-server` (JSON-RPC). Listed in the
 * catalog but never available in this build: the reason says whether the `codex` CLI is missing
 * or present but not driven yet (OpenAI models run through `openai-direct` meanwhile).
 */
export class OpenAICodexAppServerRuntime implements RuntimeAdapter {
  readonly id = 'openai-codex-app-server' as const;
  readonly resumesFromJournal = false;

  constructor(private readonly opts: CliProbeOptions = {}) {}

  async describe(): Promise<RuntimeDescriptor> {
    const onPath = await findOnPath('codex', this.opts);
    const installed = onPath !== undefined || (await packageInstalled(CODEX_PACKAGE, this.opts));
    return {
      id: this.id,
      label: 'OpenAI Codex (app server)',
      provider: 'openai',
      description: 'OpenAI Codex agent through `codex app-server` (JSON-RPC), with resumable threads. Optional: not part of the default install.',
      available: false,
      unavailableReason: installed
        ? `The codex CLI is installed${onPath ? ` (${onPath})` : ''}, but this Stagent build does not drive \`codex app-server\` yet; use openai-direct for OpenAI models.`
        : `The codex CLI is not installed: no \`codex\` on PATH and no ${CODEX_PACKAGE} package (optional: it ships a ~404 MB native binary). Install it with \`pnpm --filter @stagent/engine add ${CODEX_PACKAGE}\`, or use openai-direct.`,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'cancel'],
    };
  }

  async run(_request: RuntimeRequest, _hooks: RuntimeHooks): Promise<RuntimeResult> {
    return unavailableResult(await this.describe());
  }
}
