import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import {
  DeleteAssistantConversationMutation,
  SendAssistantMessageMutation,
  type AssistantConversation,
  type AssistantConversationSummary,
  type AssistantMessage,
} from '$lib/graphql/assistant';
import { runMutation, type UserError } from './operation';

export type SendOutcome = { ok: true; conversation: AssistantConversation | null; message: AssistantMessage | null } | { ok: false; errors: UserError[] };

/**
 * Sends a message: starts a conversation (no id) or continues one. The reply comes back empty
 * and streams on assistantEvents. Refusals (an empty message, an unknown conversation, an
 * unavailable runtime) come back for the composer to show beside the input; nothing is toasted.
 */
export async function sendAssistantMessage(
  client: Client,
  input: { conversationId: string | null; content: string; runtimeId: string | null },
): Promise<SendOutcome> {
  const outcome = await runMutation(client, SendAssistantMessageMutation, input);
  if (!outcome.ok) return { ok: false, errors: outcome.errors };
  const payload = outcome.data.sendAssistantMessage;
  return { ok: true, conversation: payload.conversation ?? null, message: payload.message ?? null };
}

/** Deletes a conversation with its messages; says so, or why not. */
export async function deleteAssistantConversation(client: Client, conversation: Pick<AssistantConversationSummary, 'id' | 'title'>): Promise<boolean> {
  const outcome = await runMutation(client, DeleteAssistantConversationMutation, { id: conversation.id });
  if (!outcome.ok) {
    toasts.show(`The conversation was not deleted: ${outcome.errors[0]?.message ?? 'no answer'}`, 'error');
    return false;
  }
  toasts.show(`Conversation “${conversation.title}” deleted.`, 'info');
  return true;
}
