import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import { ResolveToolCallMutation, type ToolCall } from '$lib/graphql/tools';
import { runMutation } from './operation';

/** What became of a decision: the call as it stands now, or `gone` when it no longer waits (decided elsewhere, or its run ended). */
export type ToolCallDecision = { ok: true; toolCall: ToolCall } | { ok: false; gone: boolean };

/** Approves or denies a call that waits for approval; the comment is kept with the call (and told to the model on a denial). */
export async function resolveToolCall(client: Client, call: Pick<ToolCall, 'id' | 'toolName'>, approved: boolean, comment: string): Promise<ToolCallDecision> {
  const outcome = await runMutation(client, ResolveToolCallMutation, { id: call.id, approved, comment: comment.trim() || null });
  const toolCall = outcome.data?.resolveToolCall.toolCall;
  if (!outcome.ok || !toolCall) {
    const error = outcome.errors[0];
    const gone = error?.code === 'NOT_APPLICABLE' || error?.code === 'NOT_FOUND';
    toasts.show(gone ? `${error.message}` : `The decision was not saved: ${error?.message ?? 'no call returned'}`, 'error');
    return { ok: false, gone };
  }
  toasts.show(approved ? `Approved: ${call.toolName} runs now.` : `Denied: ${call.toolName} does not run; the agent is told.`, approved ? 'success' : 'info');
  return { ok: true, toolCall };
}
