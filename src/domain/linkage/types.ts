/**
 * The contract between the record-linkage engine (src/domain/linkage) and the identification
 * module that feeds it agency records. Pure data: the engine does no I/O.
 *
 * The engine exports, from src/domain/linkage/index.ts:
 *   train(records, options?)            -> LinkageModel   (EM-estimated m/u, term frequencies)
 *   link(records, options?)             -> LinkageResult  (blocking, scoring, decisions, clusters)
 *   explain(model, left, right)         -> Explanation    (the waterfall for one pair)
 *   decide(weight, thresholds)          -> Decision
 */

/** One person as an agency recorded them, normalised by the caller (trimmed; empty = null). */
export interface PersonRecord {
  /** The caller's id for the record (for example the source record's UUID). */
  key: string;
  firstName: string | null;
  middleName?: string | null;
  lastName: string | null;
  /** ISO date, YYYY-MM-DD. */
  dateOfBirth: string | null;
  sex?: 'F' | 'M' | null;
  postcode: string | null;
  /** First address line: house number and street. */
  address: string | null;
  /** Email address, when the agency holds one. */
  email?: string | null;
  /**
   * Identifiers by scheme: `nhs`, `upn`, `ni`, `pnc`, or an agency's own (`housing_ref`), each in
   * its canonical form (src/domain/identification/identifiers.ts). Compared scheme by scheme.
   */
  identifiers?: Record<string, string> | null;
}

/** Match weights are log2 Bayes factors: the prior weight plus one weight per field. */
export interface Thresholds {
  /** At or above: link automatically. */
  link: number;
  /** At or above (and below link): clerical review. Below: keep apart. */
  review: number;
}

export type Decision = 'link' | 'review' | 'apart';

/** How much one field added to, or took away from, a pair's match weight. */
export interface FieldWeight {
  field: 'firstName' | 'lastName' | 'dateOfBirth' | 'sex' | 'postcode' | 'address' | 'email' | 'identifier';
  /** The comparison level that applied, for example 'exact', 'nickname', 'jaro-winkler >= 0.92', 'day and month swapped', 'missing'. */
  level: string;
  /** Plain words for the review page, for example "first name: Bill and William are the same name". */
  label: string;
  weight: number;
}

export interface Explanation {
  prior: number;
  fields: FieldWeight[];
  /** prior + sum of field weights. */
  weight: number;
  /** 2^weight / (1 + 2^weight). */
  probability: number;
}

/** A clerical decision on a pair, by the callers' keys; feeds back into clustering (and training). */
export interface PairDecision {
  left: string;
  right: string;
  match: boolean;
}

export interface ScoredPair {
  /** Indexes into the records array given to link(). */
  left: number;
  right: number;
  weight: number;
  probability: number;
  decision: Decision;
  /** Set when a clerical decision, not the weight, settled the pair. */
  clerical?: boolean;
}

/** JSON-serialisable, so a trained model can be stored and reused. */
export interface LinkageModel {
  version: 1;
  prior: number;
  /** field -> level -> { m, u } */
  fields: Record<string, Record<string, { m: number; u: number }>>;
  /** Term-frequency tables for the fields that use them (field -> value -> relative frequency). */
  termFrequencies: Record<string, Record<string, number>>;
  /** The frequency assumed for a value missing from termFrequencies (field -> frequency). */
  termFrequencyFloor?: Record<string, number>;
  thresholds: Thresholds;
  /**
   * Set when training found households (different people at one home who share a surname): an
   * exact surname at the same home then counts for less and without term frequency. Absent or
   * false: it counts as any exact surname.
   */
  householdsSeen?: boolean;
  /**
   * Twin levels (by level name) whose weight rests on chance alone (the data showed no twins): a
   * rare surname then makes the chance smaller (term frequency). Where the data show twins, the
   * surname's rarity does not make two people of one birth and home any less likely.
   */
  twinByChance?: Record<string, boolean>;
}

export interface LinkageResult {
  model: LinkageModel;
  /** Every compared pair at or above the review threshold (pairs below are not kept). */
  pairs: ScoredPair[];
  /** For each record (by index), the index of its cluster's representative record. */
  clusterOf: Int32Array;
  stats: { records: number; comparisons: number; links: number; reviews: number; seconds: number };
}
