import type { ToolGrant } from '../tools/tool-grants.js';

/** Longest profile name, characters (trimmed). */
export const MAX_PROFILE_NAME_LENGTH = 80;
/** Longest profile system prompt, characters: about 5,000 tokens, added to every step that uses the profile. */
export const MAX_PROFILE_SYSTEM_PROMPT_LENGTH = 20_000;
/** Longest profile description, characters (as a workflow's). */
export const MAX_PROFILE_DESCRIPTION_LENGTH = 2_000;

/**
 * An agent profile: a named preset that workflow steps reference with `profileId`. A step's own
 * fields override it (see `effective-step.ts`). Built-in profiles (`builtIn`) are read-only.
 */
export interface AgentProfileView {
  /** `general`, `researcher`, `analyst`, `writer` for the built-ins; a UUID for the user's own. */
  id: string;
  name: string;
  builtIn: boolean;
  description: string | null;
  /** Added to the system prompt of every step that uses the profile; may be empty. */
  systemPrompt: string;
  /** Grants read after the step's own and before the workflow's. */
  tools: ToolGrant[];
  /** Model turns a step may take; null = the step's, else setting `runtime.maxTurns`. */
  maxTurns: number | null;
  /** Runtime for steps without their own; null = the workflow's. */
  runtimeId: string | null;
  /** Model for steps without their own; null = the runtime's default. */
  modelId: string | null;
  /** Epoch ms. For a built-in profile, when its text last changed. */
  createdAt: number;
  updatedAt: number;
}

/** What a caller creates or replaces a profile with (the API's `AgentProfileInput`). Omitted fields are empty. */
export interface AgentProfileInput {
  name: string;
  description?: string | null;
  systemPrompt?: string | null;
  tools?: ToolGrant[] | null;
  maxTurns?: number | null;
  runtimeId?: string | null;
  modelId?: string | null;
}

/** Reads profiles by id, built-in ones included: what validation, runs and estimates need. */
export interface AgentProfileLookup {
  /** The profiles of `ids` that exist, by id. */
  profiles(ids: readonly string[]): Promise<Map<string, AgentProfileView>>;
}
