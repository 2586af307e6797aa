import { test as base, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { artifactsDir } from './database';

/** Saves a full-page screenshot as a test artifact (e2e/artifacts/<name>.png; e2e/artifacts/postgres/ in the PostgreSQL pass). */
export async function snapshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir(), `${name}.png`), fullPage: true });
}

/** Presses Tab until `target` has focus (at most `max` presses): proves it is reachable by keyboard. */
export async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Not reachable with Tab in ${max} presses: ${target}`);
}

export const test = base;
export { expect };
