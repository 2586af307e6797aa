import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** bench/results.json at the repository root: one flat object of named numbers, merged by every package's benchmark. */
export const RESULTS_FILE = join(import.meta.dirname, '../../../../bench/results.json');

export function mergeResults(figures: Record<string, number>): void {
  const current = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, number>) : {};
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify({ ...current, ...figures }, null, 2) + '\n');
}
