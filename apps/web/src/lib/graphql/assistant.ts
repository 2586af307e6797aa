import { graphql, type ResultOf } from './tada';
import { ToolCallFields } from './tools';
import { UserErrorFields } from './workflow';

/**
 * One message of an assistant conversation. `content` is the model's markdown (untrusted: render
 * it through the sanitized markdown path); tool inputs, outputs, errors and link labels are text.
 */
export const AssistantMessageFields = graphql(
  /* GraphQL */ `
    fragment AssistantMessageFields on AssistantMessage {
      id
      role
      content
      status
      error
      createdAt
      inputTokens
      outputTokens
      costUsd
      toolCalls {
        ...ToolCallFields
      }
      links {
        label
        workflowId
        runId
      }
    }
  `,
  [ToolCallFields],
);
export type AssistantMessage = ResultOf<typeof AssistantMessageFields>;
export type AssistantMessageStatus = AssistantMessage['status'];
export type AssistantLink = AssistantMessage['links'][number];

/** A conversation as the list shows it (no messages). */
export const AssistantConversationSummaryFields = graphql(/* GraphQL */ `
  fragment AssistantConversationSummaryFields on AssistantConversation {
    id
    title
    runtimeId
    modelId
    createdAt
    updatedAt
    costUsd
  }
`);
export type AssistantConversationSummary = ResultOf<typeof AssistantConversationSummaryFields>;

/** A conversation with its messages, oldest first. */
export const AssistantConversationFields = graphql(
  /* GraphQL */ `
    fragment AssistantConversationFields on AssistantConversation {
      ...AssistantConversationSummaryFields
      messages {
        ...AssistantMessageFields
      }
    }
  `,
  [AssistantConversationSummaryFields, AssistantMessageFields],
);
export type AssistantConversation = ResultOf<typeof AssistantConversationFields>;

export const AssistantConversationsQuery = graphql(
  /* GraphQL */ `
    query AssistantConversations {
      assistantConversations {
        ...AssistantConversationSummaryFields
      }
    }
  `,
  [AssistantConversationSummaryFields],
);

export const AssistantConversationQuery = graphql(
  /* GraphQL */ `
    query AssistantConversation($id: ID!) {
      assistantConversation(id: $id) {
        ...AssistantConversationFields
      }
    }
  `,
  [AssistantConversationFields],
);

/** Starts a conversation (no id) or continues one; the reply comes back STREAMING and empty, and streams on assistantEvents. */
export const SendAssistantMessageMutation = graphql(
  /* GraphQL */ `
    mutation SendAssistantMessage($conversationId: ID, $content: String!, $runtimeId: String) {
      sendAssistantMessage(conversationId: $conversationId, content: $content, runtimeId: $runtimeId) {
        conversation {
          ...AssistantConversationFields
        }
        message {
          ...AssistantMessageFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [AssistantConversationFields, AssistantMessageFields, UserErrorFields],
);

export const DeleteAssistantConversationMutation = graphql(
  /* GraphQL */ `
    mutation DeleteAssistantConversation($id: ID!) {
      deleteAssistantConversation(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

/** Replays a conversation's stored events with seq > afterSeq, then streams live ones. */
export const AssistantEventsSubscription = graphql(
  /* GraphQL */ `
    subscription AssistantEvents($conversationId: ID!, $afterSeq: Int) {
      assistantEvents(conversationId: $conversationId, afterSeq: $afterSeq) {
        seq
        at
        kind
        conversationId
        messageId
        textDelta
        message
        toolCall {
          ...ToolCallFields
        }
      }
    }
  `,
  [ToolCallFields],
);
export type AssistantEvent = ResultOf<typeof AssistantEventsSubscription>['assistantEvents'];
