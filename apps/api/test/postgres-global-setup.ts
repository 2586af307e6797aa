/** The PostgreSQL pass's global setup: names this run's databases, and drops them all at the end. */
import { randomBytes } from 'node:crypto';
import { dropTestRunDatabases } from '@stagent/engine/testing';

export default function setup(): () => Promise<void> {
  // Inherited by every test process (and the CLIs they start): their databases share this prefix.
  process.env.STAGENT_TEST_RUN_ID ??= `r${randomBytes(4).toString('hex')}`;
  return async () => {
    await dropTestRunDatabases();
  };
}
