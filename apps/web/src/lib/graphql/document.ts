import { graphql, type ResultOf } from './tada';
import { UserErrorFields } from './workflow';

export const DocumentsQuery = graphql(/* GraphQL */ `
  query Documents {
    documents {
      id
      name
      mimeType
      sizeBytes
      createdAt
    }
  }
`);
export type DocumentItem = ResultOf<typeof DocumentsQuery>['documents'][number];

export const DocumentContentQuery = graphql(/* GraphQL */ `
  query DocumentContent($id: ID!) {
    document(id: $id) {
      id
      content
    }
  }
`);

export const CreateDocumentMutation = graphql(
  /* GraphQL */ `
    mutation CreateDocument($name: String!, $mimeType: String!, $content: String!) {
      createDocument(name: $name, mimeType: $mimeType, content: $content) {
        document {
          id
          name
        }
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const DeleteDocumentMutation = graphql(
  /* GraphQL */ `
    mutation DeleteDocument($id: ID!) {
      deleteDocument(id: $id) {
        deletedId
        errors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
