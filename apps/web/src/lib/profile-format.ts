import { formatCount, formatQuantity } from '@stagent/engine/format';

/** Longest system prompt excerpt shown in a hint, characters. */
const EXCERPT_MAX = 140;

/** The start of a text on one line, cut at `max` characters with an ellipsis. */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** The profile fields a step inherits. */
export interface InheritableProfile {
  name: string;
  systemPrompt: string;
  tools: readonly unknown[];
  maxTurns?: number | null;
  runtimeId?: string | null;
  modelId?: string | null;
}

/** The step's own fields that override its profile's ('' or null = none of its own). */
export interface StepOwnFields {
  runtimeId: string;
  modelId: string;
  maxTurns: number | null;
  tools: readonly unknown[];
}

/** One line of what a step takes from its profile. */
export interface InheritedLine {
  label: string;
  text: string;
  /** True when the profile's value applies (not overridden by the step, and the profile sets one). */
  fromProfile: boolean;
}

/**
 * What a step gets from its profile, field by field, in the order the engine merges them: a
 * step's own runtime, model and turns win over the profile's; its grants are read first, then the
 * profile's; the profile's system prompt is added after the step's.
 */
export function inheritedFromProfile(profile: InheritableProfile, step: StepOwnFields, runtimeLabel: (id: string) => string = (id) => id): InheritedLine[] {
  const runtime = step.runtimeId
    ? { text: `the step's own (${runtimeLabel(step.runtimeId)})`, fromProfile: false }
    : profile.runtimeId
      ? { text: runtimeLabel(profile.runtimeId), fromProfile: true }
      : { text: "the workflow's (the profile sets none)", fromProfile: false };
  const model = step.modelId
    ? { text: `the step's own (${step.modelId})`, fromProfile: false }
    : profile.modelId
      ? { text: profile.modelId, fromProfile: true }
      : { text: "the runtime's default (the profile sets none)", fromProfile: false };
  const turns =
    step.maxTurns !== null
      ? { text: `${formatCount(step.maxTurns)}, the step's own`, fromProfile: false }
      : profile.maxTurns != null
        ? { text: formatCount(profile.maxTurns), fromProfile: true }
        : { text: 'the setting runtime.maxTurns (the profile sets none)', fromProfile: false };
  const grants = profile.tools.length;
  const tools = grants
    ? { text: `${formatQuantity(grants, 'grant')}, read after the step's own${step.tools.length ? ` (${step.tools.length})` : ''}`, fromProfile: true }
    : { text: 'none from the profile', fromProfile: false };
  const prompt = profile.systemPrompt.trim()
    ? { text: `“${excerpt(profile.systemPrompt)}” (${formatQuantity(profile.systemPrompt.length, 'character')}, added to the step's)`, fromProfile: true }
    : { text: 'none', fromProfile: false };
  return [
    { label: 'Runtime', ...runtime },
    { label: 'Model', ...model },
    { label: 'Max turns', ...turns },
    { label: 'Tools', ...tools },
    { label: 'System prompt', ...prompt },
  ];
}
