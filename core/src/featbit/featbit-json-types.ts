// FeatBit's JSON shapes of flags and segments, as its server-SDK endpoint
// (`GET /api/public/sdk/server/latest-all`) and data-sync stream carry them. Shared by ELS (which
// writes them, Vane → FeatBit) and the api-server's FeatBit importer (which reads them).
import type { VariationType } from '../model/feature-flag.js';

/** A condition in FeatBit's JSON. */
export interface FeatBitCondition {
  id: string;
  property: string;
  op: string | null;
  value: string | null;
}

/** A rollout share in FeatBit's JSON. */
export interface FeatBitRollout {
  id: string;
  rollout: [number, number];
  exptRollout: number;
}

/** A flag as FeatBit's server SDK payload carries it. */
export interface FeatBitFlag {
  id: string;
  envId: string;
  name: string;
  description: string;
  key: string;
  variationType: VariationType;
  variations: { id: string; name: string; value: string }[];
  targetUsers: { keyIds: string[]; variationId: string }[];
  rules: {
    id: string;
    name: string;
    dispatchKey: string | null;
    includedInExpt: boolean;
    conditions: FeatBitCondition[];
    variations: FeatBitRollout[];
  }[];
  isEnabled: boolean;
  disabledVariationId: string;
  fallthrough: {
    dispatchKey: string | null;
    includedInExpt: boolean;
    variations: FeatBitRollout[];
  };
  exptIncludeAllTargets: boolean;
  tags: string[];
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A segment as FeatBit's server SDK payload carries it. */
export interface FeatBitSegment {
  id: string;
  envId: string;
  name: string;
  key: string;
  description: string;
  included: string[];
  excluded: string[];
  rules: { id: string; name: string; conditions: FeatBitCondition[] }[];
  tags: string[];
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}
