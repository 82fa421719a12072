// Test helper: validates OFREP responses against the vendored OpenAPI document
// (`testdata/ofrep-openapi.yaml`, see `testdata/README.md`) with Ajv's JSON Schema 2020-12 mode,
// which OpenAPI 3.1 schemas are written in.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components: { schemas: Record<string, unknown> };
}
interface OpenApiResponse {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
}

const doc = parse(
  readFileSync(new URL('./testdata/ofrep-openapi.yaml', import.meta.url), 'utf8'),
) as OpenApi;

// Two schemas as published make `evaluationSuccess.oneOf` unsatisfiable: `codeDefaultFlag`
// (`properties: {}`) matches every object, and an integer matches both `integerFlag` and
// `floatFlag`, so no value passes "exactly one". Tightened here as their descriptions say ("this
// schema has no value property"; a float is a non-integer number); the vendored file is unchanged.
const schemas = doc.components.schemas;
schemas.codeDefaultFlag = { type: 'object', not: { required: ['value'] } };
schemas.floatFlag = {
  type: 'object',
  properties: { value: { type: 'number', not: { type: 'integer' } } },
  required: ['value'],
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
// OpenAPI's numeric format, not a JSON Schema one.
ajv.addFormat('float', { type: 'number', validate: () => true });
ajv.addSchema({ $id: 'ofrep', paths: doc.paths, components: doc.components });

const cache = new Map<string, ValidateFunction>();

/** The OpenAPI path template a concrete path matches (`/ofrep/v1/evaluate/flags/{key}`). */
function templateOf(path: string): string {
  if (doc.paths[path]) return path;
  for (const template of Object.keys(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(path)) return template;
  }
  throw new Error(`no OFREP path matches ${path}`);
}

/**
 * Checks that `status` is documented for the operation and that `body` satisfies its JSON schema
 * (responses without content must have no body). Returns Ajv's error messages, empty when valid.
 */
export function ofrepResponseErrors(
  path: string,
  method: string,
  status: number,
  body: unknown,
): string[] {
  const template = templateOf(path);
  const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
  if (response === undefined)
    return [`status ${status} is not documented for ${method} ${template}`];
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined) return body === undefined ? [] : [`status ${status} has no body`];
  const key = `${template} ${method} ${status}`;
  let validate = cache.get(key);
  if (validate === undefined) {
    validate = ajv.compile({
      $ref: `ofrep#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`,
    });
    cache.set(key, validate);
  }
  return validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

function pointer(segment: string): string {
  return segment
    .replace(/~/g, '~0')
    .replace(/\//g, '~1')
    .replace(/\{/g, '%7B')
    .replace(/\}/g, '%7D');
}
