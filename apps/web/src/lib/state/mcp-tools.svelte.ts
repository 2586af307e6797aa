import type { Client } from '@urql/core';
import { McpServersQuery } from '$lib/graphql/mcp';
import { McpToolCatalogQuery } from '$lib/graphql/tools';

/** A value the tool picker offers, with what it means. */
export interface ToolOption {
  value: string;
  label: string;
}

export interface CatalogTool {
  server: string;
  qualifiedName: string;
  description: string | null;
}

/** Longest description shown in a picker's option, characters. */
const OPTION_LABEL_MAX = 90;

/**
 * The registered MCP servers and their tools, for the grant picker and for describing a tool
 * call. Server names come first (a table read); tools follow, since asking for them connects
 * servers that are not connected yet.
 */
export class McpToolCatalog {
  #client: Client;
  #servers = $state<string[] | null>(null);
  #tools = $state<CatalogTool[] | null>(null);
  #error = $state<string | null>(null);
  #loading: Promise<void> | null = null;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Names of the registered servers; null while loading. */
  get servers(): string[] | null {
    return this.#servers;
  }

  /** Every listed tool; null until the servers have answered. */
  get tools(): CatalogTool[] | null {
    return this.#tools;
  }

  get error(): string | null {
    return this.#error;
  }

  /** What a grant may name: each server's tools and its glob, then every tool of every server. */
  get options(): ToolOption[] {
    const options: ToolOption[] = [];
    for (const server of this.#servers ?? []) {
      for (const tool of (this.#tools ?? []).filter((t) => t.server === server))
        options.push({ value: tool.qualifiedName, label: shorten(tool.description ?? '') || `a tool of ${server}` });
      options.push({ value: `mcp__${server}__*`, label: `every tool of ${server}` });
    }
    if (options.length) options.push({ value: 'mcp__*', label: 'every tool of every server' });
    return options;
  }

  /** A tool's description, as its server gives it (untrusted text); null when unknown. */
  description(qualifiedName: string): string | null {
    return this.#tools?.find((t) => t.qualifiedName === qualifiedName)?.description ?? null;
  }

  /** Loads once (later calls wait for the same load). */
  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    const names = this.#client
      .query(McpServersQuery, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((r) => {
        if (r.data && this.#servers === null) this.#servers = r.data.mcpServers.map((s) => s.name);
        else if (r.error) this.#error = r.error.message;
      });
    const tools = this.#client
      .query(McpToolCatalogQuery, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((r) => {
        if (!r.data) return void (this.#error ??= r.error?.message ?? 'The servers returned no tools.');
        this.#servers = r.data.mcpServers.map((s) => s.name);
        this.#tools = r.data.mcpServers.flatMap((s) =>
          s.tools.map((t) => ({ server: s.name, qualifiedName: t.qualifiedName, description: t.description ?? null })),
        );
      });
    await Promise.all([names, tools]);
  }
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > OPTION_LABEL_MAX ? `${line.slice(0, OPTION_LABEL_MAX - 1)}…` : line;
}
