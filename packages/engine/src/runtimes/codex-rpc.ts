import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * JSON-RPC over stdio with `codex app-server` (one JSON message per line, the `jsonrpc` field
 * omitted on the wire as the app server allows). Requests we send get their response by id;
 * notifications and the server's own requests (approvals) go to the handlers. The process runs
 * in its own process group, so `kill()` ends it and everything it started (sandboxed commands,
 * the code-mode host) at once.
 */

/** A JSON-RPC error answer. */
export interface RpcErrorBody {
  code: number;
  message: string;
}

/** What the client reports to its owner. */
export interface CodexRpcHandlers {
  onNotification(method: string, params: Record<string, unknown>): void;
  /** A request from the server (an approval); resolves to the result sent back. */
  onServerRequest(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** The process ended (exit code or signal) or could not start (`error`). */
  onExit(info: { code: number | null; signal: string | null; error?: string; stderr: string }): void;
}

/** A request that failed with the server's error answer, or because the process ended. */
export class CodexRpcFailure extends Error {
  constructor(
    message: string,
    readonly rpcCode?: number,
  ) {
    super(message);
    this.name = 'CodexRpcFailure';
  }
}

/** The app server's subprocess and its JSON-RPC connection. */
export class CodexRpc {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: CodexRpcFailure): void }>();
  private nextId = 1;
  private stderr = '';
  private exited = false;

  constructor(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }, handlers: CodexRpcHandlers) {
    this.child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    // Keep the tail only: it explains a start-up failure (a wrong binary, a bad override).
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString('utf8')).slice(-4000)));
    this.child.stdin!.on('error', () => {});
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (line) => this.receive(line, handlers));
    const ended = (info: { code: number | null; signal: string | null; error?: string }) => {
      if (this.exited) return;
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new CodexRpcFailure(`codex app-server ended (${info.error ?? info.signal ?? `exit code ${info.code}`})`));
      this.pending.clear();
      handlers.onExit({ ...info, stderr: this.stderr });
    };
    this.child.on('error', (err) => ended({ code: null, signal: null, error: err.message }));
    this.child.on('exit', (code, signal) => ended({ code, signal }));
  }

  /** Sends a request and waits for its result. */
  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new CodexRpcFailure('codex app-server is not running'));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ id, method, params });
    });
  }

  /** Sends a notification (no answer). */
  notify(method: string, params?: unknown): void {
    this.write(params === undefined ? { method } : { method, params });
  }

  /** Ends the process group at once (SIGKILL): a stop must not let the CLI send another request. */
  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private write(message: Record<string, unknown>): void {
    if (!this.exited) this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private receive(line: string, handlers: CodexRpcHandlers): void {
    let msg: { id?: number | string; method?: string; params?: Record<string, unknown>; result?: unknown; error?: RpcErrorBody };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // not a protocol line (the CLI never writes anything else to stdout)
    }
    if (msg.method && msg.id !== undefined) {
      const id = msg.id;
      handlers.onServerRequest(msg.method, msg.params ?? {}).then(
        (result) => this.write({ id, result }),
        (err: unknown) => this.write({ id, error: { code: -32603, message: err instanceof Error ? err.message : String(err) } }),
      );
    } else if (msg.method) {
      handlers.onNotification(msg.method, msg.params ?? {});
    } else if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new CodexRpcFailure(msg.error.message, msg.error.code));
      else p?.resolve(msg.result);
    }
  }
}
