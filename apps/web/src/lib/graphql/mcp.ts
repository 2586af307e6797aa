import { graphql, type ResultOf, type VariablesOf } from './tada';
import { UserErrorFields } from './workflow';

/** A registered server's configuration: stored rows only, so reading it never connects. */
export const McpServerFields = graphql(/* GraphQL */ `
  fragment McpServerFields on McpServer {
    id
    name
    transport
    command
    args
    url
    secretKeys
    enabled
  }
`);
export type McpServer = ResultOf<typeof McpServerFields>;
export type McpTransport = McpServer['transport'];

/** A server's live state: asking for it connects an enabled server that is not connected yet. */
export const McpServerStateFields = graphql(/* GraphQL */ `
  fragment McpServerStateFields on McpServer {
    id
    connected
    lastError
    tools {
      name
      qualifiedName
      description
      inputSchema
    }
  }
`);
export type McpServerState = ResultOf<typeof McpServerStateFields>;

export const McpServersQuery = graphql(
  /* GraphQL */ `
    query McpServers {
      mcpServers {
        ...McpServerFields
      }
    }
  `,
  [McpServerFields],
);

/** The live state of every server (there is no single-server query); slow while a server connects. */
export const McpServerStatesQuery = graphql(
  /* GraphQL */ `
    query McpServerStates {
      mcpServers {
        ...McpServerStateFields
      }
    }
  `,
  [McpServerStateFields],
);

export const CreateMcpServerMutation = graphql(
  /* GraphQL */ `
    mutation CreateMcpServer($input: McpServerInput!) {
      createMcpServer(input: $input) {
        mcpServer {
          ...McpServerFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [McpServerFields, UserErrorFields],
);
export type McpServerInput = VariablesOf<typeof CreateMcpServerMutation>['input'];

export const UpdateMcpServerMutation = graphql(
  /* GraphQL */ `
    mutation UpdateMcpServer($id: ID!, $input: McpServerInput!) {
      updateMcpServer(id: $id, input: $input) {
        mcpServer {
          ...McpServerFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [McpServerFields, UserErrorFields],
);

export const DeleteMcpServerMutation = graphql(
  /* GraphQL */ `
    mutation DeleteMcpServer($id: ID!) {
      deleteMcpServer(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
