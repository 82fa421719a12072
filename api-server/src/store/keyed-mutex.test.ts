import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      mutex.run('k', task('a', 20)),
      mutex.run('k', task('b', 1)),
      mutex.run('k', task('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('runs different keys concurrently and survives a failing task', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const slow = mutex.run('x', async () => {
      await sleep(20);
      log.push('x');
    });
    const failing = mutex.run('y', async () => {
      log.push('y');
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await mutex.run('y', async () => 'after')).toBe('after');
    await slow;
    expect(log).toEqual(['y', 'x']);
    expect(mutex.size).toBe(0);
  });
});
