// Environment secrets in FeatBit's format (featbit.md §2.2), so FeatBit's SDKs accept them:
// 44 characters = enc(random GUID) + enc(environment id), where enc(g) is the URL-safe base64 of
// .NET's `Guid.ToByteArray()` (first three groups little-endian) without its `==` padding.
import { randomUUID } from 'node:crypto';

function guidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${uuid}`);
  const b = Buffer.from(hex, 'hex');
  // .NET stores Data1 (4 bytes), Data2 (2) and Data3 (2) little-endian; Data4 (8) as is.
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

function encodeGuid(uuid: string): string {
  return guidBytes(uuid).toString('base64').replace(/\//g, '_').replace(/\+/g, '-').slice(0, 22);
}

function decodeGuid(text: string): string | undefined {
  const b = Buffer.from(text.replace(/_/g, '/').replace(/-/g, '+') + '==', 'base64');
  if (b.length !== 16) return undefined;
  const net = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]).toString('hex');
  return `${net.slice(0, 8)}-${net.slice(8, 12)}-${net.slice(12, 16)}-${net.slice(16, 20)}-${net.slice(20)}`;
}

/** A new random secret for the environment `envId` (a UUID). */
export function newEnvSecret(envId: string): string {
  return encodeGuid(randomUUID()) + encodeGuid(envId);
}

/** The environment id carried by a secret, or undefined if it is not in the 44-char format. */
export function envIdOfSecret(secret: string): string | undefined {
  if (secret.length !== 44) return undefined;
  return decodeGuid(secret.slice(22));
}
