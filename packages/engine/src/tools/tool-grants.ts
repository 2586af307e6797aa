/**
 * Tool grants: which MCP tools a step may use and whether each call runs at once (AUTO), waits
 * for a person (ASK) or is refused (DENY). A grant names a qualified tool (`mcp__files__read_text_file`)
 * or a glob over them (`mcp__files__*`, `mcp__*`). The step's grants are read first, then its
 * agent profile's, then the workflow's; the first grant that matches decides. No grant, no tool.
 */
import { MCP_SERVER_NAME_PATTERN } from './mcp/tool-names.js';

export const ToolApproval = {
  /** The call runs at once. */
  AUTO: 'AUTO',
  /** The step waits (WAITING_APPROVAL) until a person resolves the call. */
  ASK: 'ASK',
  /** The call does not run; the model is told it was refused and the step goes on. */
  DENY: 'DENY',
} as const;
export type ToolApproval = (typeof ToolApproval)[keyof typeof ToolApproval];

/** One grant as stored on a workflow or step definition. */
export interface ToolGrant {
  /** A qualified tool name or a glob over them (`*` matches any characters). */
  tool: string;
  approval: ToolApproval;
}

/** Most grants per workflow or step. */
export const MAX_GRANTS = 50;

/** A grant's tool pattern split into its server and tool parts (either may hold `*`). */
export interface GrantPattern {
  server: string;
  tool: string;
}

const SERVER_GLOB = /^[a-z*][a-z0-9_*-]{0,31}$/;
/** MCP tool names: letters, digits, `_`, `-`, `.` and `/` (the spec's set), plus `*` in a glob. */
const TOOL_GLOB = /^[A-Za-z0-9_.\-/*]{1,128}$/;

/**
 * The server and tool parts of a grant's pattern, or a sentence on what is wrong with it.
 * `mcp__*` alone means every tool of every server.
 */
export function parseGrantPattern(pattern: string): GrantPattern | string {
  const help = 'Name a tool as mcp__<server>__<tool>, or a glob such as mcp__files__* or mcp__*.';
  if (!pattern.startsWith('mcp__')) return `"${pattern}" is not an MCP tool. ${help}`;
  const rest = pattern.slice('mcp__'.length);
  if (rest === '*') return { server: '*', tool: '*' };
  const at = rest.indexOf('__');
  if (at <= 0) return `"${pattern}" names no server and tool. ${help}`;
  const server = rest.slice(0, at);
  const tool = rest.slice(at + 2);
  if (!SERVER_GLOB.test(server) || server.includes('__')) return `"${server}" cannot be a server name: names match ${MCP_SERVER_NAME_PATTERN.source}. ${help}`;
  if (!TOOL_GLOB.test(tool)) return `"${tool}" cannot be a tool name: use letters, digits, _ - . / (and * in a glob). ${help}`;
  return { server, tool };
}

export function isGlob(part: string): boolean {
  return part.includes('*');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<string, RegExp>();
/** Whether `grant` (a qualified name or glob) covers the qualified tool name `qualified`. */
export function grantMatches(grant: string, qualified: string): boolean {
  if (!isGlob(grant)) return grant === qualified;
  let re = compiled.get(grant);
  if (!re) compiled.set(grant, (re = globToRegExp(grant)));
  return re.test(qualified);
}

/**
 * The approval for a tool from grant lists in the order they are read (a step's, its profile's,
 * the workflow's); the first grant that matches decides. Null: not granted.
 */
export function approvalFor(qualified: string, layers: readonly (readonly ToolGrant[] | null | undefined)[]): ToolApproval | null {
  for (const grants of layers) for (const grant of grants ?? []) if (grantMatches(grant.tool, qualified)) return grant.approval;
  return null;
}

/**
 * Runtimes that run their own tool loop and so cannot stop a step to wait for an ASK approval
 * (claude-code's CLI owns its loop: a step cannot stop mid-turn without holding the process).
 * ASK grants that would reach a step on one of them are refused where they are written.
 */
export const RUNTIMES_WITHOUT_APPROVALS: readonly string[] = ['claude-code'];

/** The server names a set of grants can reach, among `servers` (a glob reaches every server it matches). */
export function serversReachedBy(grants: readonly ToolGrant[], servers: readonly string[]): string[] {
  return servers.filter((server) =>
    grants.some((g) => {
      const p = parseGrantPattern(g.tool);
      return typeof p !== 'string' && (isGlob(p.server) ? globToRegExp(p.server).test(server) : p.server === server);
    }),
  );
}
