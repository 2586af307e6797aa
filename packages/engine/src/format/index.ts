/**
 * How Stagent writes durations, money and counts for people: the engine's advice and event
 * text, the CLI and the dashboard all print through these, so one amount reads the same
 * everywhere. Dependency-free and runtime-neutral (no Node APIs), so the dashboard imports it
 * in the browser as `@stagent/engine/format` without the rest of the engine.
 */
export { formatDuration } from './duration-format.js';
export { formatUsd, roundUpCents } from './money-format.js';
export { formatCount, formatPercent, formatQuantity, nounFor } from './count-format.js';
export { MISSING } from './rounding.js';
