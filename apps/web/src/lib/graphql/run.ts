import { graphql, type ResultOf } from './tada';
import { ToolCallFields } from './tools';
import { CostEstimateFields, UserErrorFields } from './workflow';

export const StepRunFields = graphql(/* GraphQL */ `
  fragment StepRunFields on StepRun {
    id
    stepId
    iteration
    name
    status
    attempt
    taskId
    output
    error
    failureCategory
    runtimeId
    modelId
    startedAt
    finishedAt
    durationMs
    inputTokens
    outputTokens
    costUsd
    budgetUsd
    turns
    turnsReused
    reusedUsd
    currentTool
    tokensPerSecond
    estimatedDurationMs
  }
`);
export type StepRun = ResultOf<typeof StepRunFields>;

export const RunFields = graphql(
  /* GraphQL */ `
    fragment RunFields on WorkflowRun {
      id
      runNumber
      status
      startedAt
      finishedAt
      inputTokens
      outputTokens
      costUsd
      reusedUsd
      resumeAt
      instanceId
      resumeCount
      failureCategory
      error
      costEstimate {
        ...CostEstimateFields
      }
      steps {
        ...StepRunFields
      }
    }
  `,
  [StepRunFields, CostEstimateFields],
);
export type Run = ResultOf<typeof RunFields>;

export const RunQuery = graphql(
  /* GraphQL */ `
    query Run($workflowId: ID!) {
      workflow(id: $workflowId) {
        id
        name
        pattern
        config
        status
        steps {
          id
          name
          budgetUsd
          documentIds
        }
        runs(first: 50) {
          ...RunFields
        }
      }
      executionStats {
        pattern
        stepCount
        avgDurationPerStepMs
      }
    }
  `,
  [RunFields],
);
export type RunWorkflow = NonNullable<ResultOf<typeof RunQuery>['workflow']>;

export const DebugAnalysisQuery = graphql(/* GraphQL */ `
  query DebugAnalysis($workflowId: ID!, $runId: ID) {
    workflow(id: $workflowId) {
      id
      debugAnalysis(runId: $runId) {
        workflowId
        runId
        status
        rootCause {
          category
          summary
          stepId
          evidence
        }
        timeline {
          at
          kind
          severity
          stepId
          message
        }
        suggestions {
          tier
          title
          description
          action {
            type
            payload
          }
        }
      }
    }
  }
`);
export type DebugAnalysis = NonNullable<NonNullable<ResultOf<typeof DebugAnalysisQuery>['workflow']>['debugAnalysis']>;
export type FixSuggestion = DebugAnalysis['suggestions'][number];
export type TimelineEvent = DebugAnalysis['timeline'][number];

export const ExecuteWorkflowMutation = graphql(
  /* GraphQL */ `
    mutation ExecuteWorkflow($id: ID!) {
      executeWorkflow(id: $id) {
        run {
          id
        }
        costEstimate {
          totalUsd
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const RetryStepMutation = graphql(
  /* GraphQL */ `
    mutation RetryWorkflowStep($workflowId: ID!, $stepId: ID!) {
      retryWorkflowStep(workflowId: $workflowId, stepId: $stepId) {
        run {
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

/** Continues a paused step (or a failed one with journaled turns) from its last completed turn, with a new cap. */
export const ResumeStepMutation = graphql(
  /* GraphQL */ `
    mutation ResumeWorkflowStep($workflowId: ID!, $stepId: ID!, $budgetUsd: Float) {
      resumeWorkflowStep(workflowId: $workflowId, stepId: $stepId, budgetUsd: $budgetUsd) {
        run {
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

export const CancelWorkflowMutation = graphql(
  /* GraphQL */ `
    mutation CancelWorkflow($id: ID!) {
      cancelWorkflow(id: $id) {
        workflow {
          id
          status
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const ResolveCheckpointMutation = graphql(
  /* GraphQL */ `
    mutation ResolveCheckpoint($workflowId: ID!, $stepId: ID!, $approved: Boolean!, $comment: String) {
      resolveCheckpoint(workflowId: $workflowId, stepId: $stepId, approved: $approved, comment: $comment) {
        workflow {
          id
          status
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const WorkflowEventsSubscription = graphql(
  /* GraphQL */ `
    subscription WorkflowEvents($workflowId: ID!, $afterSeq: Int) {
      workflowEvents(workflowId: $workflowId, afterSeq: $afterSeq) {
        seq
        at
        kind
        workflowId
        runId
        stepId
        message
        outputDelta
        toolName
        inputTokens
        outputTokens
        costUsd
        step {
          ...StepRunFields
        }
        toolCall {
          ...ToolCallFields
        }
      }
    }
  `,
  [StepRunFields, ToolCallFields],
);
export type WorkflowEvent = ResultOf<typeof WorkflowEventsSubscription>['workflowEvents'];
