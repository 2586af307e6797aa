import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import { CreateMcpServerMutation, DeleteMcpServerMutation, UpdateMcpServerMutation, type McpServer, type McpServerInput } from '$lib/graphql/mcp';
import { runMutation, type UserError } from './operation';

/** Adds a server (no id) or saves one: the stored server, or the errors to put on the form's fields. */
export async function saveMcpServer(client: Client, id: string | null, input: McpServerInput): Promise<{ server: McpServer } | { errors: UserError[] }> {
  const outcome = id ? await runMutation(client, UpdateMcpServerMutation, { id, input }) : await runMutation(client, CreateMcpServerMutation, { input });
  const server = outcome.data && ('updateMcpServer' in outcome.data ? outcome.data.updateMcpServer : outcome.data.createMcpServer).mcpServer;
  if (!outcome.ok || !server) {
    toasts.show(id ? 'The MCP server was not saved.' : 'The MCP server was not added.', 'error');
    return { errors: outcome.errors };
  }
  toasts.show(id ? `MCP server ${server.name} saved.` : `MCP server ${server.name} added.`, 'success');
  return { server };
}

export async function deleteMcpServer(client: Client, server: Pick<McpServer, 'id' | 'name'>): Promise<boolean> {
  const outcome = await runMutation(client, DeleteMcpServerMutation, { id: server.id });
  if (!outcome.ok) toasts.show(outcome.errors[0].message, 'error');
  else toasts.show(`MCP server ${server.name} deleted.`, 'info');
  return outcome.ok;
}
