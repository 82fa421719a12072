import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Hex, md5Int32 } from './md5.js';

const nodeMd5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

function randomString(len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = Math.random();
    if (r < 0.6) s += String.fromCharCode(32 + Math.floor(Math.random() * 95));
    else if (r < 0.75) s += String.fromCharCode(0x80 + Math.floor(Math.random() * 0x780));
    else if (r < 0.87) s += String.fromCharCode(0x800 + Math.floor(Math.random() * 0xd000));
    else if (r < 0.97) s += String.fromCodePoint(0x10000 + Math.floor(Math.random() * 0xfffff));
    else s += String.fromCharCode(0xd800 + Math.floor(Math.random() * 0x800)); // lone surrogate
  }
  return s;
}

describe('md5', () => {
  it('matches RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches node:crypto on random strings of every length around block edges', () => {
    for (let len = 0; len < 140; len++) {
      for (let k = 0; k < 20; k++) {
        const s = randomString(len);
        expect(md5Hex(s), JSON.stringify(s)).toBe(nodeMd5(s));
      }
    }
  });

  it('matches node:crypto on 5,000 random strings', () => {
    for (let k = 0; k < 5000; k++) {
      const s = k % 2 ? randomString(1 + (k % 300)) : randomBytes(k % 90).toString('base64');
      expect(md5Hex(s)).toBe(nodeMd5(s));
    }
  });

  it('hashes parts exactly like their concatenation, surrogate pairs split included', () => {
    const emoji = '😀';
    const cases: [string, string, string][] = [
      ['flag', 'user', ''],
      ['expt', 'flag-key', 'user-1'],
      ['a' + emoji[0], emoji[1] + 'b', ''],
      ['x' + emoji[0], '', emoji[1] + 'y'],
      ['\ud800', '', '\udc00'],
    ];
    for (const [a, b, c] of cases) expect(md5Hex(a, b, c)).toBe(nodeMd5(a + b + c));
  });

  it('returns the first four digest bytes as a little-endian int32', () => {
    for (const s of ['test-value', 'qKPKh1S3FolC', 'ä漢😀']) {
      const digest = createHash('md5').update(s).digest();
      expect(md5Int32(s)).toBe(digest.readInt32LE(0));
    }
  });
});
