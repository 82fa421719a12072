// The proto form of evaluation results: reason texts say each thing once.
import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import { evaluationToProto } from './flag-evaluation.js';

describe('evaluationToProto', () => {
  it('does not repeat the reason the error message already starts with', () => {
    const env = compileEnvironment({ flags: [], segments: [] });
    const result = evaluationToProto('x', undefined, env.evaluate('x', { keyId: 'u' }));
    expect(result.reason).toBe('flag not found: x');
  });
});
