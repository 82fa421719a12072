// Validates docker-compose.yml against the Compose Specification's JSON schema, since no Docker
// engine runs on the development and CI machines. Also checks that every `build` names a
// Dockerfile that exists and every bind-mounted file is in the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The Compose Specification schema ships in compose-go, the loader Docker Compose itself uses. */
const COMPOSE_GO = 'github.com/compose-spec/compose-go/v2@v2.16.2';

/** Fetches (once, into the Go module cache) and parses the Compose Specification JSON schema. */
export function loadComposeSchema(): Record<string, unknown> {
  const out = execFileSync('go', ['mod', 'download', '-json', COMPOSE_GO], { encoding: 'utf8' });
  const { Dir } = JSON.parse(out) as { Dir: string };
  return JSON.parse(readFileSync(join(Dir, 'schema', 'compose-spec.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Returns every problem found in a compose file's text (empty when valid). */
export function checkCompose(
  text: string,
  baseDir: string,
  schema: Record<string, unknown> = loadComposeSchema(),
): string[] {
  let doc: unknown;
  try {
    doc = parse(text, { merge: true });
  } catch (err) {
    return [`YAML: ${(err as Error).message}`];
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // Compose-specific string formats: accepted as strings (Compose parses them itself).
  for (const format of ['duration', 'ports', 'expose', 'subnet_ip_address'])
    ajv.addFormat(format, true);
  const validate = ajv.compile(schema);
  const problems: string[] = [];
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) {
      const params = e.params as Record<string, unknown>;
      const key = (params.additionalProperty ?? params.unevaluatedProperty) as string | undefined;
      const extra = key === undefined ? '' : ` '${key}'`;
      problems.push(`schema: ${e.instancePath || '/'} ${e.message ?? ''}${extra}`);
    }
    return problems;
  }
  const services = (doc as { services?: Record<string, ServiceDef> }).services ?? {};
  const declaredVolumes = new Set(
    Object.keys((doc as { volumes?: Record<string, unknown> }).volumes ?? {}),
  );
  for (const [name, svc] of Object.entries(services)) {
    // What the schema cannot see but `docker compose up` refuses or gets wrong: a dependency on a
    // service that does not exist, a wait for health on a service without a health check, and a
    // named volume that is not declared.
    const dependsOn: Record<string, { condition?: string }> = Array.isArray(svc.depends_on)
      ? Object.fromEntries(svc.depends_on.map((d) => [d, {}]))
      : (svc.depends_on ?? {});
    for (const [dep, spec] of Object.entries(dependsOn)) {
      const target = services[dep];
      if (!target) {
        problems.push(`services.${name}.depends_on: no service named ${dep}`);
      } else if (spec.condition === 'service_healthy' && !target.healthcheck) {
        problems.push(
          `services.${name}.depends_on.${dep}: waits for service_healthy but ${dep} has no healthcheck`,
        );
      }
    }
    for (const volume of svc.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : undefined;
      if (source && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source) && !declaredVolumes.has(source)) {
        problems.push(
          `services.${name}.volumes: named volume ${source} is not declared under volumes`,
        );
      }
    }
    if (svc.build && typeof svc.build === 'object') {
      const dockerfile = resolve(
        baseDir,
        svc.build.context ?? '.',
        svc.build.dockerfile ?? 'Dockerfile',
      );
      if (!existsSync(dockerfile)) {
        problems.push(`services.${name}.build: no Dockerfile at ${dockerfile}`);
      } else {
        const user = finalStageUser(readFileSync(dockerfile, 'utf8'));
        if (user === undefined || /^(root|0)(:|$)/.test(user))
          problems.push(
            `services.${name}.build: the final stage of ${dockerfile} must switch to a non-root USER`,
          );
      }
    }
    for (const volume of svc.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : undefined;
      if (source?.startsWith('.') && !existsSync(resolve(baseDir, source))) {
        problems.push(`services.${name}.volumes: ${source} does not exist`);
      }
    }
  }
  return problems;
}

/** The USER in force at the end of a Dockerfile's last stage, or undefined (root). */
export function finalStageUser(dockerfile: string): string | undefined {
  let user: string | undefined;
  for (const line of dockerfile.split('\n')) {
    const instruction = /^\s*(FROM|USER)\s+(\S+)/i.exec(line);
    if (!instruction) continue;
    user = instruction[1]!.toUpperCase() === 'FROM' ? undefined : instruction[2];
  }
  return user;
}

interface ServiceDef {
  build?: { context?: string; dockerfile?: string } | string;
  volumes?: (string | object)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: object;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? 'docker-compose.yml');
  const problems = checkCompose(readFileSync(file, 'utf8'), dirname(file));
  if (problems.length > 0) {
    console.error(`${file} is not a valid Compose file:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${file}: valid against the Compose Specification schema`);
}
