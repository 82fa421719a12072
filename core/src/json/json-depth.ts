// Nesting depth of JSON text, for refusing deep documents before JSON.parse and the code that
// walks the result recurse on them (ELS's FeatBit/OFREP bodies, the FeatBit import).

/**
 * The deepest nesting of objects and arrays in JSON `text`, in one linear pass that skips
 * strings; it never recurses, so any text is safe to measure.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
