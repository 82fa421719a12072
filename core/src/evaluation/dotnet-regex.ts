// .NET's regex dialect (FeatBit's evaluation server runs `Regex.IsMatch(value, pattern)` with
// no options) rewritten into RE2 syntax with the same answer, so that the linear-time engine in
// safe-regex.ts gives .NET's result. Only the constructs that both engines accept but read
// differently are rewritten; what RE2 cannot parse stays as it is and is reported as malformed
// by the caller. The rewrites (see core/README.md, "Regular expressions"):
//
//   \w  → [\p{L}\p{Mn}\p{Nd}\p{Pc}]   .NET's word class is Unicode; RE2's is ASCII
//   \W  → [^\p{L}\p{Mn}\p{Nd}\p{Pc}]
//   \d  → \p{Nd}                      .NET's digits are every Unicode decimal digit
//   \D  → \P{Nd}
//   \s  → [\t-\r\x{85}\p{Z}]          .NET's white space (char.IsWhiteSpace); RE2's is [\t\n\f\r ]
//   \S  → [^\t-\r\x{85}\p{Z}]
//   \Z  → (?:\n?\z)                   end, or before a final newline (RE2 has no \Z)
//   $   → (?:$|\n\z)                  .NET's $ also matches before a final newline
//
// Inside a class, \w \d \D \s expand to their members. `\b` and `\B` (Unicode word boundaries in
// .NET, ASCII ones in RE2) and `\W`/`\S` inside a class with other members cannot be written in
// RE2: they are kept with RE2's ASCII reading and listed in `unfaithful`, which writes refuse.
// .NET class subtraction (`[a-z-[aeiou]]`) would parse in RE2 with another meaning: refused.

const WORD = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const SPACE = '\\t-\\r\\x{85}\\p{Z}';

/** The rewritten pattern, and the constructs it could not carry over exactly. */
export interface DotNetTranslation {
  readonly re2: string;
  readonly unfaithful: readonly string[];
}

/** Rewrites a .NET pattern into RE2 syntax; a string says why it cannot be (class subtraction). */
export function translateDotNetRegex(pattern: string): DotNetTranslation | string {
  let out = '';
  const unfaithful = new Set<string>();
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < n) {
      const e = pattern[i + 1]!;
      i += 2;
      switch (e) {
        case 'w':
          out += `[${WORD}]`;
          break;
        case 'W':
          out += `[^${WORD}]`;
          break;
        case 'd':
          out += '\\p{Nd}';
          break;
        case 'D':
          out += '\\P{Nd}';
          break;
        case 's':
          out += `[${SPACE}]`;
          break;
        case 'S':
          out += `[^${SPACE}]`;
          break;
        case 'Z':
          out += '(?:\\n?\\z)';
          break;
        case 'b':
        case 'B':
          unfaithful.add(`\\${e}`);
          out += `\\${e}`;
          break;
        default:
          out += `\\${e}`;
      }
      continue;
    }
    if (c === '[') {
      const cls = translateClass(pattern, i, unfaithful);
      if (typeof cls === 'string') return cls;
      out += cls.text;
      i = cls.end;
      continue;
    }
    out += c === '$' ? '(?:$|\\n\\z)' : c;
    i += 1;
  }
  return { re2: out, unfaithful: [...unfaithful] };
}

// The class starting at `start` (a `[`): its RE2 text and the index after its `]`.
function translateClass(
  pattern: string,
  start: number,
  unfaithful: Set<string>,
): { text: string; end: number } | string {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i += 1;
  const members: string[] = [];
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === ']' && !first) {
      return { text: classText(negated, members, unfaithful), end: i + 1 };
    }
    first = false;
    if (c === '-' && pattern[i + 1] === '[') {
      return 'uses .NET class subtraction (`-[…]` inside a class), which RE2 reads differently';
    }
    if (c === '\\' && i + 1 < pattern.length) {
      const e = pattern[i + 1]!;
      members.push(classEscape(e));
      i += 2;
      continue;
    }
    members.push(c);
    i += 1;
  }
  // No closing bracket: left as is, RE2 reports it as malformed.
  return { text: pattern.slice(start), end: pattern.length };
}

function classEscape(e: string): string {
  switch (e) {
    case 'w':
      return WORD;
    case 'd':
      return '\\p{Nd}';
    case 'D':
      return '\\P{Nd}';
    case 's':
      return SPACE;
    case 'b':
      return '\\x{8}'; // backspace inside a class, in .NET
    default:
      return `\\${e}`;
  }
}

function classText(negated: boolean, members: string[], unfaithful: Set<string>): string {
  const only = members.length === 1 ? members[0] : undefined;
  // `[\W]`, `[^\W]`, `[\S]`, `[^\S]`: the complement of one set, which RE2 can write.
  if (only === '\\W') return `[${negated ? '' : '^'}${WORD}]`;
  if (only === '\\S') return `[${negated ? '' : '^'}${SPACE}]`;
  for (const m of members) {
    if (m === '\\W' || m === '\\S') unfaithful.add(`${m} inside a class with other members`);
  }
  return `[${negated ? '^' : ''}${members.join('')}]`;
}
