import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { McpServerSchema, type McpServerRow } from './entities/mcp-server.entity.js';
import type { EngineResources } from '../resources.js';

// Rows of registered MCP servers. Sealing and opening their secrets is the registry's concern
// (tools/mcp-server-registry.ts): rows here hold the sealed text only.

type Resources = Pick<EngineResources, 'orm'>;

/** Every registered server, by name. */
export function listMcpServerRows(resources: Resources): Promise<McpServerRow[]> {
  return resources.orm.em.fork().find(McpServerSchema, {}, { orderBy: { name: 'asc' }, disableIdentityMap: true });
}

export function findMcpServerRow(resources: Resources, id: string): Promise<McpServerRow | null> {
  return resources.orm.em.fork().findOne(McpServerSchema, { id }, { disableIdentityMap: true });
}

/** The id of the server with this name, if any (names are unique). */
export async function mcpServerIdByName(resources: Resources, name: string): Promise<string | null> {
  return (await resources.orm.em.fork().findOne(McpServerSchema, { name }, { fields: ['id'], disableIdentityMap: true }))?.id ?? null;
}

/** Inserts a server; false when its name was taken meanwhile (the unique index decides races). */
export async function insertMcpServerRow(resources: Resources, row: McpServerRow): Promise<boolean> {
  try {
    await resources.orm.em.fork().insert(McpServerSchema, row);
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}

/** Replaces a server's configuration: 'updated', 'missing', or 'name-taken' when another server took its new name meanwhile. */
export async function updateMcpServerRow(
  resources: Resources,
  id: string,
  change: Omit<McpServerRow, 'id' | 'createdAt'>,
): Promise<'updated' | 'missing' | 'name-taken'> {
  try {
    return (await resources.orm.em.fork().nativeUpdate(McpServerSchema, { id }, change)) === 1 ? 'updated' : 'missing';
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return 'name-taken';
    throw error;
  }
}

export async function deleteMcpServerRow(resources: Resources, id: string): Promise<boolean> {
  return (await resources.orm.em.fork().nativeDelete(McpServerSchema, { id })) === 1;
}
