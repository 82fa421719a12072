// The embedded edge with real clients: nice-grpc-web (fetch transport, as in a browser) against
// the admin API, errors with their structured details, gRPC-web-text, CORS, malformed requests,
// the static UI, and ELS's SDK paths served in-process (WebSocket stream, HTTP, OFREP and its SSE).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientError,
  FetchTransport,
  Status,
  createChannel,
  createClientFactory,
} from 'nice-grpc-web';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  CreateProjectRequest,
  CreateProjectResponse,
  ProjectServiceDefinition,
} from '@vane/gen/web/vane/admin/v1/project_service';
import { vaneCallMiddleware, VaneCallError } from '@vane/grpc-client/web';
import {
  EnvironmentServiceDefinition,
  SecretKind,
} from '@vane/gen/web/vane/admin/v1/environment_service';
import { InsightsServiceDefinition } from '@vane/gen/web/vane/analytics/v1/insights_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/web/vane/admin/v1/feature_flag_service';
import { FeatureFlag, VariationType } from '@vane/gen/web/vane/model/v1/flag';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind, SyncRequest } from '@vane/gen/node/vane/sync/v1/sync';
import { loadEmbeddedConfig } from '../embedded-config.js';
import { startEmbedded } from '../start-embedded.js';
import type { RunningVane } from '../start-embedded.js';

let dir: string;
let vane: RunningVane;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-edge-'));
  const webDist = join(dir, 'web-dist');
  vane = await startEmbedded(
    {
      ...loadEmbeddedConfig({ VANE_DATA_DIR: join(dir, 'data'), VANE_WEB_DIST: webDist }),
      apiGrpcPort: 0,
      apiHttpPort: 0,
      analyticsGrpcPort: 0,
      analyticsHttpPort: 0,
      elsPort: 0,
      edgePort: 0,
    },
    pino({ level: 'silent' }),
  );
  token = vane.ownerToken!;
});

afterAll(async () => {
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** nice-grpc-web clients with Vane's one client middleware, as the UI makes them. */
function clients() {
  const channel = createChannel(vane.urls.edge, FetchTransport());
  const factory = createClientFactory().use(vaneCallMiddleware({ token }));
  return {
    projects: factory.create(ProjectServiceDefinition, channel),
    environments: factory.create(EnvironmentServiceDefinition, channel),
    insights: factory.create(InsightsServiceDefinition, channel),
    flags: factory.create(FeatureFlagServiceDefinition, channel),
  };
}

/** A gRPC-web frame around one encoded message. */
function frame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, Buffer.from(message)]);
}

/** Decodes a gRPC-web-text body: base64 chunks, each padded, back to back (one per frame). */
function fromText(text: string): Buffer {
  return Buffer.concat(text.split(/(?<==)(?=[^=])/).map((c) => Buffer.from(c, 'base64')));
}

/** Splits a gRPC-web response body into its data messages and its trailers. */
function unframe(body: Buffer): { messages: Buffer[]; trailers: Record<string, string> } {
  const messages: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const flags = body[at]!;
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flags & 0x80) {
      for (const line of payload.toString('latin1').split('\r\n').filter(Boolean)) {
        const colon = line.indexOf(':');
        trailers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    } else {
      messages.push(Buffer.from(payload));
    }
  }
  return { messages, trailers };
}

describe('embedded edge: gRPC-web', () => {
  it('serves the admin API to a real gRPC-web client', async () => {
    const { projects, environments } = clients();
    const { project } = await projects.createProject({
      key: 'web-shop',
      name: 'Web shop',
      description: 'made over gRPC-web',
    });
    expect(project?.key).toBe('web-shop');
    const { environment } = await environments.createEnvironment({
      projectId: project!.id,
      key: 'prod',
      name: 'Production',
      description: '',
    });
    expect(environment?.secrets.map((s) => s.kind).sort()).toEqual(
      [SecretKind.SECRET_KIND_SERVER, SecretKind.SECRET_KIND_CLIENT].sort(),
    );
    const listed = await projects.listProjects({ query: 'web', page: undefined });
    expect(listed.projects.map((p) => p.key)).toEqual(['web-shop']);
  });

  it('returns gRPC errors with grpc-message and the structured details trailer', async () => {
    const { projects } = clients();
    const error = await projects
      .createProject({ key: 'bad key!', name: '' })
      .catch((e: unknown) => e);
    // The middleware decoded `grpc-status-details-bin`: the bridge forwarded the trailer intact.
    expect(error).toBeInstanceOf(VaneCallError);
    const { code, details, info } = error as VaneCallError;
    expect(code).toBe(Status.INVALID_ARGUMENT);
    expect(details).toMatch(/key/);
    expect(info?.fieldViolations.map((v) => v.field)).toEqual(
      expect.arrayContaining(['key', 'name']),
    );
  });

  it('answers UNAUTHENTICATED without a token, and reaches the analytics service path', async () => {
    const channel = createChannel(vane.urls.edge, FetchTransport());
    const anonymous = createClientFactory().create(ProjectServiceDefinition, channel);
    const error = await anonymous.listProjects({}).catch((e: unknown) => e);
    expect((error as ClientError).code).toBe(Status.UNAUTHENTICATED);
    // Analytics is internal (its own token): the bridge forwards the call and its refusal.
    const { insights } = clients();
    const refused = await insights
      .getFlagInsights({ envId: 'x', flagKey: 'y' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).code).toBe(Status.UNAUTHENTICATED);
  });

  it('speaks application/grpc-web-text (base64 framing)', async () => {
    const body = frame(
      CreateProjectRequest.encode({ key: 'text-mode', name: 'Text', description: '' }).finish(),
    ).toString('base64');
    const res = await fetch(`${vane.urls.edge}/vane.admin.v1.ProjectService/CreateProject`, {
      method: 'POST',
      headers: {
        'content-type': 'application/grpc-web-text',
        'x-grpc-web': '1',
        authorization: `Bearer ${token}`,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/grpc-web-text+proto');
    const decoded = unframe(fromText(await res.text()));
    expect(decoded.trailers['grpc-status']).toBe('0');
    expect(CreateProjectResponse.decode(decoded.messages[0]!).project?.key).toBe('text-mode');
  });

  it('answers CORS preflights and exposes the status headers', async () => {
    const path = `${vane.urls.edge}/vane.admin.v1.ProjectService/ListProjects`;
    const pre = await fetch(path, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-grpc-web',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const res = await fetch(path, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/grpc-web+proto' },
      body: frame(new Uint8Array()),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toContain('grpc-status-details-bin');
  });

  it('refuses malformed, streamed, oversized and non-gRPC-web requests clearly', async () => {
    const path = `${vane.urls.edge}/vane.admin.v1.ProjectService/ListProjects`;
    const post = (body: Buffer, type = 'application/grpc-web+proto') =>
      fetch(path, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${token}` },
        body,
      });
    const truncated = unframe(
      Buffer.from(await (await post(Buffer.from([0, 0, 0, 0, 9, 1]))).arrayBuffer()),
    );
    expect(truncated.trailers['grpc-status']).toBe(String(Status.INTERNAL));
    expect(decodeURIComponent(truncated.trailers['grpc-message']!)).toMatch(/announces 9 bytes/);
    const two = unframe(
      Buffer.from(
        await (
          await post(Buffer.concat([frame(new Uint8Array()), frame(new Uint8Array())]))
        ).arrayBuffer(),
      ),
    );
    expect(decodeURIComponent(two.trailers['grpc-message']!)).toMatch(/exactly one message/);
    const big = unframe(
      Buffer.from(await (await post(Buffer.alloc(5 * 1024 * 1024))).arrayBuffer()),
    );
    expect(big.trailers['grpc-status']).toBe(String(Status.RESOURCE_EXHAUSTED));
    const notBase64 = unframe(
      Buffer.from(
        await (await post(Buffer.from('%%%'), 'application/grpc-web-text')).text(),
        'base64',
      ),
    );
    expect(notBase64.trailers['grpc-status']).toBe(String(Status.INTERNAL));
    const json = await post(Buffer.from('{}'), 'application/json');
    expect(json.status).toBe(415);
    expect(await json.text()).toMatch(/application\/grpc-web/);
    const get = await fetch(path);
    expect(get.status).toBe(405);
    // The platform still answers after all that.
    const { projects } = clients();
    await expect(projects.listProjects({ query: '', page: undefined })).resolves.toBeDefined();
  });

  it('forwards an unknown method and returns UNIMPLEMENTED', async () => {
    const res = await fetch(`${vane.urls.edge}/vane.admin.v1.NoSuchService/Nothing`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${token}` },
      body: frame(new Uint8Array()),
    });
    const { trailers } = unframe(Buffer.from(await res.arrayBuffer()));
    expect(trailers['grpc-status']).toBe(String(Status.UNIMPLEMENTED));
  });
});

describe('embedded edge: admin UI and SDK paths', () => {
  it('says the UI is not built, then serves it with an SPA fallback once it is', async () => {
    const before = await fetch(`${vane.urls.edge}/flags`);
    expect(await before.text()).toMatch(/admin UI is not built/);
    const webDist = join(dir, 'web-dist');
    await mkdir(join(webDist, 'assets'), { recursive: true });
    await writeFile(join(webDist, 'index.html'), '<!doctype html><title>Vane</title>');
    await writeFile(join(webDist, 'assets', 'app.js'), 'console.log(1)');
    const page = await fetch(`${vane.urls.edge}/projects/shop/flags`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vane</title>');
    const asset = await fetch(`${vane.urls.edge}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // A rebuild while Vane runs (new hashed names) is served without a restart.
    await writeFile(join(webDist, 'assets', 'app-2.js'), 'console.log(2)');
    const rebuilt = await fetch(`${vane.urls.edge}/assets/app-2.js`);
    expect(await rebuilt.text()).toBe('console.log(2)');
  });

  it('serves the SDK WebSocket stream through ELS', async () => {
    const { projects, environments } = clients();
    const { project } = await projects.createProject({
      key: 'sdk-proxy',
      name: 'SDK proxy',
      description: '',
    });
    const { environment } = await environments.createEnvironment({
      projectId: project!.id,
      key: 'dev',
      name: 'Dev',
      description: '',
    });
    const secret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_SERVER,
    )!.value;
    const ws = new WebSocket(`${vane.urls.edgeSdkStream}?kind=server`, [
      'vane.sync.v1',
      `vane.secret.${secret}`,
    ]);
    const first = new Promise<ServerFrame>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(ServerFrame.decode(new Uint8Array(data))));
      ws.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      ClientFrame.encode(
        ClientFrame.fromPartial({
          kind: { $case: 'sync', value: SyncRequest.fromPartial({ requestId: 1 }) },
        }),
      ).finish(),
    );
    const reply = await first;
    expect(reply.kind?.$case === 'sync' && reply.kind.value.kind).toBe(SyncKind.SYNC_KIND_FULL);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it('passes ELS answers to plain HTTP requests on the SDK paths through', async () => {
    // A wrong secret: ELS (not the edge) refuses the upgrade-less request.
    const res = await fetch(`${vane.urls.edge}/sdk/v1/stream?kind=server`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toMatch(/admin UI/);
  });

  it('serves OFREP and its event stream: a flag made over gRPC-web evaluates and changes through the edge', async () => {
    const { projects, environments, flags } = clients();
    const { project } = await projects.createProject({
      key: 'ofrep',
      name: 'OFREP',
      description: '',
    });
    const { environment } = await environments.createEnvironment({
      projectId: project!.id,
      key: 'dev',
      name: 'Dev',
      description: '',
    });
    await flags.createFeatureFlag({
      envId: environment!.id,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'dark-mode',
        name: 'Dark mode',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        isEnabled: true,
      }),
    });
    const secret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_CLIENT,
    )!.value;
    const res = await fetch(`${vane.urls.edge}/ofrep/v1/evaluate/flags/dark-mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'dark-mode', value: true });

    // The bulk answer's SSE stream, through the edge too: a change arrives as an event.
    const bulk = await fetch(`${vane.urls.edge}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
    });
    const { eventStreams } = (await bulk.json()) as {
      eventStreams: { endpoint: { requestUri: string } }[];
    };
    const stream = await fetch(`${vane.urls.edge}${eventStreams[0]!.endpoint.requestUri}`);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(': connected');
    await flags.toggleFeatureFlag({ envId: environment!.id, key: 'dark-mode', enabled: false });
    await readUntil('refetchEvaluation');
    await reader.cancel();
  });
});
