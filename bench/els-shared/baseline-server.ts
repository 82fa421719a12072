// The baseline of every ELS benchmark: a raw `ws` server that does the least possible work. It
// answers every message with one pre-encoded reply and broadcasts one pre-encoded frame to every
// socket; no parsing, no authentication, no state.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A running baseline server. */
export interface BaselineServer {
  readonly port: number;
  /** Open sockets. */
  readonly clients: number;
  /** Sends `frame` to every open socket. */
  broadcast(frame: Uint8Array): void;
  stop(): Promise<void>;
}

/** Starts a baseline server on loopback that answers any message with `reply`. */
export async function startBaselineServer(reply: Uint8Array): Promise<BaselineServer> {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has('vane.sync.v1') ? 'vane.sync.v1' : false),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const answer = Buffer.from(reply);
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', () => ws.send(answer));
  });
  return {
    port: (wss.address() as AddressInfo).port,
    get clients() {
      return wss.clients.size;
    },
    broadcast: (frame) => {
      const bytes = Buffer.from(frame);
      for (const ws of wss.clients) ws.send(bytes);
    },
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
