/**
 * A STDIO client transport for MCP that owns its child process completely. The SDK's
 * StdioClientTransport adds LOGNAME, SHELL, TERM and USER to any environment it is given, reports
 * no exit code, and on close waits 2 s for stdin EOF before SIGTERM; here the child gets exactly
 * the environment we build, its exit code or signal and a bounded stderr tail say why it ended,
 * and close() sends SIGTERM, then SIGKILL after a short grace, and returns once the child is reaped.
 * Framing is the SDK's own (ReadBuffer, serializeMessage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpTransportClosedError } from './mcp-errors.js';

export interface StdioProcessOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Characters of stderr kept (the tail). Default 4,000. */
  stderrLimit?: number;
  /** How long close() waits after SIGTERM before SIGKILL. Default 1,000 ms. */
  killGraceMs?: number;
}

/** The last `limit` characters written to a stream. */
class TextTail {
  private text = '';
  constructor(private readonly limit: number) {}
  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private child?: ChildProcess;
  private readonly readBuffer = new ReadBuffer();
  private readonly stderrTail: TextTail;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private spawnError: Error | null = null;
  private closed?: Promise<void>;

  constructor(private readonly options: StdioProcessOptions) {
    this.stderrTail = new TextTail(options.stderrLimit ?? 4000);
  }

  /** The child's pid while it runs. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Why the child is gone (exit code or signal, then its last stderr lines), or null while it runs. */
  exitReason(): string | null {
    const stderr = this.stderrTail.toString().trim();
    let reason: string | null = null;
    if (this.spawnError) reason = `could not start "${this.options.command}": ${this.spawnError.message}`;
    else if (this.exit?.signal) reason = `the process was killed by ${this.exit.signal}`;
    else if (this.exit) reason = `the process exited with code ${this.exit.code}`;
    if (reason === null) return null;
    return stderr ? `${reason}; its stderr ended with: ${stderr}` : reason;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: this.options.env,
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      let finished: () => void = () => {};
      this.closed = new Promise((done) => (finished = done));
      let ended = false;
      // Once, whichever comes: 'close' after the exit, or a spawn that failed ('error', then 'close').
      const end = () => {
        if (ended) return;
        ended = true;
        this.child = undefined;
        finished();
        this.onclose?.();
      };
      child.once('spawn', () => resolve());
      child.on('error', (error) => {
        if (child.pid !== undefined) return this.onerror?.(error);
        this.spawnError = error;
        reject(error);
        end();
      });
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        // A grandchild holding our pipes would keep 'close' from ever coming: end them shortly after the exit.
        setTimeout(() => {
          child.stdin?.destroy();
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, 200).unref();
      });
      child.on('close', end);
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        this.readBuffer.append(chunk);
        this.drainMessages();
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => this.stderrTail.append(chunk));
    });
  }

  private drainMessages(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.readBuffer.readMessage();
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new McpTransportClosedError(String(error)));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new McpTransportClosedError('Cannot send to the MCP server'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the child: stdin closed and SIGTERM, SIGKILL after the grace; resolves once it is reaped. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || !this.closed) return;
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const grace = this.options.killGraceMs ?? 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([this.closed.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace)))]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.closed;
    }
    this.readBuffer.clear();
  }
}
