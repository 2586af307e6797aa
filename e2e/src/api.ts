/**
 * A small GraphQL client for seeding and for checking server state from specs (`expect.poll`).
 * It talks to the API directly (the suite's, unless `apiUrl` names another), never through the UI.
 */
export async function gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, apiUrl = process.env.E2E_API_URL): Promise<T> {
  const url = `${apiUrl}/graphql`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

/** Runs a mutation and fails on payload `errors`; returns the payload. */
export async function mutate<T = Record<string, any>>(field: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const data = await gql<Record<string, T & { errors: { message: string; field?: string[] }[] }>>(query, variables);
  const payload = data[field];
  if (payload.errors?.length) throw new Error(`${field}: ${payload.errors.map((e) => `${(e.field ?? []).join('.')} ${e.message}`).join('; ')}`);
  return payload;
}

export async function createDocument(name: string, mimeType: string, content: string): Promise<string> {
  const payload = await mutate<{ document: { id: string } }>(
    'createDocument',
    /* GraphQL */ `
      mutation ($name: String!, $mimeType: String!, $content: String!) {
        createDocument(name: $name, mimeType: $mimeType, content: $content) {
          document {
            id
          }
          errors {
            field
            message
            code
          }
        }
      }
    `,
    { name, mimeType, content },
  );
  return payload.document.id;
}

/** The id of the document with this name, creating it when missing (safe across worker restarts). */
export async function ensureDocument(name: string, mimeType: string, content: string): Promise<string> {
  const data = await gql<{ documents: { id: string; name: string }[] }>(/* GraphQL */ `
    {
      documents {
        id
        name
      }
    }
  `);
  return data.documents.find((d) => d.name === name)?.id ?? createDocument(name, mimeType, content);
}

export interface SeedStep {
  id?: string;
  name: string;
  prompt: string;
  budgetUsd?: number;
  documentIds?: string[];
  tools?: { tool: string; approval: 'AUTO' | 'ASK' | 'DENY' }[];
}

export async function createWorkflow(input: {
  name: string;
  pattern?: string;
  runtimeId?: string;
  steps: SeedStep[];
  documentIds?: string[];
  config?: Record<string, unknown>;
}): Promise<string> {
  const payload = await mutate<{ workflow: { id: string } }>(
    'createWorkflow',
    /* GraphQL */ `
      mutation ($input: WorkflowDefinitionInput!) {
        createWorkflow(input: $input) {
          workflow {
            id
          }
          errors {
            field
            message
            code
          }
        }
      }
    `,
    { input: { pattern: 'SEQUENCE', runtimeId: 'simulated', ...input } },
  );
  return payload.workflow.id;
}

export interface WorkflowState {
  id: string;
  name: string;
  status: string;
  steps: { id: string; name: string; budgetUsd: number | null; documentIds: string[] }[];
  documents: { stepId: string | null; document: { id: string } }[];
  latestRun: { id: string; status: string; steps: { stepId: string; status: string; failureCategory: string | null; attempt: number }[] } | null;
}

export async function workflowState(id: string): Promise<WorkflowState | null> {
  const data = await gql<{ workflow: WorkflowState | null }>(
    /* GraphQL */ `
      query ($id: ID!) {
        workflow(id: $id) {
          id
          name
          status
          steps {
            id
            name
            budgetUsd
            documentIds
          }
          documents {
            stepId
            document {
              id
            }
          }
          latestRun {
            id
            status
            steps {
              stepId
              status
              failureCategory
              attempt
            }
          }
        }
      }
    `,
    { id },
  );
  return data.workflow;
}

export async function workflowByName(name: string): Promise<WorkflowState | null> {
  const data = await gql<{ workflows: { nodes: { id: string; name: string }[] } }>(/* GraphQL */ `
    {
      workflows(first: 200) {
        nodes {
          id
          name
        }
      }
    }
  `);
  const found = data.workflows.nodes.find((w) => w.name === name);
  return found ? workflowState(found.id) : null;
}

export async function settingValue(key: string): Promise<unknown> {
  const data = await gql<{ settings: { key: string; value: unknown }[] }>(/* GraphQL */ `
    {
      settings {
        key
        value
      }
    }
  `);
  return data.settings.find((s) => s.key === key)?.value;
}

/** Sets one setting through updateSettings (null: back to its default), failing on a refused value. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await mutate('updateSettings', 'mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { settings { key } errors { field message code } } }', {
    input: [{ key, value }],
  });
}

/**
 * Runs `body` with setting budget.onCapReached = fail (steps end FAILED at a cap, as before durable
 * turns), then puts the default (pause) back for the specs that follow.
 */
export async function withFailAtCap(body: () => Promise<void>): Promise<void> {
  await setSetting('budget.onCapReached', 'fail');
  try {
    await body();
  } finally {
    await setSetting('budget.onCapReached', null);
  }
}
