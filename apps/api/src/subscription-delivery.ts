import { WebSocket } from 'ws';
import { WS_SUBSCRIBER_TOO_SLOW } from './config.js';
import type { DirectDelivery } from './shared-subscription-results.js';

/** The TCP socket under a `ws` WebSocket (an internal field of ws 8). */
interface RawSocket {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
  readonly writable: boolean;
}

/** The parts of a `ws` WebSocket the raw write path relies on (internal fields of ws 8). */
interface WsInternals {
  _socket?: Partial<RawSocket> | null;
  _sender?: { _queue?: unknown; _state?: unknown } | null;
}

/** Frames up to this size are assembled in one buffer (one write, no cork); larger ones share the body without copying it. */
const COPY_LIMIT = 16 * 1024;
/** The end of graphql-ws's `next` message around the payload. */
const NEXT_SUFFIX = Buffer.from('}');
/** FIN bit + opcode 1 (text): a whole text message in one frame (RFC 6455, section 5.2). */
const FIN_TEXT = 0x81;

/** Size of a server-to-client frame header (never masked) for a payload of `length` bytes. */
function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes that header at `offset` of `target`; returns the offset after it. */
function writeHeader(target: Buffer, offset: number, length: number): number {
  target[offset] = FIN_TEXT;
  if (length < 126) {
    target[offset + 1] = length;
    return offset + 2;
  }
  if (length < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  target[offset + 1] = 127;
  target.writeUInt32BE(Math.floor(length / 2 ** 32), offset + 2);
  target.writeUInt32BE(length >>> 0, offset + 6);
  return offset + 10;
}

/**
 * Access to the TCP socket under `socket`, or null when this ws version lacks the fields the raw
 * path relies on. `idle()` says whether a frame may be written to it now: ws 8's sender has
 * nothing queued behind a Blob read or a compression, so the order of messages is kept.
 */
function rawAccess(socket: WebSocket): { raw: RawSocket; idle(): boolean } | null {
  const { _socket: raw, _sender: sender } = socket as unknown as WsInternals;
  if (!raw || typeof raw.write !== 'function' || typeof raw.cork !== 'function' || typeof raw.uncork !== 'function') return null;
  if (!sender || !Array.isArray(sender._queue) || !('_state' in sender)) return null;
  return { raw: raw as RawSocket, idle: () => raw.writable !== false && (sender._queue as unknown[]).length === 0 && sender._state === 0 };
}

/** Sends text messages `prefix + body + suffix`, one per body, to one WebSocket. */
export type TextMessageSender = (prefix: Buffer, bodies: readonly Buffer[], suffix: Buffer) => void;

/**
 * A {@link TextMessageSender} for `socket` (once the handshake is done). `prefix` is the
 * subscriber's own, `body` is shared by every subscriber of an event: it is never copied into a
 * string per subscriber, and never modified. Small batches go out as one buffer in one write;
 * what ws would do per message (encode the string, allocate a header, cork a two-buffer write)
 * was the bulk of a fan-out's allocations. A connection that negotiated compression always goes
 * through ws (its frames must be compressed).
 */
export function textMessageSender(socket: WebSocket): TextMessageSender {
  const direct = socket.extensions === '' ? rawAccess(socket) : null;
  return (prefix, bodies, suffix) => {
    if (direct?.idle()) return writeFrames(direct.raw, prefix, bodies, suffix);
    for (const body of bodies) socket.send(Buffer.concat([prefix, body, suffix]), { binary: false });
  };
}

/** Writes one unmasked text frame per body to the TCP socket. */
function writeFrames(raw: RawSocket, prefix: Buffer, bodies: readonly Buffer[], suffix: Buffer): void {
  let total = 0;
  for (const body of bodies) {
    const length = prefix.length + body.length + suffix.length;
    total += headerSize(length) + length;
  }
  if (total <= COPY_LIMIT) {
    const frames = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const body of bodies) {
      offset = writeHeader(frames, offset, prefix.length + body.length + suffix.length);
      offset += prefix.copy(frames, offset);
      offset += body.copy(frames, offset);
      offset += suffix.copy(frames, offset);
    }
    raw.write(frames);
    return;
  }
  raw.cork();
  for (const body of bodies) {
    const length = prefix.length + body.length + suffix.length;
    const head = Buffer.allocUnsafe(headerSize(length) + prefix.length);
    prefix.copy(head, writeHeader(head, 0, length));
    raw.write(head);
    raw.write(body);
    raw.write(suffix);
  }
  raw.uncork();
}

/**
 * A promise that settles once the TCP socket under `socket` has written out what it buffered
 * (its `drain`), or the WebSocket closed. Null when the socket is not reachable (then a replay
 * does not wait; live events still meet the unread limit).
 */
function drained(socket: WebSocket): Promise<void> | null {
  const raw = (socket as unknown as { _socket?: { once?: unknown; off?: unknown } | null })._socket;
  if (!raw || typeof raw.once !== 'function' || typeof raw.off !== 'function') return null;
  const tcp = raw as { once(event: 'drain', listener: () => void): void; off(event: 'drain', listener: () => void): void };
  return new Promise((resolve) => {
    const done = (): void => {
      tcp.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    tcp.once('drain', done);
    socket.once('close', done);
  });
}

/**
 * Sends a subscription's `next` messages straight to its socket, in graphql-ws's format. Each
 * payload comes serialized once per event and shared by all subscribers of the same operation;
 * the events of one transaction come together and go out in one write. Nothing is held back
 * beyond that: the clients start reading while the server still writes to the others (holding a
 * burst until every socket had its share measured slower, p50 and p99).
 *
 * Unread bytes are what the socket holds that the kernel has not taken (`bufferedAmount`). A live
 * write that finds more than `maxUnreadBytes` closes the subscriber with 4413; a replay instead
 * waits, before its next page of stored events, until the socket has drained below the limit.
 */
export function directDelivery(socket: WebSocket, id: string, maxUnreadBytes: number): DirectDelivery {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const send = textMessageSender(socket);
  return {
    send(payloadJsons) {
      if (socket.readyState !== WebSocket.OPEN) return;
      // What the kernel would not take yet waits in this process: a subscriber that stopped
      // reading is closed rather than buffered for without bound. Its events stay in the store.
      if (socket.bufferedAmount > maxUnreadBytes) {
        socket.close(WS_SUBSCRIBER_TOO_SLOW, 'Too many unread events: subscribe again with afterSeq to resume.');
        return;
      }
      send(prefix, payloadJsons, NEXT_SUFFIX);
    },
    whenReady() {
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount <= maxUnreadBytes) return null;
      return drained(socket);
    },
  };
}
