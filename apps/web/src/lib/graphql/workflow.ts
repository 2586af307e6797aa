import { graphql, type ResultOf, type VariablesOf } from './tada';

/** Errors returned in every mutation payload. */
export const UserErrorFields = graphql(/* GraphQL */ `
  fragment UserErrorFields on UserError {
    field
    message
    code
  }
`);

export const CostEstimateFields = graphql(/* GraphQL */ `
  fragment CostEstimateFields on CostEstimate {
    totalUsd
    budgetUsd
    overBudget
    warnings
    steps {
      stepId
      name
      modelId
      inputTokens
      outputTokens
      estimatedUsd
      budgetUsd
      overBudget
    }
  }
`);

export const RunSummaryFields = graphql(/* GraphQL */ `
  fragment RunSummaryFields on WorkflowRun {
    id
    runNumber
    status
    startedAt
    finishedAt
    costUsd
    inputTokens
    outputTokens
    failureCategory
    error
  }
`);

export const WorkflowsQuery = graphql(
  /* GraphQL */ `
    query Workflows($status: WorkflowStatus, $first: Int) {
      workflows(status: $status, first: $first) {
        totalCount
        nodes {
          id
          name
          description
          pattern
          status
          updatedAt
          steps {
            id
          }
          latestRun {
            ...RunSummaryFields
          }
          runs(first: 50) {
            id
            status
          }
        }
      }
    }
  `,
  [RunSummaryFields],
);
export type WorkflowListItem = ResultOf<typeof WorkflowsQuery>['workflows']['nodes'][number];

export const WorkflowQuery = graphql(
  /* GraphQL */ `
    query Workflow($id: ID!) {
      workflow(id: $id) {
        id
        name
        description
        pattern
        status
        runtimeId
        budgetUsd
        config
        steps {
          id
          name
          prompt
          runtimeId
          modelId
          budgetUsd
          maxTurns
          profileId
          workingDirectory
          documentIds
          tools {
            tool
            approval
          }
        }
        tools {
          tool
          approval
        }
        documents {
          stepId
          document {
            id
            name
          }
        }
        latestRun {
          ...RunSummaryFields
        }
        runs(first: 30) {
          ...RunSummaryFields
        }
        createdAt
        updatedAt
      }
    }
  `,
  [RunSummaryFields],
);
export type WorkflowDetail = NonNullable<ResultOf<typeof WorkflowQuery>['workflow']>;

export const EditorOptionsQuery = graphql(/* GraphQL */ `
  query EditorOptions {
    runtimes {
      id
      label
      available
      models {
        default
        supported
      }
      capabilities
    }
    documents {
      id
      name
      mimeType
      sizeBytes
    }
    agentProfiles {
      id
      name
      builtIn
      description
      systemPrompt
      maxTurns
      runtimeId
      modelId
      tools {
        tool
        approval
      }
    }
  }
`);
export type EditorOptions = ResultOf<typeof EditorOptionsQuery>;
/** A profile as the step editor offers it (the fields a step inherits from it). */
export type EditorProfile = EditorOptions['agentProfiles'][number];

export type WorkflowDefinitionInput = VariablesOf<typeof CreateWorkflowMutation>['input'];

export const EstimateCostQuery = graphql(
  /* GraphQL */ `
    query EstimateWorkflowCost($input: WorkflowDefinitionInput!) {
      estimateWorkflowCost(input: $input) {
        ...CostEstimateFields
      }
    }
  `,
  [CostEstimateFields],
);
export type CostEstimate = ResultOf<typeof CostEstimateFields>;

export const OptimizeQuery = graphql(/* GraphQL */ `
  query OptimizeWorkflow($input: WorkflowDefinitionInput!, $workflowId: ID) {
    optimizeWorkflow(input: $input, workflowId: $workflowId) {
      id
      kind
      title
      description
      action {
        type
        payload
      }
    }
  }
`);
export type OptimizationSuggestion = ResultOf<typeof OptimizeQuery>['optimizeWorkflow'][number];

export const CreateWorkflowMutation = graphql(
  /* GraphQL */ `
    mutation CreateWorkflow($input: WorkflowDefinitionInput!) {
      createWorkflow(input: $input) {
        workflow {
          id
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const UpdateWorkflowMutation = graphql(
  /* GraphQL */ `
    mutation UpdateWorkflow($id: ID!, $input: WorkflowDefinitionInput!) {
      updateWorkflow(id: $id, input: $input) {
        workflow {
          id
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const DeleteWorkflowMutation = graphql(
  /* GraphQL */ `
    mutation DeleteWorkflow($id: ID!) {
      deleteWorkflow(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const ApplySuggestionMutation = graphql(
  /* GraphQL */ `
    mutation ApplySuggestion($workflowId: ID!, $action: SuggestionActionInput!) {
      applySuggestion(workflowId: $workflowId, action: $action) {
        workflow {
          id
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const ExecutionStatsQuery = graphql(/* GraphQL */ `
  query ExecutionStats {
    executionStats {
      pattern
      stepCount
      sampleCount
      successRate
      avgCostPerStepUsd
      avgDurationPerStepMs
    }
  }
`);
