// The names the CLI prints and accepts for the admin API's enums, derived from the generated
// `xxxToJSON` / `xxxFromJSON` helpers (the Protobuf JSON names) rather than from the numbers, so
// a renumbered or added value cannot print or parse as the wrong one.
import type { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { secretKindToJSON } from '@vane/gen/node/vane/admin/v1/environment_service';
import type { ImportItemKind } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { importItemKindToJSON } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import type { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import { evaluationReasonKindToJSON } from '@vane/gen/node/vane/model/v1/evaluation';
import {
  VariationType,
  variationTypeFromJSON,
  variationTypeToJSON,
} from '@vane/gen/node/vane/model/v1/flag';
import { UsageError } from './resolve.js';

/** `VARIATION_TYPE_STRING` with prefix `VARIATION_TYPE_` → `string`; other names in lower case. */
export function shortName(jsonName: string, prefix: string): string {
  return (jsonName.startsWith(prefix) ? jsonName.slice(prefix.length) : jsonName).toLowerCase();
}

const VARIATION_TYPE_PREFIX = 'VARIATION_TYPE_';

/** `boolean`, `string`, `number`, `json` (or `unrecognized`). */
export function variationTypeName(type: VariationType): string {
  return shortName(variationTypeToJSON(type), VARIATION_TYPE_PREFIX);
}

/** The variation types a flag can be created with, by name. */
export const VARIATION_TYPE_NAMES: readonly string[] = Object.values(VariationType)
  .filter(
    (v): v is VariationType =>
      typeof v === 'number' &&
      v !== VariationType.VARIATION_TYPE_UNSPECIFIED &&
      v !== VariationType.UNRECOGNIZED,
  )
  .map(variationTypeName);

/** Reads `string` or `VARIATION_TYPE_STRING` (any case); throws a UsageError for anything else. */
export function parseVariationType(name: string): VariationType {
  const upper = name.trim().toUpperCase();
  const type = variationTypeFromJSON(
    upper.startsWith(VARIATION_TYPE_PREFIX) ? upper : `${VARIATION_TYPE_PREFIX}${upper}`,
  );
  if (type === VariationType.UNRECOGNIZED || type === VariationType.VARIATION_TYPE_UNSPECIFIED) {
    throw new UsageError(
      `the variation type is one of ${VARIATION_TYPE_NAMES.join(', ')}, got "${name}"`,
    );
  }
  return type;
}

/** `server` or `client`. */
export function secretKindName(kind: SecretKind): string {
  return shortName(secretKindToJSON(kind), 'SECRET_KIND_');
}

/** `disabled`, `targeted`, `rule_match`, `fallthrough`… */
export function reasonKindName(kind: EvaluationReasonKind): string {
  return shortName(evaluationReasonKindToJSON(kind), 'EVALUATION_REASON_KIND_');
}

/** `flag`, `segment` or `secret`. */
export function importItemKindName(kind: ImportItemKind): string {
  return shortName(importItemKindToJSON(kind), 'IMPORT_ITEM_KIND_');
}
