import { access, constants, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { deleteMcpServerRow, findMcpServerRow, insertMcpServerRow, listMcpServerRows, mcpServerIdByName, updateMcpServerRow } from '../db/mcp-server-store.js';
import type { McpServerRow } from '../db/entities/mcp-server.entity.js';
import { ConflictError, ErrorCode, NotFoundError, StagentError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { findOnPath } from '../runtimes/agent-cli-probe.js';
import { MCP_SERVER_NAME_PATTERN } from './mcp/tool-names.js';
import type { McpServerConfig } from './mcp/server-config.js';

/** How Stagent reaches an MCP server. */

/** Names no registered server may take: the claude-code runtime serves Stagent's built-in tools as the MCP server `stagent`. */
export const RESERVED_SERVER_NAMES: readonly string[] = ['stagent'];
export const McpTransport = { STDIO: 'STDIO', STREAMABLE_HTTP: 'STREAMABLE_HTTP' } as const;
export type McpTransport = (typeof McpTransport)[keyof typeof McpTransport];

/** An environment variable name (STDIO `env`). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Most arguments, variables or headers a server may have (a bound for stored JSON). */
const MAX_ENTRIES = 64;

/** What a caller registers or replaces (the API's `McpServerInput`). */
export interface McpServerInput {
  name: string;
  transport: string;
  command?: string | null;
  args?: readonly string[] | null;
  /** STDIO environment `{ NAME: value }`: write-only. Omitted on an update keeps the stored values; `{}` clears them. */
  env?: Record<string, unknown> | null;
  url?: string | null;
  /** Streamable HTTP headers: write-only, as `env`. */
  headers?: Record<string, unknown> | null;
  enabled?: boolean | null;
}

/** A registered server as callers see it: never its secret values, only their names. */
export interface McpServerView {
  id: string;
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  url: string | null;
  /** Names of the env variables (STDIO) or headers (HTTP) that are set. */
  secretKeys: string[];
  enabled: boolean;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

/**
 * The registry of MCP servers: validates and stores their configuration, seals their env or
 * headers with the engine's secret box, and hands the connection layer the opened configs.
 * Every bad field is reported at once with its path, and nothing is stored then.
 */
export class McpServerRegistry {
  constructor(
    private readonly resources: EngineResources,
    private readonly options: { env?: NodeJS.ProcessEnv } = {},
  ) {}

  async list(): Promise<McpServerView[]> {
    return (await listMcpServerRows(this.resources)).map(toView);
  }

  async get(id: string): Promise<McpServerView | null> {
    const row = await findMcpServerRow(this.resources, id);
    return row ? toView(row) : null;
  }

  /** Every server with its secrets opened, for connecting. */
  async configs(): Promise<McpServerConfig[]> {
    return (await listMcpServerRows(this.resources)).map((row) => this.toConfig(row));
  }

  /**
   * Why a server's env or headers cannot be used (they were sealed with another key: a replaced
   * `secret.key` or `STAGENT_SECRET_KEY`), or null. Such a server is handed over disabled rather
   * than started without its credentials, and the rest of the engine starts as usual.
   */
  unreadableSecrets(id: string): string | null {
    return this.unreadable.get(id) ?? null;
  }

  private readonly unreadable = new Map<string, string>();

  async create(input: McpServerInput): Promise<McpServerView> {
    const valid = await this.validate(input, null);
    const now = this.resources.clock.now();
    const row: McpServerRow = { id: newId(), createdAt: now, updatedAt: now, ...this.columns(valid, valid.secrets ?? {}) };
    if (!(await insertMcpServerRow(this.resources, row))) throw nameTaken(valid.name);
    return toView(row);
  }

  /** Replaces a server's configuration; env or headers left out keep their stored values. */
  async update(id: string, input: McpServerInput): Promise<McpServerView> {
    const current = await findMcpServerRow(this.resources, id);
    if (!current) throw new NotFoundError('MCP server', id, ['id']);
    const valid = await this.validate(input, id);
    // Secrets belong to a transport: switching it without new ones drops the old ones.
    const secrets = valid.secrets ?? (valid.transport === current.transport ? this.opened(current) : {});
    const columns = this.columns(valid, secrets);
    const outcome = await updateMcpServerRow(this.resources, id, { ...columns, updatedAt: this.resources.clock.now() });
    if (outcome === 'missing') throw new NotFoundError('MCP server', id, ['id']);
    if (outcome === 'name-taken') throw nameTaken(valid.name);
    return (await this.get(id))!;
  }

  async delete(id: string): Promise<string> {
    if (!(await deleteMcpServerRow(this.resources, id))) throw new NotFoundError('MCP server', id, ['id']);
    return id;
  }

  private columns(valid: ValidInput, secrets: Record<string, string>): Omit<McpServerRow, 'id' | 'createdAt' | 'updatedAt'> {
    const keys = Object.keys(secrets).sort();
    return {
      name: valid.name,
      transport: valid.transport,
      command: valid.command,
      args: valid.args,
      url: valid.url,
      secrets: keys.length ? this.resources.secrets.seal(JSON.stringify(secrets)) : null,
      secretKeys: keys,
      enabled: valid.enabled,
    };
  }

  /** The stored env or headers, opened; a StagentError on the secrets' field when this key cannot open them. */
  private opened(row: McpServerRow): Record<string, string> {
    if (!row.secrets) return {};
    try {
      return JSON.parse(this.resources.secrets.open(row.secrets)) as Record<string, string>;
    } catch {
      const field = row.transport === McpTransport.STDIO ? 'env' : 'headers';
      throw new StagentError(
        ErrorCode.UNAVAILABLE,
        `The stored ${field} of MCP server "${row.name}" cannot be decrypted with this data directory's key (secret.key or STAGENT_SECRET_KEY changed); set its ${field} again with updateMcpServer.`,
        { field: [field] },
      );
    }
  }

  private toConfig(row: McpServerRow): McpServerConfig {
    const view = toView(row);
    let secrets: Record<string, string>;
    try {
      secrets = this.opened(row);
      this.unreadable.delete(row.id);
    } catch (error) {
      this.unreadable.set(row.id, (error as Error).message);
      return { ...view, enabled: false, env: {}, headers: {} };
    }
    const stdio = row.transport === McpTransport.STDIO;
    return { ...view, env: stdio ? secrets : {}, headers: stdio ? {} : secrets };
  }

  private async validate(input: McpServerInput, id: string | null): Promise<ValidInput> {
    const issues: StagentError[] = [];
    const issue = (code: ErrorCode, message: string, ...field: (string | number)[]) => issues.push(new StagentError(code, message, { field }));
    const name = input.name.trim();
    // "__" separates the parts of a tool name (mcp__<server>__<tool>): inside a server name it would make them ambiguous.
    if (!MCP_SERVER_NAME_PATTERN.test(name) || name.includes('__'))
      issue(
        ErrorCode.INVALID_VALUE,
        'A server name is 1 to 32 characters: a lowercase letter, then lowercase letters, digits, "_" or "-", without "__" (its tools reach models as mcp__<name>__<tool>).',
        'name',
      );
    else if (RESERVED_SERVER_NAMES.includes(name))
      issue(ErrorCode.INVALID_VALUE, `"${name}" is reserved: Stagent's own tools use it (mcp__${name}__...). Choose another name.`, 'name');
    else {
      const holder = await mcpServerIdByName(this.resources, name);
      if (holder && holder !== id) issues.push(nameTaken(name));
    }
    const transport = input.transport as McpTransport;
    if (!Object.values(McpTransport).includes(transport)) issue(ErrorCode.INVALID_VALUE, 'The transport is STDIO or STREAMABLE_HTTP.', 'transport');
    const stdio = transport === McpTransport.STDIO;
    const http = transport === McpTransport.STREAMABLE_HTTP;
    const command = input.command?.trim() || null;
    const args = [...(input.args ?? [])];
    const url = input.url?.trim() || null;
    if (stdio) {
      if (!command) issue(ErrorCode.INVALID_VALUE, 'A STDIO server needs the command that starts it.', 'command');
      else if (!(await this.executable(command)))
        issue(ErrorCode.NOT_FOUND, `The command "${command.slice(0, 200)}" is not an executable file nor found on PATH.`, 'command');
      if (args.length > MAX_ENTRIES) issue(ErrorCode.OUT_OF_RANGE, `At most ${MAX_ENTRIES} arguments.`, 'args');
      if (url) issue(ErrorCode.NOT_APPLICABLE, 'A STDIO server has no URL; use STREAMABLE_HTTP to reach a server by URL.', 'url');
      if (hasEntries(input.headers)) issue(ErrorCode.NOT_APPLICABLE, 'A STDIO server has no headers; put credentials in its env.', 'headers');
    }
    if (http) {
      if (!url) issue(ErrorCode.INVALID_VALUE, 'A Streamable HTTP server needs its URL.', 'url');
      else if (!isHttpUrl(url)) issue(ErrorCode.INVALID_VALUE, 'The URL must be an http:// or https:// address.', 'url');
      if (command) issue(ErrorCode.NOT_APPLICABLE, 'A Streamable HTTP server is reached by URL; it has no command.', 'command');
      if (args.length) issue(ErrorCode.NOT_APPLICABLE, 'A Streamable HTTP server has no arguments.', 'args');
      if (hasEntries(input.env)) issue(ErrorCode.NOT_APPLICABLE, 'A Streamable HTTP server has no environment; put credentials in its headers.', 'env');
    }
    const secretsField = stdio ? 'env' : 'headers';
    const given = stdio ? input.env : input.headers;
    const secrets = given == null ? null : stringMap(given, stdio ? ENV_NAME : HEADER_NAME, secretsField, issue);
    if (issues.length) throw new ValidationError(issues);
    return { name, transport, command: stdio ? command : null, args: stdio ? args : [], url: http ? url : null, secrets, enabled: input.enabled ?? true };
  }

  /** Whether a command can be started: an executable file at its path, or a name found on PATH. */
  private async executable(command: string): Promise<boolean> {
    if (!command.includes('/')) return (await findOnPath(command, { env: this.options.env })) !== undefined;
    if (!isAbsolute(command)) return false;
    try {
      await access(command, constants.X_OK);
      return (await stat(command)).isFile();
    } catch {
      return false;
    }
  }
}

interface ValidInput {
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  url: string | null;
  /** Null when the input left env / headers out. */
  secrets: Record<string, string> | null;
  enabled: boolean;
}

function toView(row: McpServerRow): McpServerView {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport as McpTransport,
    command: row.command ?? null,
    args: [...row.args],
    url: row.url ?? null,
    secretKeys: [...row.secretKeys],
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`An MCP server named "${name}" already exists; choose another name or update that server.`, ['name']);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether an env or headers input holds anything (an empty object of the other transport is harmless). */
function hasEntries(given: unknown): boolean {
  return given != null && (typeof given !== 'object' || Object.keys(given).length > 0);
}

/** `{ NAME: "value" }` with names matching `pattern` and string values; each bad entry is an issue under `field`. */
function stringMap(
  given: Record<string, unknown>,
  pattern: RegExp,
  field: string,
  issue: (code: ErrorCode, message: string, ...field: (string | number)[]) => void,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    issue(ErrorCode.WRONG_TYPE, `${field === 'env' ? 'env' : 'headers'} must be an object of names to string values, such as { "API_TOKEN": "…" }.`, field);
    return out;
  }
  const entries = Object.entries(given);
  if (entries.length > MAX_ENTRIES) issue(ErrorCode.OUT_OF_RANGE, `At most ${MAX_ENTRIES} entries.`, field);
  for (const [key, value] of entries) {
    if (!pattern.test(key)) issue(ErrorCode.INVALID_VALUE, `"${key.slice(0, 64)}" is not a valid ${field === 'env' ? 'variable' : 'header'} name.`, field, key);
    else if (typeof value !== 'string') issue(ErrorCode.WRONG_TYPE, `The value of ${key} must be a string.`, field, key);
    else out[key] = value;
  }
  return out;
}
