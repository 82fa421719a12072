// The CLI's argument and file checks (no server needed: they fail before any call).
import { describe, expect, it } from 'vitest';
import { parseExport } from './environment-transfer.js';
import { parsePairs } from './commands/command-context.js';
import { runCli } from './program.js';
import { UsageError, parseEnvRef } from './resolve.js';

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { VANE_ADDRESS: '127.0.0.1:1' },
    cwd: '/nonexistent',
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

describe('vane CLI arguments', () => {
  it('prints help with exit code 0', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: vane/);
    expect(help.out).toMatch(/projects/);
    expect(help.out).toMatch(/segments/);
  });

  it('refuses missing options and values before calling anything', async () => {
    const noName = await run('projects', 'create', 'shop');
    expect(noName.code).toBe(2);
    expect(noName.err).toMatch(/required option '--name <name>' not specified/);
    const noEnv = await run('flags', 'list');
    expect(noEnv.code).toBe(2);
    expect(noEnv.err).toMatch(/--env <project>\/<env>/);
    const noVariations = await run('flags', 'create', 'x', '-e', 'a/b', '--type', 'string');
    expect(noVariations.code).toBe(2);
    expect(noVariations.err).toMatch(/at least two --variation/);
    const badAddress = await run('--address', 'nohost', 'projects', 'list');
    expect(badAddress.code).toBe(2);
    expect(badAddress.err).toMatch(/--address must be host:port/);
  });

  it('parses name=value pairs and environment references', () => {
    expect(parsePairs(['plan=pro', 'eq=a=b'], '--attr')).toEqual([
      ['plan', 'pro'],
      ['eq', 'a=b'],
    ]);
    expect(() => parsePairs(['=x'], '--attr')).toThrow(UsageError);
    expect(parseEnvRef('shop/prod')).toEqual({ project: 'shop', env: 'prod' });
    expect(() => parseEnvRef('shop/prod/x')).toThrow(/<project-key>\/<env-key>/);
  });

  it('checks an import file', () => {
    expect(() => parseExport('nope', 'f.json')).toThrow(/f.json is not JSON/);
    expect(() => parseExport('{"format":"x"}', 'f.json')).toThrow(/not a Vane environment export/);
    expect(() => parseExport('{"format":"vane.environment.v1","flags":{}}', 'f.json')).toThrow(
      /must be arrays/,
    );
    expect(() =>
      parseExport(
        '{"format":"vane.environment.v1","segments":[],"flags":[{"key":"a"},{"key":"a"}]}',
        'f.json',
      ),
    ).toThrow(/flag key "a" appears twice/);
    expect(
      parseExport(
        '{"format":"vane.environment.v1","segments":[{"key":"s"}],"flags":[{"key":"a","isEnabled":true}]}',
        'f.json',
      ).flags[0]?.isEnabled,
    ).toBe(true);
  });
});
