import { graphql, type ResultOf } from './tada';
import { UserErrorFields } from './workflow';

export const SettingFields = graphql(/* GraphQL */ `
  fragment SettingFields on Setting {
    key
    value
    isSet
    writable
    secret
    description
    type
    min
    max
    options
  }
`);
export type Setting = ResultOf<typeof SettingFields>;

export const SettingsQuery = graphql(
  /* GraphQL */ `
    query Settings {
      settings {
        ...SettingFields
      }
    }
  `,
  [SettingFields],
);

export const UpdateSettingsMutation = graphql(
  /* GraphQL */ `
    mutation UpdateSettings($input: [SettingInput!]!) {
      updateSettings(input: $input) {
        settings {
          ...SettingFields
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [SettingFields, UserErrorFields],
);
