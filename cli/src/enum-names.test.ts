// The CLI prints and reads enums by name, derived from the generated JSON names.
import { describe, expect, it } from 'vitest';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { ImportItemKind } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import {
  VARIATION_TYPE_NAMES,
  importItemKindName,
  parseVariationType,
  reasonKindName,
  secretKindName,
  variationTypeName,
} from './enum-names.js';
import { UsageError } from './resolve.js';

describe('enum names', () => {
  it('prints variation types, secret kinds, reason kinds and import kinds by name', () => {
    expect(VARIATION_TYPE_NAMES).toEqual(['boolean', 'string', 'number', 'json']);
    expect(variationTypeName(VariationType.VARIATION_TYPE_JSON)).toBe('json');
    expect(variationTypeName(VariationType.UNRECOGNIZED)).toBe('unrecognized');
    expect(secretKindName(SecretKind.SECRET_KIND_SERVER)).toBe('server');
    expect(secretKindName(SecretKind.SECRET_KIND_CLIENT)).toBe('client');
    expect(reasonKindName(EvaluationReasonKind.EVALUATION_REASON_KIND_RULE_MATCH)).toBe(
      'rule_match',
    );
    expect(importItemKindName(ImportItemKind.IMPORT_ITEM_KIND_SEGMENT)).toBe('segment');
  });

  it('reads a variation type by its short or its Protobuf JSON name, and nothing else', () => {
    expect(parseVariationType('string')).toBe(VariationType.VARIATION_TYPE_STRING);
    expect(parseVariationType('Number')).toBe(VariationType.VARIATION_TYPE_NUMBER);
    expect(parseVariationType('VARIATION_TYPE_JSON')).toBe(VariationType.VARIATION_TYPE_JSON);
    for (const bad of ['date', 'unspecified', 'VARIATION_TYPE_UNSPECIFIED', '2', '']) {
      expect(() => parseVariationType(bad)).toThrow(UsageError);
    }
    expect(() => parseVariationType('date')).toThrow(/boolean, string, number, json/);
  });
});
