import { graphql, type ResultOf } from './tada';

export const InstancesQuery = graphql(/* GraphQL */ `
  query Instances {
    instances {
      id
      host
      pid
      role
      version
      startedAt
      heartbeatAt
      runningSteps
    }
  }
`);
export type Instance = ResultOf<typeof InstancesQuery>['instances'][number];
