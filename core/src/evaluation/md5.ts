// MD5 (RFC 1321) of the UTF-8 encoding of up to three concatenated strings, with no
// allocation per call: the dispatch hash runs on every percentage rollout, and core must
// stay free of node:crypto so that the browser SDK can use it.

let buf = new Uint8Array(512); // message bytes plus padding, reused and grown on demand
let view = new Int32Array(buf.buffer); // the same bytes as words (little-endian platforms)
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();
const words = new Int32Array(4);

/** The first four digest bytes of MD5(utf8(a + b + c)) as a little-endian int32. */
export function md5Int32(a: string, b = '', c = ''): number {
  return digest(encode(a, b, c), null);
}

/** The full MD5 digest of utf8(a + b + c) as lowercase hex (tests and tooling). */
export function md5Hex(a: string, b = '', c = ''): string {
  digest(encode(a, b, c), words);
  let out = '';
  for (const h of words) {
    for (let i = 0; i < 4; i++) out += ((h >>> (i * 8)) & 0xff).toString(16).padStart(2, '0');
  }
  return out;
}

// Writes the UTF-8 bytes of a + b + c at the start of `buf` and returns their count.
// ASCII (the usual flag keys and user keys) is copied directly; anything else goes through
// TextEncoder, which like Node and .NET encodes lone surrogates as U+FFFD.
function encode(a: string, b: string, c: string): number {
  const need = (a.length + b.length + c.length) * 3 + 72;
  if (buf.length < need) {
    const bytes = new ArrayBuffer((need * 2 + 63) & ~63); // whole 64-byte blocks
    buf = new Uint8Array(bytes);
    view = new Int32Array(bytes);
  }
  let p = ascii(a, 0);
  if (p >= 0) p = ascii(b, p);
  if (p >= 0) p = ascii(c, p);
  return p >= 0 ? p : encoder.encodeInto(a + b + c, buf).written;
}

function word(m: Uint8Array, i: number): number {
  return m[i]! | (m[i + 1]! << 8) | (m[i + 2]! << 16) | (m[i + 3]! << 24);
}

function ascii(s: string, start: number): number {
  const out = buf;
  let p = start;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0x80) return -1;
    out[p++] = code;
  }
  return p;
}

// Pads the `len` message bytes in `buf`, hashes them, and returns the first digest word
// (optionally storing all four words in `out`).
function digest(len: number, out: Int32Array | null): number {
  const m = buf;
  const w = view;
  const le = LITTLE_ENDIAN;
  const end = (((len + 8) >> 6) + 1) << 6;
  m[len] = 0x80;
  m.fill(0, len + 1, end - 8);
  const bitsLow = (len << 3) | 0;
  const bitsHigh = len >>> 29;
  m[end - 8] = bitsLow & 0xff;
  m[end - 7] = (bitsLow >>> 8) & 0xff;
  m[end - 6] = (bitsLow >>> 16) & 0xff;
  m[end - 5] = bitsLow >>> 24;
  m[end - 4] = bitsHigh & 0xff;
  m[end - 3] = (bitsHigh >>> 8) & 0xff;
  m[end - 2] = (bitsHigh >>> 16) & 0xff;
  m[end - 1] = bitsHigh >>> 24;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  for (let o = 0; o < end; o += 64) {
    const x0 = le ? w[(o >> 2) + 0]! : word(m, o + 0);
    const x1 = le ? w[(o >> 2) + 1]! : word(m, o + 4);
    const x2 = le ? w[(o >> 2) + 2]! : word(m, o + 8);
    const x3 = le ? w[(o >> 2) + 3]! : word(m, o + 12);
    const x4 = le ? w[(o >> 2) + 4]! : word(m, o + 16);
    const x5 = le ? w[(o >> 2) + 5]! : word(m, o + 20);
    const x6 = le ? w[(o >> 2) + 6]! : word(m, o + 24);
    const x7 = le ? w[(o >> 2) + 7]! : word(m, o + 28);
    const x8 = le ? w[(o >> 2) + 8]! : word(m, o + 32);
    const x9 = le ? w[(o >> 2) + 9]! : word(m, o + 36);
    const x10 = le ? w[(o >> 2) + 10]! : word(m, o + 40);
    const x11 = le ? w[(o >> 2) + 11]! : word(m, o + 44);
    const x12 = le ? w[(o >> 2) + 12]! : word(m, o + 48);
    const x13 = le ? w[(o >> 2) + 13]! : word(m, o + 52);
    const x14 = le ? w[(o >> 2) + 14]! : word(m, o + 56);
    const x15 = le ? w[(o >> 2) + 15]! : word(m, o + 60);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let n = 0;
    n = (a + ((b & c) | (~b & d)) + x0 + -680876936) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + x1 + -389564586) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + x3 + -1044525330) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + x4 + -176418897) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + x6 + -1473231341) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + x7 + -45705983) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + x9 + -1958414417) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + x10 + -42063) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + x11 + -1990404162) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + x13 + -40341101) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + x14 + -1502002290) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + x1 + -165796510) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + x6 + -1069501632) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + x0 + -373897302) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + x5 + -701558691) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + x15 + -660478335) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + x4 + -405537848) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + x14 + -1019803690) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + x3 + -187363961) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + x13 + -1444681467) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + x2 + -51403784) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + x12 + -1926607734) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + (b ^ c ^ d) + x5 + -378558) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + x8 + -2022574463) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + x11 + 1839030562) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + x14 + -35309556) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + x1 + -1530992060) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + x4 + 1272893353) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + x7 + -155497632) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + x10 + -1094730640) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + x13 + 681279174) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + x0 + -358537222) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + x3 + -722521979) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + x6 + 76029189) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + x9 + -640364487) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + x12 + -421815835) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + x15 + 530742520) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + x2 + -995338651) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + x0 + -198630844) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + x14 + -1416354905) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + x5 + -57434055) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + x3 + -1894986606) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + x10 + -1051523) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + x1 + -2054922799) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + x15 + -30611744) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + x6 + -1560198380) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + x4 + -145523070) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + x11 + -1120210379) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + x9 + -343485551) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
  }
  if (out !== null) {
    out[0] = h0;
    out[1] = h1;
    out[2] = h2;
    out[3] = h3;
  }
  return h0;
}
