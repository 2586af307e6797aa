import { graphql, type ResultOf } from './tada';
import { UserErrorFields } from './workflow';

/** One tool call as stored. `input`, `output` and `error` are untrusted text: render them escaped. */
export const ToolCallFields = graphql(/* GraphQL */ `
  fragment ToolCallFields on ToolCall {
    id
    workflowId
    runId
    stepId
    conversationId
    toolName
    input
    status
    approval
    turn
    output
    error
    requestedAt
    resolvedAt
    startedAt
    finishedAt
    comment
  }
`);
export type ToolCall = ResultOf<typeof ToolCallFields>;
export type ToolCallStatus = ToolCall['status'];
export type ToolApproval = ToolCall['approval'];

/** Stored calls, newest first, filtered by every variable given. */
export const ToolCallsQuery = graphql(
  /* GraphQL */ `
    query ToolCalls($workflowId: ID, $runId: ID, $status: ToolCallStatus) {
      toolCalls(workflowId: $workflowId, runId: $runId, status: $status) {
        ...ToolCallFields
      }
    }
  `,
  [ToolCallFields],
);

/** Where a waiting call comes from: its workflow's name, its run's number and the names of its steps. */
export const ToolCallOriginQuery = graphql(/* GraphQL */ `
  query ToolCallOrigin($workflowId: ID!, $runId: ID!) {
    workflow(id: $workflowId) {
      id
      name
    }
    workflowRun(id: $runId) {
      id
      runNumber
      steps {
        stepId
        name
      }
    }
  }
`);
export type ToolCallOrigin = ResultOf<typeof ToolCallOriginQuery>;

/** Every registered server's tools with their descriptions. Asking connects servers that are not connected yet (slow then). */
export const McpToolCatalogQuery = graphql(/* GraphQL */ `
  query McpToolCatalog {
    mcpServers {
      id
      name
      enabled
      tools {
        qualifiedName
        description
      }
    }
  }
`);
export type McpToolCatalog = ResultOf<typeof McpToolCatalogQuery>['mcpServers'];

export const ResolveToolCallMutation = graphql(
  /* GraphQL */ `
    mutation ResolveToolCall($id: ID!, $approved: Boolean!, $comment: String) {
      resolveToolCall(id: $id, approved: $approved, comment: $comment) {
        toolCall {
          ...ToolCallFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [ToolCallFields, UserErrorFields],
);
