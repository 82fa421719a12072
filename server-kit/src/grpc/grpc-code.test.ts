import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcCodeName } from './grpc-code.js';

describe('grpcCodeName', () => {
  it('names every status code as gRPC does, and an unknown number UNKNOWN', () => {
    expect(grpcCodeName(status.OK)).toBe('OK');
    expect(grpcCodeName(status.NOT_FOUND)).toBe('NOT_FOUND');
    expect(grpcCodeName(status.UNAUTHENTICATED)).toBe('UNAUTHENTICATED');
    expect(new Set(Array.from({ length: 17 }, (_, code) => grpcCodeName(code))).size).toBe(17);
    expect(grpcCodeName(99)).toBe('UNKNOWN');
  });
});
