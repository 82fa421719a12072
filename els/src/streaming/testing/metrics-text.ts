// Reads one sample of ELS's `/metrics` (0 when absent), for tests that wait on a server-side count.

/** The value of the sample `name{labels}` (exactly as exposed), or 0. */
export async function metricValue(port: number, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
