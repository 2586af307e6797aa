import { graphql, type ResultOf } from './tada';
import { UserErrorFields } from './workflow';

export const ScheduleFields = graphql(/* GraphQL */ `
  fragment ScheduleFields on Schedule {
    id
    name
    prompt
    workflowId
    expression
    cron
    timezone
    active
    nextFireAt
    lastFiredAt
    failureStreak
    lastFailureReason
    warnings
  }
`);
export type Schedule = ResultOf<typeof ScheduleFields>;

export const SchedulesQuery = graphql(
  /* GraphQL */ `
    query Schedules {
      schedules {
        ...ScheduleFields
      }
      workflows(first: 100) {
        nodes {
          id
          name
        }
      }
    }
  `,
  [ScheduleFields],
);

export const ParseScheduleQuery = graphql(/* GraphQL */ `
  query ParseSchedule($expression: String!, $timezone: String) {
    parseSchedule(expression: $expression, timezone: $timezone) {
      ok
      cron
      description
      nextFireTimes
      error
    }
  }
`);
export type ScheduleParse = ResultOf<typeof ParseScheduleQuery>['parseSchedule'];

export const CreateScheduleMutation = graphql(
  /* GraphQL */ `
    mutation CreateSchedule($name: String!, $prompt: String!, $expression: String!, $timezone: String, $workflowId: ID) {
      createSchedule(name: $name, prompt: $prompt, expression: $expression, timezone: $timezone, workflowId: $workflowId) {
        schedule {
          ...ScheduleFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [ScheduleFields, UserErrorFields],
);

export const SetScheduleActiveMutation = graphql(
  /* GraphQL */ `
    mutation SetScheduleActive($id: ID!, $active: Boolean!) {
      setScheduleActive(id: $id, active: $active) {
        schedule {
          ...ScheduleFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [ScheduleFields, UserErrorFields],
);

export const DeleteScheduleMutation = graphql(
  /* GraphQL */ `
    mutation DeleteSchedule($id: ID!) {
      deleteSchedule(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
