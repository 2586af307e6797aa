import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default data directory as help texts and READMEs write it. */
export const DEFAULT_DATA_DIR_LABEL = '~/.stagent';

/**
 * The data directory (the database `stagent.sqlite` and the secret key): `STAGENT_DATA_DIR` when
 * set, else `~/.stagent`. Every entry point uses this one default (`pnpm start`, `stagent serve`,
 * every other `stagent` command), so what one writes the others read, whatever the working
 * directory. It lives in the home directory rather than in the clone so that it survives a fresh
 * clone or `git clean`, and the secret key stays out of the source tree.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STAGENT_DATA_DIR?.trim() || join(homedir(), '.stagent');
}
