import { describe, expect, it } from 'vitest';
import { ENV, startElsFixture } from './els-fixture.js';
import { TestSdk } from './test-sdk.js';

describe('the ELS test fixture', () => {
  it('stops cleanly when every connection was closed', async () => {
    const fixture = await startElsFixture();
    await fixture.connect('server');
    const own = await TestSdk.connect(fixture.els.port, 'client', ENV.client);
    await own.close();
    await expect(fixture.stop()).resolves.toBeUndefined();
  });

  it('fails its teardown when a test leaves a connection open, and still stops ELS', async () => {
    const fixture = await startElsFixture();
    const leaked = await TestSdk.connect(fixture.els.port, 'server', ENV.server);
    await expect(fixture.stop()).rejects.toThrow('1 SDK connection(s) left open at teardown');
    await leaked.close();
    await expect(fetch(`http://127.0.0.1:${fixture.els.port}/healthz`)).rejects.toThrow();
  });
});
