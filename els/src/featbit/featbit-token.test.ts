import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseConnectionToken } from './featbit-token.js';

// The published SDK's own token generator (featbit-node-server-sdk, unmodified).
const require = createRequire(import.meta.url);
const { generateConnectionToken } =
  require('@featbit/node-server-sdk/dist/cjs/data-sync/utils.js') as {
    generateConnectionToken: (secret: string) => string;
  };

const SECRET = 'E0ZC__zC8EeQoxEDF-iR9g-JtrIvNK-k-bARYicOTNQA';

describe('parseConnectionToken', () => {
  it('decodes the example of featbit.md §2.2', () => {
    const token = 'QQHBSE0ZC_BXQQQQQQQQQQQ_zC8EeQoxEDF-iR9g-JtrIvNK-k-bARYicOTNQA';
    const parsed = parseConnectionToken(token, 1_700_000_000_000, 30_000);
    expect(parsed).toEqual({
      ok: true,
      token: { secrets: [SECRET], timestamp: 1_700_000_000_000 },
    });
  });

  it("decodes FeatBit's zero-padded test token (15-letter timestamp) and restores the padding", () => {
    const token = 'QWSBHgpnOV3wI3kKAO9q9viC0wQWQQBDDDQBZWPXDQSdKZrVAf2U6gAnxl4lSH3w';
    const parsed = parseConnectionToken(token, 1_666_018_247_603, 1000);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.token.timestamp).toBe(1_666_018_247_603);
    expect(parsed.token.secrets).toEqual(['gpnOV3wI3kKAO9q9viC0wQWdKZrVAf2U6gAnxl4lSH3w']);
  });

  it('accepts tokens made by the published SDK at any position', () => {
    for (let i = 0; i < 200; i++) {
      const token = generateConnectionToken(SECRET);
      const parsed = parseConnectionToken(token, Date.now(), 30_000);
      expect(parsed.ok && parsed.token.secrets[0]).toBe(SECRET);
    }
  });

  it('gives back both the stripped and the re-padded secret when the SDK stripped "="', () => {
    const padded = 'c2VjcmV0LWtleQ==';
    const token = generateConnectionToken(padded);
    const parsed = parseConnectionToken(token, Date.now(), 30_000);
    expect(parsed.ok && parsed.token.secrets).toEqual(['c2VjcmV0LWtleQ', padded]);
  });

  it('refuses tokens outside the window, in the past and in the future', () => {
    const token = 'QQHBSE0ZC_BXQQQQQQQQQQQ_zC8EeQoxEDF-iR9g-JtrIvNK-k-bARYicOTNQA';
    expect(parseConnectionToken(token, 1_700_000_030_000, 30_000).ok).toBe(true);
    const late = parseConnectionToken(token, 1_700_000_030_001, 30_000);
    expect(late).toMatchObject({ ok: false, problem: 'expired' });
    const early = parseConnectionToken(token, 1_699_999_969_999, 30_000);
    expect(early).toMatchObject({ ok: false, problem: 'expired' });
    expect(parseConnectionToken(token, 1_700_000_000_000 + 3_600_000, 7_200_000).ok).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['too short', 'QQH'],
    ['header not in the alphabet', 'QAHBSE0ZC_BXQQQQQQQQQQQ_zC8EeQ'],
    ['zero timestamp length', 'QQHQQE0ZC_BXQQQQQQQQQQQ_zC8EeQ'],
    ['position beyond the payload', 'UUUBSE0ZC_BXQQQQQQQQQQQ_zC8EeQ'],
    ['timestamp not in the alphabet', 'QQHBSE0ZC_BXQQQQQQQQQQa_zC8EeQ'],
    ['no secret', 'QQQBSBXQQQQQQQQQQQ'],
    ['far too long', `QQHBS${'A'.repeat(300)}`],
  ])('refuses a malformed token: %s', (_name, token) => {
    expect(parseConnectionToken(token, Date.now(), 30_000)).toMatchObject({
      ok: false,
      problem: 'malformed',
    });
  });
});
