import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import type { StagentClient } from '$lib/graphql/client';
import {
  AssistantConversationQuery,
  AssistantConversationsQuery,
  AssistantEventsSubscription,
  type AssistantConversation,
  type AssistantConversationSummary,
  type AssistantEvent,
  type AssistantMessage,
} from '$lib/graphql/assistant';
import type { ToolCall } from '$lib/graphql/tools';
import { RuntimesQuery, type Runtime } from '$lib/graphql/runtime';
import { runQuery, type UserError } from '$lib/services/operation';
import { deleteAssistantConversation, sendAssistantMessage } from '$lib/services/assistant';
import { applyAssistantEvent, mergeMessage, type LiveMessages } from './assistant-events';

export type AssistantConnection = 'idle' | 'connecting' | 'live' | 'reconnecting';

/** Where the panel's open state and conversation are kept across reloads of the tab. */
export const ASSISTANT_STORAGE_KEY = 'stagent.assistant';

/**
 * The assistant panel's state, shared by the root layout (the nav's button and the panel): whether
 * the panel is open, the conversations, the current one with its messages, the composer's draft
 * and runtime, and the refusals of the last send.
 *
 * The current conversation's events stream over `assistantEvents` while something reads its
 * messages (`createSubscriber`, as `RunLive` does): events at or below the last seen `seq` are
 * dropped, and after a dropped socket the subscription is reopened with `afterSeq` = that seq.
 * A conversation is read once and its events replayed from the start; what they tell is kept
 * beside the stored messages and merged over them (`assistant-events.ts`), and a message that
 * ends is read again for its cost, tokens and links.
 */
export class Assistant {
  #client: StagentClient;
  #open = $state(false);
  #conversations = $state<AssistantConversationSummary[] | null>(null);
  #listError = $state<string | null>(null);
  #conversation = $state<AssistantConversation | null>(null);
  #loadingId = $state<string | null>(null);
  #loadError = $state<string | null>(null);
  #live = $state<LiveMessages>({});
  #lastSeq = 0;
  #connection = $state<AssistantConnection>('idle');
  #streamError = $state<string | null>(null);
  #runtimes = $state<Runtime[] | null>(null);
  #sending = $state(false);
  #errors = $state<UserError[]>([]);
  #listening = false;
  #active: { unsubscribe(): void } | null = null;
  #reads = 0;
  #storage: Storage | null;
  #subscribe: () => void;

  /** The composer's text (kept while the panel is closed). */
  draft = $state('');
  /** The runtime picked for the next message; '' leaves it to the server (the conversation's, else the default). */
  runtimeId = $state('');

  constructor(client: StagentClient, storage: Storage | null = globalThis.sessionStorage ?? null) {
    this.#client = client;
    this.#storage = storage;
    this.#subscribe = createSubscriber(() => {
      this.#listening = true;
      const offClosed = this.#client.ws.on('closed', () => {
        if (!this.#active) return;
        this.#connection = 'reconnecting';
        // Reopen from the last seen seq rather than letting graphql-ws replay the original variables.
        queueMicrotask(() => this.#openStream());
      });
      this.#openStream();
      return () => {
        this.#listening = false;
        offClosed();
        this.#closeStream();
      };
    });
    const saved = this.#restore();
    if (saved.open) this.show();
    if (saved.conversationId) void this.select(saved.conversationId);
  }

  get open(): boolean {
    return this.#open;
  }

  /** Opens the panel and reads what it shows. */
  show(): void {
    this.#open = true;
    this.#save();
    void this.loadConversations();
    if (this.#runtimes === null) void this.loadRuntimes();
  }

  hide(): void {
    this.#open = false;
    this.#save();
  }

  toggle(): void {
    if (this.#open) this.hide();
    else this.show();
  }

  /** Every conversation, newest first; null until the first answer. */
  get conversations(): AssistantConversationSummary[] | null {
    return this.#conversations;
  }

  get listError(): string | null {
    return this.#listError;
  }

  /** The current conversation (its messages merged with what streamed); null for a new one. */
  get conversation(): AssistantConversation | null {
    return this.#conversation;
  }

  get currentId(): string | null {
    return this.#conversation?.id ?? this.#loadingId;
  }

  get loading(): boolean {
    return this.#loadingId !== null;
  }

  get loadError(): string | null {
    return this.#loadError;
  }

  /** The current conversation's messages, oldest first, as they stream. */
  get messages(): AssistantMessage[] {
    this.#subscribe();
    const conversation = this.#conversation;
    if (!conversation) return [];
    return conversation.messages.map((m) => mergeMessage(m, this.#live[m.id]));
  }

  /** Whether the last answer is still coming (streaming or waiting for a decision). */
  get answering(): boolean {
    const last = this.messages.at(-1);
    return !!last && last.role === 'assistant' && (last.status === 'STREAMING' || last.status === 'WAITING_APPROVAL');
  }

  get connection(): AssistantConnection {
    this.#subscribe();
    return this.#connection;
  }

  /** Why the event stream ended with an error (e.g. the conversation was deleted elsewhere). */
  get streamError(): string | null {
    return this.#streamError;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The runtimes the picker offers (available ones); null until read. */
  get runtimes(): Runtime[] | null {
    return this.#runtimes;
  }

  get sending(): boolean {
    return this.#sending;
  }

  /** The refusals of the last send (UserErrors), shown beside the input. */
  get errors(): UserError[] {
    return this.#errors;
  }

  async loadConversations(): Promise<void> {
    const outcome = await runQuery(this.#client.urql, AssistantConversationsQuery, {});
    if (!outcome.ok) {
      this.#listError = outcome.errors[0].message;
      return;
    }
    this.#listError = null;
    this.#conversations = outcome.data.assistantConversations;
  }

  async loadRuntimes(): Promise<void> {
    const outcome = await runQuery(this.#client.urql, RuntimesQuery, {});
    if (outcome.ok) this.#runtimes = outcome.data.runtimes.filter((r) => r.available);
  }

  /** Makes a conversation the current one: reads it, then streams its events from the start. */
  async select(id: string): Promise<void> {
    if (this.#conversation?.id === id) return;
    this.#reset();
    this.#loadingId = id;
    this.#save();
    await this.#read(id);
    if (this.#conversation?.id === id) this.#openStream();
  }

  /** Leaves the current conversation: the next message starts a new one. */
  startNew(): void {
    this.#reset();
    this.#save();
  }

  /** Sends the draft; on success it is cleared and the reply streams in. Refusals stay in `errors`. */
  async send(): Promise<boolean> {
    if (this.#sending) return false;
    this.#sending = true;
    this.#errors = [];
    try {
      const outcome = await sendAssistantMessage(this.#client.urql, {
        conversationId: this.#conversation?.id ?? null,
        content: this.draft,
        runtimeId: this.runtimeId || null,
      });
      if (!outcome.ok) {
        this.#errors = outcome.errors;
        return false;
      }
      this.draft = '';
      const conversation = outcome.conversation;
      if (conversation && conversation.id !== this.#conversation?.id) {
        this.#reset();
        this.#conversation = conversation;
        this.#save();
        this.#openStream();
      } else if (conversation) {
        this.#conversation = conversation;
      } else if (this.#conversation) {
        void this.#read(this.#conversation.id);
      }
      void this.loadConversations();
      return true;
    } finally {
      this.#sending = false;
    }
  }

  clearErrors(): void {
    this.#errors = [];
  }

  /** Deletes a conversation (the current one too: the panel then starts a new one). */
  async remove(conversation: AssistantConversationSummary): Promise<boolean> {
    const deleted = await deleteAssistantConversation(this.#client.urql, conversation);
    if (!deleted) return false;
    if (this.currentId === conversation.id) this.startNew();
    this.#conversations = (this.#conversations ?? []).filter((c) => c.id !== conversation.id);
    void this.loadConversations();
    return true;
  }

  /** A tool call of the current conversation was decided here: its card shows the new state at once. */
  decided(messageId: string, call: ToolCall | null): void {
    if (!call || !this.#conversation) return;
    // A synthetic event without a seq: it goes through the same merge as the stream's.
    this.#live = applyAssistantEvent(this.#live, {
      seq: this.#lastSeq,
      at: new Date().toISOString(),
      kind: 'TOOL_CALL',
      conversationId: this.#conversation.id,
      messageId,
      textDelta: null,
      message: null,
      toolCall: call,
    });
  }

  /** Applies one event of the current conversation; public for tests. */
  apply(event: AssistantEvent): void {
    const conversation = this.#conversation;
    if (!conversation || event.conversationId !== conversation.id || event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.#live = applyAssistantEvent(this.#live, event);
    const known = conversation.messages.some((m) => m.id === event.messageId);
    // A reply started elsewhere (another tab), or before our send's answer came back: read it.
    if (!known && event.kind === 'MESSAGE_STARTED') void this.#read(conversation.id);
    if (event.kind === 'MESSAGE_COMPLETED' || event.kind === 'MESSAGE_FAILED') {
      void this.#read(conversation.id);
      void this.loadConversations();
    }
  }

  /** Reads a conversation; only the newest read may replace it, and only while it is still the current one. */
  async #read(id: string): Promise<void> {
    const ticket = ++this.#reads;
    const outcome = await runQuery(this.#client.urql, AssistantConversationQuery, { id });
    if (ticket !== this.#reads || this.currentId !== id) return;
    this.#loadingId = null;
    const conversation = outcome.data?.assistantConversation;
    if (!outcome.ok || !conversation) {
      this.#loadError = outcome.ok ? 'This conversation no longer exists.' : outcome.errors[0].message;
      if (!this.#conversation) this.#save(null);
      return;
    }
    this.#loadError = null;
    this.#conversation = conversation;
  }

  #openStream(): void {
    this.#active?.unsubscribe();
    this.#active = null;
    const conversationId = this.#conversation?.id;
    if (!this.#listening || !conversationId) {
      this.#connection = 'idle';
      return;
    }
    this.#connection = this.#lastSeq > 0 ? 'reconnecting' : 'connecting';
    this.#active = this.#client.urql.subscription(AssistantEventsSubscription, { conversationId, afterSeq: this.#lastSeq }).subscribe((result) => {
      if (this.#conversation?.id !== conversationId) return;
      if (result.error) {
        this.#streamError = result.error.graphQLErrors[0]?.message ?? result.error.message;
        return;
      }
      if (result.data) {
        this.#connection = 'live';
        this.#streamError = null;
        this.apply(result.data.assistantEvents);
      }
    });
  }

  #closeStream(): void {
    const current = this.#active;
    this.#active = null;
    current?.unsubscribe();
    this.#connection = 'idle';
  }

  #reset(): void {
    this.#closeStream();
    this.#reads++;
    this.#conversation = null;
    this.#loadingId = null;
    this.#loadError = null;
    this.#streamError = null;
    this.#live = {};
    this.#lastSeq = 0;
    this.#errors = [];
  }

  #restore(): { open: boolean; conversationId: string | null } {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(ASSISTANT_STORAGE_KEY) ?? 'null');
      if (parsed && typeof parsed === 'object') {
        const { open, conversationId } = parsed as Record<string, unknown>;
        return { open: open === true, conversationId: typeof conversationId === 'string' ? conversationId : null };
      }
    } catch {
      // A corrupt entry reads as nothing saved.
    }
    return { open: false, conversationId: null };
  }

  #save(conversationId: string | null = this.currentId): void {
    try {
      this.#storage?.setItem(ASSISTANT_STORAGE_KEY, JSON.stringify({ open: this.#open, conversationId }));
    } catch {
      // Storage full or disabled: the panel still works for this page's life.
    }
  }
}

const KEY = Symbol('stagent-assistant');

/** Creates the app's one Assistant and shares it. Root layout only. */
export function provideAssistant(client: StagentClient): Assistant {
  const assistant = new Assistant(client);
  setContext(KEY, assistant);
  return assistant;
}

/** The Assistant shared by the root layout. */
export function useAssistant(): Assistant {
  const assistant = getContext<Assistant | undefined>(KEY);
  if (!assistant) throw new Error('useAssistant() outside the root layout');
  return assistant;
}
