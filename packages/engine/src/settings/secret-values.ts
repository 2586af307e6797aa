import { SETTINGS } from './registry.js';
import type { SettingsSystem } from './settings-system.js';

/** Environment variables holding credentials, by name: `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `STAGENT_API_TOKEN`, `*_SECRET`... */
const CREDENTIAL_VARIABLE = /(API_?KEY|TOKEN|SECRET|PASSWORD)$/i;

/**
 * Every secret value the engine is configured with: the secret settings (`anthropic.apiKey`,
 * `openai.apiKey`, decrypted) and the environment's credential variables. Provider messages
 * are redacted against this list (runtimes/secret-redaction.ts).
 */
export class SecretValues {
  constructor(
    private readonly settings: SettingsSystem,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async list(): Promise<string[]> {
    const values: string[] = [];
    for (const def of SETTINGS) {
      if (!def.secret) continue;
      const value = await this.settings.get(def.key);
      if (typeof value === 'string' && value.trim()) values.push(value.trim());
    }
    for (const [name, value] of Object.entries(this.env)) {
      if (value && value.trim() && CREDENTIAL_VARIABLE.test(name)) values.push(value.trim());
    }
    return values;
  }
}
