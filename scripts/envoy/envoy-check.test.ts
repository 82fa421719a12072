// The Envoy check (scripts/envoy/envoy-check.sh) accepts envoy/envoy.yaml and fails on each kind
// of mistake: a misspelled field, a wrong value type, an unknown extension type, a value that
// breaks one of Envoy's validation rules, and a route to a cluster that does not exist.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const script = resolve(root, 'scripts/envoy/envoy-check.sh');
const envoy = readFileSync(resolve(root, 'envoy/envoy.yaml'), 'utf8');

/** Runs the check on `text` (standard input); returns its exit code and output. */
function check(text: string): { code: number | null; output: string } {
  const run = spawnSync('bash', [script, '-'], { input: text, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `envoy` with `from` replaced by `to` (which must occur). */
function broken(from: string, to: string): string {
  expect(envoy).toContain(from);
  return envoy.replace(from, to);
}

describe('envoy/envoy.yaml', () => {
  beforeAll(() => {
    // The first run compiles the checker (go-control-plane): keep it out of the tests' timeouts.
    check(envoy);
  }, 600_000);

  it('is a valid Envoy v3 bootstrap', () => {
    const result = check(envoy);
    expect(result.output).toContain('valid Envoy v3 bootstrap');
    expect(result.code).toBe(0);
  });

  it('fails on a misspelled field', () => {
    const result = check(broken('stat_prefix: public', 'stat_prefx: public'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('unknown field "stat_prefx"');
  });

  it('fails on a misspelled field inside a typed_config', () => {
    const result = check(broken('pass_through_mode: false', 'pass_thru_mode: false'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('unknown field "pass_thru_mode"');
  });

  it('fails on a wrong value type', () => {
    const result = check(broken('request_headers_timeout: 10s', 'request_headers_timeout: soon'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('invalid google.protobuf.Duration value "soon"');
  });

  it('fails on an unknown extension type', () => {
    const result = check(
      broken(
        'envoy.extensions.filters.http.grpc_web.v3.GrpcWeb',
        'envoy.extensions.filters.http.grpc_webb.v3.GrpcWeb',
      ),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('unable to resolve');
    expect(result.output).toContain('grpc_webb');
  });

  it("fails on a value that breaks Envoy's validation rules", () => {
    const result = check(broken('port_value: 7070', 'port_value: 70700'));
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'SocketAddress.PortValue: value must be less than or equal to 65535',
    );
  });

  it('fails on a route to an undefined cluster', () => {
    const result = check(broken('cluster: analytics\n', 'cluster: analytic\n'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('cluster "analytic" is not defined');
  });

  it('fails on YAML that does not parse', () => {
    const result = check(`${envoy}\n  - : [\n`);
    expect(result.code).toBe(1);
    expect(result.output).toContain('YAML');
  });
});
