import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, StagentError } from '../errors.js';

/**
 * AES-256-GCM for secret settings. The key comes from `STAGENT_SECRET_KEY` (64 hex chars) or
 * from `secret.key` in the data directory, created with mode 0600 on first use.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Loads or creates the key for a data directory (`:memory:` gets a throwaway key). */
  static forDataDir(dataDir: string): SecretBox {
    const fromEnv = process.env.STAGENT_SECRET_KEY;
    if (fromEnv && /^[0-9a-f]{64}$/i.test(fromEnv)) return new SecretBox(Buffer.from(fromEnv, 'hex'));
    if (dataDir === ':memory:') return new SecretBox(randomBytes(32));
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || !body) throw new StagentError(ErrorCode.INVALID_VALUE, 'A stored secret is not in the v1 format; set it again.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
