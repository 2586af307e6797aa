import { graphql, type ResultOf } from './tada';

export const RuntimesQuery = graphql(/* GraphQL */ `
  query Runtimes {
    runtimes {
      id
      label
      provider
      description
      available
      simulated
      unavailableReason
      models {
        default
        supported
      }
      capabilities
    }
  }
`);
export type Runtime = ResultOf<typeof RuntimesQuery>['runtimes'][number];
