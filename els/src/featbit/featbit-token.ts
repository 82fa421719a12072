// FeatBit's streaming token (featbit.md §2.2): the SDK hides the current time, written with a
// letter alphabet, at a random position inside the environment secret. ELS recovers the secret and
// the time, and refuses tokens whose time is outside a configurable window (clock skew, replay).

// FeatBit writes each decimal digit as one letter: 0→Q 1→B 2→W 3→S 4→P 5→H 6→D 7→X 8→Z 9→U.
const DIGITS: Readonly<Record<string, string>> = {
  Q: '0',
  B: '1',
  W: '2',
  S: '3',
  P: '4',
  H: '5',
  D: '6',
  X: '7',
  Z: '8',
  U: '9',
};

/** Longest timestamp field accepted (FeatBit pads to at most 12 zeros; 13 digits today). */
const MAX_TIMESTAMP_LETTERS = 20;
/** Longest token accepted (a 44-character secret plus a 5-letter header and the timestamp). */
export const MAX_TOKEN_LENGTH = 256;

/** A decoded token: the secret candidates to look up and the time the SDK wrote. */
export interface ConnectionToken {
  /**
   * The secret as the SDK sent it (trailing `=` removed) and, when different, right-padded
   * with `=` to a multiple of four characters, as FeatBit's server restores it.
   */
  readonly secrets: readonly string[];
  /** Milliseconds since the epoch, from the SDK's clock. */
  readonly timestamp: number;
}

/** Why a token was refused. */
export type TokenProblem = 'malformed' | 'expired';

/** The outcome of `parseConnectionToken`. */
export type TokenResult =
  | { readonly ok: true; readonly token: ConnectionToken }
  | { readonly ok: false; readonly problem: TokenProblem; readonly message: string };

function decodeNumber(letters: string): number | undefined {
  if (letters.length === 0) return undefined;
  let text = '';
  for (const ch of letters) {
    const digit = DIGITS[ch];
    if (digit === undefined) return undefined;
    text += digit;
  }
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function malformed(message: string): TokenResult {
  return { ok: false, problem: 'malformed', message };
}

/**
 * Decodes a token and checks that its time is within `windowMs` of `now` (both directions).
 * Never throws: a bad token gives `{ ok: false }` with the reason.
 */
export function parseConnectionToken(token: string, now: number, windowMs: number): TokenResult {
  if (token.length < 6) return malformed('token too short');
  if (token.length > MAX_TOKEN_LENGTH) return malformed('token too long');
  const position = decodeNumber(token.slice(0, 3));
  const length = decodeNumber(token.slice(3, 5));
  if (position === undefined || length === undefined) return malformed('bad token header');
  const payload = token.slice(5);
  if (length === 0 || length > MAX_TIMESTAMP_LETTERS || position + length > payload.length) {
    return malformed('token header out of range');
  }
  const timestamp = decodeNumber(payload.slice(position, position + length));
  if (timestamp === undefined) return malformed('bad token timestamp');
  const secret = payload.slice(0, position) + payload.slice(position + length);
  if (secret.length === 0) return malformed('token carries no secret');
  if (Math.abs(now - timestamp) > windowMs) {
    return {
      ok: false,
      problem: 'expired',
      message: `token time is ${Math.round((now - timestamp) / 1000)} s away from the server clock`,
    };
  }
  const padded = secret.padEnd(Math.ceil(secret.length / 4) * 4, '=');
  return {
    ok: true,
    token: { secrets: padded === secret ? [secret] : [secret, padded], timestamp },
  };
}
