// The fixed numbers of the population and care model, the ones calibration/model.json does not state:
// population.ts and care.ts draw with them, expected.ts (the plan) takes their means, tables.ts caps
// with them. One place, so that what `plan` predicts and what `generate` draws cannot drift apart.

/** Share of boys among births (Insee). */
export const BOYS_AT_BIRTH = 0.512;

/** The oldest single age of the Insee tables, which stands for "this age and over". */
export const OPEN_AGE = 99;
/** Years past OPEN_AGE: min(OPEN_AGE_EXTRA_MAX, floor(Exp(mean OPEN_AGE_EXTRA_MEAN))). */
export const OPEN_AGE_EXTRA_MAX = 6;
export const OPEN_AGE_EXTRA_MEAN = 1.5;

/** Chance that a condition's follow-up visit to a specialist who has a CCAM act includes the act. */
export const CONDITION_ACT_PROBABILITY = 0.8;
/** Chance that each act of a stay's chapter is performed; if any is, the anaesthesia act is added. */
export const STAY_ACT_PROBABILITY = 0.7;
/** Chance that each associated diagnosis of the person's conditions is coded on a stay. */
export const ASSOCIATED_CODE_PROBABILITY = 0.6;

/** Associated causes a death certificate (KI_ECD_R) lists after the initial cause, at most. */
export const MAX_ASSOCIATED_CAUSES = 3;

/**
 * care.ts draws the specialist mix and the stay chapters from one table for every age from this one
 * on: an entry's age bounds must not tell those ages apart (min_age at most this, max_age below it).
 */
export const SAME_DRAW_FROM_AGE = 50;

/** Reimbursement rates of medicines (%): tables.ts gives each its DCIR nature of service. */
export const DRUG_RATES = [100, 65, 30, 15] as const;
export type DrugRate = (typeof DRUG_RATES)[number];
