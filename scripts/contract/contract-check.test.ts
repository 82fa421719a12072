// Proves that each contract check (scripts/contract-check.sh) can fail, on temporary copies of
// the module, and that the real module passes lint. No network: buf runs locally.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const script = join(repo, 'scripts/contract-check.sh');
const flagProto = 'proto/vane/model/v1/flag.proto';
const slow = { timeout: 120_000 };

interface Run {
  status: number | null;
  output: string;
}

/** Runs contract-check.sh with the given arguments; returns exit status and stdout+stderr. */
function check(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs git in a directory, failing the test on a non-zero exit. */
function git(dir: string, ...args: string[]): string {
  const result = spawnSync(
    'git',
    ['-c', 'user.name=contract-test', '-c', 'user.email=contract-test@example.invalid', ...args],
    { cwd: dir, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary work tree with a copy of the module (and, optionally, a fresh git repository). */
function copyModule(options: { git: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vane-contract-'));
  temps.push(dir);
  cpSync(join(repo, 'proto'), join(dir, 'proto'), { recursive: true });
  cpSync(join(repo, 'buf.yaml'), join(dir, 'buf.yaml'));
  cpSync(join(repo, 'buf.gen.yaml'), join(dir, 'buf.gen.yaml'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (options.git) {
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
    git(dir, 'init', '-q', '-b', 'main');
  }
  return dir;
}

/** Replaces one exact snippet of a file, failing if it is not there. */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

describe('buf lint', () => {
  it('passes on the real proto module', slow, () => {
    const run = check(['lint']);
    expect(run.output).toContain('buf lint: ok');
    expect(run.status).toBe(0);
  });

  it('fails with the rule name on a STANDARD violation', slow, () => {
    const dir = copyModule({ git: false });
    edit(join(dir, flagProto), 'string env_id = 2;', 'string envId = 2;');
    const run = check(['--root', dir, 'lint']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('FIELD_LOWER_SNAKE_CASE');
    expect(run.output).toContain('contract-check lint FAILED');
  });

  it('fails when a field has no comment (COMMENTS)', slow, () => {
    const dir = copyModule({ git: false });
    edit(
      join(dir, flagProto),
      '  // Display name, 1–256 characters.\n  string name = 4;',
      '  string name = 4;',
    );
    const run = check(['--root', dir, 'lint']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('COMMENT_FIELD');
  });
});

describe('buf breaking', () => {
  /** A temporary repository whose first commit is the current module. */
  function repoWithModule(): string {
    const dir = copyModule({ git: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'contract v1');
    return dir;
  }

  it('fails when a commit deletes a field', slow, () => {
    const dir = repoWithModule();
    edit(join(dir, flagProto), '  string description = 5;\n', '');
    git(dir, 'commit', '-q', '-am', 'delete FeatureFlag.description');
    const run = check(['--root', dir, 'breaking']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('FIELD_NO_DELETE');
    expect(run.output).toContain('contract-check breaking FAILED');
  });

  it('fails when a commit renames an RPC', slow, () => {
    const dir = repoWithModule();
    const file = join(dir, 'proto/vane/admin/v1/project_service.proto');
    edit(file, 'rpc GetProject(GetProjectRequest)', 'rpc FetchProject(GetProjectRequest)');
    git(dir, 'commit', '-q', '-am', 'rename GetProject');
    const run = check(['--root', dir, 'breaking']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('RPC_NO_DELETE');
  });

  it('passes for an added field and a deprecated one', slow, () => {
    const dir = repoWithModule();
    edit(
      join(dir, flagProto),
      '  int64 version = 22;\n',
      '  int64 version = 22;\n  // A new field.\n  string owner = 23;\n',
    );
    edit(
      join(dir, flagProto),
      'string description = 5;',
      'string description = 5 [deprecated = true];',
    );
    git(dir, 'commit', '-q', '-am', 'add FeatureFlag.owner, deprecate description');
    const run = check(['--root', dir, 'breaking']);
    expect(run.output).toContain('buf breaking: ok');
    expect(run.status).toBe(0);
  });

  it('still fails when a deleted field is reserved (FILE protects generated code)', slow, () => {
    const dir = repoWithModule();
    edit(
      join(dir, flagProto),
      '  string description = 5;\n',
      '  reserved 5;\n  reserved "description";\n',
    );
    git(dir, 'commit', '-q', '-am', 'delete FeatureFlag.description, reserved');
    const run = check(['--root', dir, 'breaking']);
    expect(run.output).toContain('FIELD_NO_DELETE');
    expect(run.status).not.toBe(0);
  });

  it('honours VANE_BREAKING_AGAINST (a revision or a buf input)', slow, () => {
    const dir = repoWithModule();
    const first = git(dir, 'rev-parse', 'HEAD').trim();
    edit(join(dir, flagProto), '  string description = 5;\n', '');
    git(dir, 'commit', '-q', '-am', 'delete FeatureFlag.description');
    writeFileSync(join(dir, 'README'), 'unrelated\n');
    git(dir, 'add', 'README');
    git(dir, 'commit', '-q', '-m', 'unrelated change');
    // HEAD~1 already has the deletion, so the default comparison passes...
    expect(check(['--root', dir, 'breaking']).status).toBe(0);
    // ...but comparing with the first commit finds it, by revision or as a buf git input.
    for (const against of [first, `.git#ref=${first}`]) {
      const run = check(['--root', dir, 'breaking'], { VANE_BREAKING_AGAINST: against });
      expect(run.output).toContain('FIELD_NO_DELETE');
      expect(run.status).not.toBe(0);
    }
  });

  it('passes, saying so, when the previous commit has no proto module', slow, () => {
    const dir = copyModule({ git: true });
    git(dir, 'add', '.gitignore');
    git(dir, 'commit', '-q', '-m', 'skeleton');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'contract v1');
    const run = check(['--root', dir, 'breaking']);
    expect(run.output).toContain('has no proto module yet');
    expect(run.status).toBe(0);
  });
});

describe('gen/ drift', () => {
  it('fails on uncommitted, hand-edited or stale generated code', slow, () => {
    const dir = copyModule({ git: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'proto only');

    // Generated code that was never committed.
    let run = check(['--root', dir, 'drift']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('?? gen/src/node/vane/model/v1/flag.ts');
    expect(run.output).toContain('contract-check drift FAILED');

    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'generated code');
    run = check(['--root', dir, 'drift']);
    expect(run.output).toContain('gen/ drift: ok');
    expect(run.status).toBe(0);

    // A hand edit of generated code, committed.
    const generated = join(dir, 'gen/src/web/vane/sync/v1/frames.ts');
    appendFileSync(generated, '\nexport const handEdited = true;\n');
    git(dir, 'commit', '-q', '-am', 'hand edit');
    run = check(['--root', dir, 'drift']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('M gen/src/web/vane/sync/v1/frames.ts');
    git(dir, 'commit', '-q', '-am', 'regenerated');

    // A proto change committed without regenerating.
    edit(join(dir, flagProto), '// Display name, 1–256 characters.', '// Display name.');
    git(dir, 'commit', '-q', '-am', 'proto comment');
    run = check(['--root', dir, 'drift']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('M gen/src/node/vane/model/v1/flag.ts');
  });
});
