import { SETTINGS } from './registry.js';
import type { SettingsSystem } from './settings-system.js';

/** Environment variables holding credentials, by name: `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `STAGENT_API_TOKEN`, `*_SECRET`... */
const CREDENTIAL_VARIABLE = /(API_?KEY|TOKEN|SECRET|PASSWORD)$/i;

/**
 * Every secret value the engine is configured with: the secret settings (`anthropic.apiKey`,
 * `openai.apiKey`, decrypted), the environment's credential variables and the MCP servers'
 * env and header values. Provider messages and tool results are redacted against this list
 * (runtimes/secret-redaction.ts).
 */
export class SecretValues {
  /**
   * The environment's credentials, read once: walking `process.env` goes through Node's
   * native accessors for every variable (about a tenth of a millisecond), and the list is
   * needed by every task. The SDKs read their keys from the environment at start-up too.
   */
  private readonly fromEnvironment: readonly string[];

  constructor(
    private readonly settings: SettingsSystem,
    env: NodeJS.ProcessEnv = process.env,
    /** Further configured secrets (the env and header values of registered MCP servers). */
    private readonly more: () => Promise<readonly string[]> = async () => [],
  ) {
    this.fromEnvironment = Object.entries(env)
      .filter(([name, value]) => value && value.trim() && CREDENTIAL_VARIABLE.test(name))
      .map(([, value]) => value!.trim());
  }

  async list(): Promise<string[]> {
    const values: string[] = [];
    for (const def of SETTINGS) {
      if (!def.secret) continue;
      const value = await this.settings.get(def.key);
      if (typeof value === 'string' && value.trim()) values.push(value.trim());
    }
    return [...values, ...this.fromEnvironment, ...(await this.more())];
  }
}
