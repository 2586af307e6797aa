import type { UserError } from '$lib/services/operation';
import type { AgentProfileInput } from '$lib/graphql/profiles';
import { grantDrafts, grantInputs, pathOf, type GrantDraft, type GrantsForm, type ToolApproval } from './workflow-form.svelte';

/** What the API takes (agent-profile.ts in the engine); the form counts against these, the server decides. */
export const PROFILE_NAME_MAX = 80;
export const PROFILE_SYSTEM_PROMPT_MAX = 20_000;
export const PROFILE_TURNS_MIN = 1;
export const PROFILE_TURNS_MAX = 50;

/** The fields of a profile the form starts from (a stored profile, or a built-in one being copied). */
export interface ProfileLike {
  name: string;
  description?: string | null;
  systemPrompt: string;
  tools: readonly { tool: string; approval: ToolApproval }[];
  maxTurns?: number | null;
  runtimeId?: string | null;
  modelId?: string | null;
}

/** The name a copy of a profile gets: "<name> (copy)", cut so it stays within the limit. */
export function copyName(name: string): string {
  const suffix = ' (copy)';
  return `${name.slice(0, PROFILE_NAME_MAX - suffix.length).trimEnd()}${suffix}`;
}

/**
 * The agent profile form: the fields as typed (max turns as text), the server's `UserError`s by
 * field path, and the grant list operations the grants editor uses.
 */
export class ProfileForm implements GrantsForm {
  name = $state('');
  description = $state('');
  systemPrompt = $state('');
  tools = $state<GrantDraft[]>([]);
  maxTurns = $state('');
  runtimeId = $state('');
  modelId = $state('');
  errors = $state<UserError[]>([]);

  constructor(initial?: ProfileLike | null) {
    if (initial) this.load(initial);
  }

  /** Fills every field from a profile (errors cleared). */
  load(profile: ProfileLike): void {
    this.name = profile.name;
    this.description = profile.description ?? '';
    this.systemPrompt = profile.systemPrompt;
    this.tools = grantDrafts(profile.tools);
    this.maxTurns = profile.maxTurns != null ? String(profile.maxTurns) : '';
    this.runtimeId = profile.runtimeId ?? '';
    this.modelId = profile.modelId ?? '';
    this.errors = [];
  }

  /** Empties every field (after a profile was created). */
  reset(): void {
    this.load({ name: '', systemPrompt: '', tools: [] });
  }

  /** Characters of the system prompt, counted as the API counts them. */
  get promptLength(): number {
    return this.systemPrompt.length;
  }

  get promptTooLong(): boolean {
    return this.promptLength > PROFILE_SYSTEM_PROMPT_MAX;
  }

  /**
   * Problems found before anything is sent, where the request itself would fail rather than come
   * back with errors on fields: turns that are no whole number (the API reads an `Int`), a system
   * prompt over the limit (the request's own text limit is not far above it).
   */
  check(): UserError[] {
    const problems: UserError[] = [];
    const turns = this.maxTurns.trim();
    if (turns && !/^[+-]?\d{1,9}$/.test(turns))
      problems.push({
        field: ['maxTurns'],
        code: 'WRONG_TYPE',
        message: `Enter a whole number of turns from ${PROFILE_TURNS_MIN} to ${PROFILE_TURNS_MAX}, or leave it empty.`,
      });
    if (this.promptTooLong)
      problems.push({
        field: ['systemPrompt'],
        code: 'OUT_OF_RANGE',
        message: `A profile's system prompt is at most ${PROFILE_SYSTEM_PROMPT_MAX.toLocaleString('en-US')} characters: remove ${(this.promptLength - PROFILE_SYSTEM_PROMPT_MAX).toLocaleString('en-US')}.`,
      });
    return problems;
  }

  /** The GraphQL input for create and update (a replace: what is empty here is empty afterwards). */
  toInput(): AgentProfileInput {
    const turns = this.maxTurns.trim();
    return {
      name: this.name.trim(),
      description: this.description.trim() || null,
      systemPrompt: this.systemPrompt,
      tools: grantInputs(this.tools),
      maxTurns: turns ? Number.parseInt(turns, 10) : null,
      runtimeId: this.runtimeId || null,
      modelId: this.modelId || null,
    };
  }

  errorFor(path: string): string | undefined {
    return this.errors.find((e) => pathOf(e) === path)?.message;
  }

  addGrant(list: GrantDraft[], approval: ToolApproval = 'ASK'): void {
    list.push({ tool: '', approval });
  }

  removeGrant(list: GrantDraft[], index: number): void {
    list.splice(index, 1);
  }

  moveGrant(list: GrantDraft[], index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= list.length) return;
    const [grant] = list.splice(index, 1);
    list.splice(to, 0, grant);
  }
}
