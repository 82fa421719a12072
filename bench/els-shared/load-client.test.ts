import { describe, expect, it } from 'vitest';
import { parseTimeWait } from './load-client.js';

describe('parseTimeWait', () => {
  it('reads the tw count of the TCP line of /proc/net/sockstat', () => {
    const text = [
      'sockets: used 49',
      'TCP: inuse 7 orphan 0 tw 1234 alloc 13 mem 0',
      'UDP: inuse 0 mem 0',
    ].join('\n');
    expect(parseTimeWait(text)).toBe(1234);
  });

  it('is NaN when the line is missing', () => {
    expect(parseTimeWait('sockets: used 49\nUDP: inuse 0 mem 0')).toBeNaN();
  });
});
