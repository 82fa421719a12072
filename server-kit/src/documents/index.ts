// @vane/server-kit/documents: the stored-document contract of the api-server's flags, segments and
// environments, shared by every deployable that reads them (types, names and conversion; no I/O).
export type { ChangeRecord, Json, StoredDocument } from './stored-document.js';
export { ENVIRONMENTS, FLAGS, SEGMENTS } from './definition-documents.js';
export type { EnvironmentDoc, FlagDoc, SecretDoc, SegmentDoc } from './definition-documents.js';
export {
  coreFlag,
  coreSegment,
  secretGrant,
  tombstoneKey,
  tombstoneOf,
} from './document-conversion.js';
export type { SecretGrant, StoredFlag, StoredSegment, Tombstone } from './document-conversion.js';
