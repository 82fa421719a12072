// .NET's double.TryParse(string) under the invariant culture (NumberStyles.Float |
// AllowThousands), which FeatBit's numeric operators use. JavaScript's parseFloat is more
// lenient ("12abc" → 12) and Number() differs too ("" → 0, "0x10" → 16, "1,000" → NaN).
// Grammar: [ws][sign](digits with "," after the first digit[.digits] | .digits)[e[sign]digits][ws]
// followed by any number of NUL characters, which .NET's parser accepts at the end ("5\0" is 5).
// When that fails, .NET trims the text with String.Trim() (every Unicode white space, not only
// the ASCII ones the grammar allows) and compares it, ignoring ASCII case, with "Infinity",
// "-Infinity" and "+Infinity" ("\u00a0Infinity" parses; NaN counts as a failure here).
import { isWhiteSpace } from './user-value.js';

const INFINITY = /^([+-]?)infinity$/i;

function trimUnicode(s: string): string {
  let i = 0;
  let end = s.length;
  while (i < end && isWhiteSpace(s.charCodeAt(i))) i++;
  while (end > i && isWhiteSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(i, end);
}

const isWs = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The number .NET would parse from `s`, or NaN when .NET's TryParse fails (or parses NaN). */
export function parseDotNetDouble(s: string): number {
  let i = 0;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--; // trailing NULs
  while (i < end && isWs(s.charCodeAt(i))) i++;
  while (end > i && isWs(s.charCodeAt(end - 1))) end--;
  if (i === end) return NaN;
  let c = s.charCodeAt(i);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) i++; // + -
  let digits = 0;
  let commas = false;
  let int = 0; // the integer part, exact while it has at most 15 digits
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      int = int * 10 + (c - 0x30);
    } else if (c === 0x2c && digits > 0)
      commas = true; // group separator after a digit
    else break;
  }
  if (i === end && digits > 0 && digits <= 15) return negative ? -int : int; // plain integers
  if (i < end && s.charCodeAt(i) === 0x2e) {
    for (i++; i < end && isDigit(s.charCodeAt(i)); i++) digits++;
  }
  if (digits === 0) {
    const inf = INFINITY.exec(trimUnicode(s));
    return inf === null ? NaN : inf[1] === '-' ? -Infinity : Infinity;
  }
  if (i < end && (s.charCodeAt(i) | 0x20) === 0x65) {
    // e / E: needs digits after an optional sign, else the "e" is trailing garbage
    let k = i + 1;
    if (k < end && (s.charCodeAt(k) === 0x2b || s.charCodeAt(k) === 0x2d)) k++;
    const start = k;
    while (k < end && isDigit(s.charCodeAt(k))) k++;
    if (k === start) return NaN;
    i = k;
  }
  if (i !== end) return NaN;
  const text = s.slice(0, end);
  return Number(commas ? text.replace(/,/g, '') : text);
}
