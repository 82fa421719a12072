import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charLength, KEY_PATTERN, LIMIT_SOURCES, LIMITS, utf8Length } from './limits.js';

const PROTO = new URL('../../../proto/vane/', import.meta.url);

/** The comment above each field of a proto file, by `Message.field`, lines joined by spaces. */
function fieldComments(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const messages: string[] = [];
  let comment: string[] = [];
  for (const raw of readFileSync(new URL(file, PROTO), 'utf8').split('\n')) {
    const line = raw.trim();
    const block = /^(message|enum|service|oneof) (\w+) \{/.exec(line);
    const field = /^(?:repeated |optional )?[\w.]+ (\w+) = \d+;/.exec(line);
    if (line.startsWith('//')) {
      comment.push(line.replace(/^\/\/ ?/, ''));
      continue;
    }
    // A oneof's fields belong to the message around it.
    if (block) messages.push(block[1] === 'oneof' ? (messages.at(-1) ?? '') : block[2]!);
    else if (line.startsWith('}')) messages.pop();
    else if (field && messages.length > 0)
      out.set(`${messages.at(-1)}.${field[1]}`, comment.join(' '));
    comment = [];
  }
  return out;
}

describe('LIMITS', () => {
  it.each(Object.entries(LIMIT_SOURCES))(
    '%s is the number its proto comment promises',
    (name, src) => {
      const comment = fieldComments(src.file).get(src.field);
      expect(comment, `${src.file} ${src.field} has a comment`).toBeDefined();
      expect(comment).toContain(src.phrase);
      const value = LIMITS[name as keyof typeof LIMITS];
      const numbers = src.phrase.match(/\d[\d ]*\d|\d/g)!.map((n) => Number(n.replace(/ /g, '')));
      const inPhrase = /KiB/.test(src.phrase) ? numbers.map((n) => n * 1024) : numbers;
      expect(inPhrase).toContain(value);
    },
  );

  it('names a source for every limit', () => {
    expect(Object.keys(LIMIT_SOURCES).sort()).toEqual(Object.keys(LIMITS).sort());
  });

  it('documents the same limits on segments as on flags', () => {
    const segment = fieldComments('model/v1/segment.proto');
    expect(segment.get('Segment.tags')).toContain(`each 1–${LIMITS.tagLength} characters`);
    expect(segment.get('Segment.excluded')).toContain('At most 10 000.');
    expect(segment.get('SegmentRule.conditions')).toContain(`at most ${LIMITS.conditions}`);
  });

  it('says on every key that "." and ".." are refused', () => {
    for (const [file, field] of [
      ['model/v1/flag.proto', 'FeatureFlag.key'],
      ['model/v1/segment.proto', 'Segment.key'],
      ['admin/v1/project_service.proto', 'Project.key'],
      ['admin/v1/environment_service.proto', 'Environment.key'],
    ] as const) {
      expect(fieldComments(file).get(field), field).toContain('not `.` or `..`');
    }
  });
});

describe('KEY_PATTERN', () => {
  it('accepts keys with dots but not dot-only path segments', () => {
    for (const ok of ['a', 'a.b', '...', '.a', 'a..', '_', '-'])
      expect(KEY_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['.', '..', '', 'a/b', 'a b', 'ä'])
      expect(KEY_PATTERN.test(bad), bad).toBe(false);
  });
});

describe('lengths', () => {
  it('counts characters as code points and values as UTF-8 bytes', () => {
    expect(charLength('abc')).toBe(3);
    expect(charLength('😀😀')).toBe(2);
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3);
    const sample = 'aé€😀\ud800x';
    expect(utf8Length(sample)).toBe(new TextEncoder().encode(sample).length);
  });
});
