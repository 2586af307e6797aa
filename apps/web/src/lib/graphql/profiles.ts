import { graphql, type ResultOf, type VariablesOf } from './tada';
import { UserErrorFields } from './workflow';

/**
 * An agent profile: a named preset of system prompt, tool grants, turn limit, runtime and model
 * that a workflow step names with `profileId`. Built-in ones are read-only. Name, description and
 * system prompt are text a person typed: render them as text.
 */
export const AgentProfileFields = graphql(/* GraphQL */ `
  fragment AgentProfileFields on AgentProfile {
    id
    name
    builtIn
    description
    systemPrompt
    tools {
      tool
      approval
    }
    maxTurns
    runtimeId
    modelId
    createdAt
    updatedAt
  }
`);
export type AgentProfile = ResultOf<typeof AgentProfileFields>;

/** Every profile (built-in first, then the user's by name) and the runtimes the form offers. */
export const AgentProfilesPageQuery = graphql(
  /* GraphQL */ `
    query AgentProfilesPage {
      agentProfiles {
        ...AgentProfileFields
      }
      runtimes {
        id
        label
        available
        models {
          default
          supported
        }
      }
    }
  `,
  [AgentProfileFields],
);
export type ProfileRuntime = ResultOf<typeof AgentProfilesPageQuery>['runtimes'][number];

export const CreateAgentProfileMutation = graphql(
  /* GraphQL */ `
    mutation CreateAgentProfile($input: AgentProfileInput!) {
      createAgentProfile(input: $input) {
        agentProfile {
          ...AgentProfileFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [AgentProfileFields, UserErrorFields],
);
export type AgentProfileInput = VariablesOf<typeof CreateAgentProfileMutation>['input'];

export const UpdateAgentProfileMutation = graphql(
  /* GraphQL */ `
    mutation UpdateAgentProfile($id: ID!, $input: AgentProfileInput!) {
      updateAgentProfile(id: $id, input: $input) {
        agentProfile {
          ...AgentProfileFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [AgentProfileFields, UserErrorFields],
);

export const DeleteAgentProfileMutation = graphql(
  /* GraphQL */ `
    mutation DeleteAgentProfile($id: ID!) {
      deleteAgentProfile(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
