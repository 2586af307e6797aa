import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import { textMessageSender } from './subscription-delivery.js';

let server: WebSocketServer | null = null;
afterEach(async () => {
  const closing = server;
  server = null;
  if (closing) await new Promise((resolve) => closing.close(resolve));
});

/**
 * Opens a real ws server and client; `write` gets the server side of the connection. Resolves
 * with the texts the client received (`expected` of them) and how often `socket.send` was used.
 */
async function deliver(options: ServerOptions, expected: number, write: (socket: WebSocket) => void): Promise<{ texts: string[]; sends: number }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await new Promise((resolve) => server!.once('listening', resolve));
  let sends = 0;
  server.on('connection', (socket) => {
    const send = socket.send.bind(socket);
    socket.send = ((...args: Parameters<WebSocket['send']>) => {
      sends += 1;
      return send(...args);
    }) as WebSocket['send'];
    write(socket);
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { maxPayload: 256 * 1024 * 1024 });
  const texts: string[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('message', (data, isBinary) => {
      texts.push(isBinary ? `binary:${data.toString()}` : data.toString());
      if (texts.length === expected) resolve();
    });
    client.on('error', reject);
  });
  client.close();
  return { texts, sends };
}

const prefix = Buffer.from('{"id":"a-subscriber","type":"next","payload":');
const suffix = Buffer.from('}');
/** Bodies across every frame-length encoding: 7-bit, 16-bit and 64-bit lengths, and over the one-buffer limit. */
const bodies = [10, 80, 125, 126, 5_000, 40_000, 65_536, 300_000].map((size, i) =>
  Buffer.from(JSON.stringify({ data: { seq: i, text: 'é'.repeat(Math.floor(size / 2)) } })),
);
const expectedTexts = bodies.map((body) => `${prefix}${body}${suffix}`);

describe('textMessageSender', () => {
  it('writes whole text frames to the TCP socket that a standard client reads back, in order, for every length encoding', async () => {
    const { texts, sends } = await deliver({}, bodies.length, (socket) => {
      const send = textMessageSender(socket);
      for (const body of bodies) send(prefix, [body], suffix);
    });
    expect(texts).toEqual(expectedTexts);
    expect(sends).toBe(0);
  });

  it('writes a batch (small ones in one buffer, large ones without copying the body) as separate messages', async () => {
    const { texts, sends } = await deliver({}, bodies.length * 2, (socket) => {
      const send = textMessageSender(socket);
      send(prefix, bodies.slice(0, 3), suffix);
      send(prefix, bodies.slice(3), suffix);
      send(prefix, bodies, suffix);
    });
    expect(texts).toEqual([...expectedTexts, ...expectedTexts]);
    expect(sends).toBe(0);
  });

  it('leaves the bodies shared between subscribers untouched', async () => {
    const copies = bodies.map((body) => Buffer.from(body));
    await deliver({}, bodies.length, (socket) => textMessageSender(socket)(prefix, bodies, suffix));
    expect(bodies.every((body, i) => body.equals(copies[i]!))).toBe(true);
  });

  it('goes through ws when the connection negotiated compression, with the same messages', async () => {
    const { texts, sends } = await deliver({ perMessageDeflate: true }, bodies.length, (socket) => {
      expect(socket.extensions).toContain('permessage-deflate');
      textMessageSender(socket)(prefix, bodies, suffix);
    });
    expect(texts).toEqual(expectedTexts);
    expect(sends).toBe(bodies.length);
  });

  it('keeps the order behind a message ws still holds (a Blob it is reading)', async () => {
    const { texts, sends } = await deliver({}, 3, (socket) => {
      const send = textMessageSender(socket);
      socket.send(new Blob(['read asynchronously by ws']));
      send(prefix, [bodies[0]!], suffix);
      send(prefix, [bodies[1]!], suffix);
    });
    expect(texts).toEqual(['binary:read asynchronously by ws', expectedTexts[0], expectedTexts[1]]);
    expect(sends).toBe(3);
  });
});
