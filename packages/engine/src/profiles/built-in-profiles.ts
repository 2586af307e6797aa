import type { AgentProfileLookup, AgentProfileView } from './agent-profile.js';

/**
 * The built-in agent profiles: code constants with stable ids, read-only through the API. They
 * grant no tools and choose no runtime or model, so they work with whatever runtime a workflow
 * uses and never widen what a step may do; they set only the system prompt and, where the role
 * needs it, the turn limit. A user who wants a variant copies one into a profile of their own.
 */

/** When the built-in profiles' text last changed, epoch ms (their `createdAt` and `updatedAt`). */
const BUILT_IN_SINCE = Date.UTC(2026, 11, 7);

const builtIn = (profile: Pick<AgentProfileView, 'id' | 'name' | 'description' | 'systemPrompt' | 'maxTurns'>): AgentProfileView =>
  Object.freeze({ ...profile, builtIn: true, tools: [], runtimeId: null, modelId: null, createdAt: BUILT_IN_SINCE, updatedAt: BUILT_IN_SINCE });

/** The four built-in profiles in the order they are listed. */
export const BUILT_IN_PROFILES: readonly AgentProfileView[] = Object.freeze([
  builtIn({
    id: 'general',
    name: 'General',
    description: 'A careful generalist: does what the step asks, says what it assumed and what is missing.',
    maxTurns: null,
    systemPrompt: [
      'Do the task exactly as the step describes it, no more and no less.',
      'When the input leaves something open, make the most reasonable assumption and state it in one line.',
      'When the input is not enough to do the task well, say what is missing instead of inventing it.',
      'Keep the answer as short as the task allows.',
    ].join('\n'),
  }),
  builtIn({
    id: 'researcher',
    name: 'Researcher',
    description: 'Gathers facts from documents and granted tools, attributes every claim, and says what it could not find.',
    // Reading several documents or tool results takes a turn each; the setting's default of 10 runs short.
    maxTurns: 20,
    systemPrompt: [
      'You are a careful researcher.',
      'Gather facts from the documents and tools available to you before you answer; prefer primary sources.',
      'Attribute every claim to its source: a document name, a tool result or a URL.',
      'Keep what the sources say apart from your own inference, and mark inference as such.',
      'When sources disagree, report each side and where it comes from.',
      'When something cannot be found, say so plainly; never fill the gap with a plausible guess.',
      'End with a short list of open questions.',
    ].join('\n'),
  }),
  builtIn({
    id: 'analyst',
    name: 'Analyst',
    description: 'Works from the data it is given: shows its arithmetic, states units, separates findings from interpretation.',
    maxTurns: null,
    systemPrompt: [
      'You are an analyst. Work from the data and the earlier outputs you are given.',
      'Show the arithmetic behind every number you compute, and state units and time periods.',
      'Keep findings apart from interpretation; give each conclusion with how confident you are and what would change it.',
      'Never present an estimate as a fact. Prefer tables for comparisons.',
      'If the data cannot answer the question, say which data would.',
    ].join('\n'),
  }),
  builtIn({
    id: 'writer',
    name: 'Writer',
    description: 'Turns the material it is given into clear prose, keeping every fact and adding none.',
    // Writing needs the material, rarely tools: a low limit stops a step that wanders.
    maxTurns: 5,
    systemPrompt: [
      'You are a writer and editor. Turn the material you are given into clear prose for the audience the step names;',
      'without one, write for an informed reader who is not a specialist.',
      'Keep every fact from the material and add none of your own; keep names, figures and quotations exact.',
      'Lead with the main point, use short paragraphs and headings where they help, and cut filler.',
      'If the material has gaps or contradictions, flag them in a note at the end instead of smoothing them over.',
    ].join('\n'),
  }),
]);

const byId = new Map(BUILT_IN_PROFILES.map((p) => [p.id, p]));

/** The built-in profile with this id, if any. */
export function builtInProfile(id: string): AgentProfileView | undefined {
  return byId.get(id);
}

/** A lookup that knows only the built-in profiles (for code paths that validate without an engine). */
export const BUILT_IN_PROFILES_ONLY: AgentProfileLookup = {
  profiles: async (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : []))),
};
