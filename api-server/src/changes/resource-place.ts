// Helpers for the relay kinds of the feature folders: reading a stored state's fields and placing
// environment-scoped resources (their project comes from the environment → project map).
import type { Json } from '../store/document-store.js';
import type { RelayedKind, ResourcePlace } from './change-relay.js';

/** A string field of a stored state (`''` when absent or not a string). */
export function stateField(state: Record<string, Json>, field: string): string {
  const value = state[field];
  return typeof value === 'string' ? value : '';
}

/** The project of an environment id (`''` when unknown). */
export type ProjectOfEnv = (envId: string) => string;

/** The place of a resource stored with an `envId`, named by its `keyField` (or `fallback`). */
export function envScopedPlace(
  projectOfEnv: ProjectOfEnv,
  keyField: string,
  fallback?: string,
): RelayedKind['place'] {
  return (s): ResourcePlace => ({
    projectId: projectOfEnv(stateField(s, 'envId')),
    envId: stateField(s, 'envId'),
    key: stateField(s, keyField) || (fallback ? stateField(s, fallback) : ''),
  });
}
