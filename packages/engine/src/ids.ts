import { randomFillSync } from 'node:crypto';

/**
 * A new id: a UUID version 7 (RFC 9562), i.e. a millisecond timestamp followed by random bits.
 * Ids are opaque strings everywhere in the engine; being time-ordered only helps the database:
 * new rows land at the end of each primary-key index instead of on a random page, so a
 * transaction that inserts fifty events dirties a few index pages, not fifty (measured in
 * `bench/`: random v4 ids made every commit write several times more WAL).
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else {
    // Same (or an earlier, if the clock stepped back) millisecond: keep ids increasing with a
    // 12-bit counter, borrowing the next millisecond when it runs out.
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
    ms = lastMs;
  }
  const random = randomBytes(8);
  const hex = ms.toString(16).padStart(12, '0');
  const variantAndRandom = ((random[0]! & 0x3f) | 0x80).toString(16) + random.toString('hex', 1, 8);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${variantAndRandom.slice(0, 4)}-${variantAndRandom.slice(4)}`;
}

let lastMs = -1;
let counter = 0;

/** Random bytes served from a pool refilled 4 KiB at a time (one system call per 512 ids). */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytes(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
}
