// The dataset's layout constants: what a seed and an epoch fix, besides the model.

/** Bumped only when the model or the layout changes on purpose: same seed + same epoch = same bytes. */
export const EPOCH = 5;

/** Beneficiaries per block: the unit of sharding and of resuming. */
export const BLOCK = 1024;

/** Rows per row group: the Parquet writer holds a whole row group of every column in memory, and
 * scans parallelise over row groups. Epoch 1 wrote one row group per file. */
export const ROW_GROUP = 131_072;

/** Beneficiary indexes fit the 27 bits the DCIR key counters reserve for them. */
export const MAX_BENEFICIARIES = 2 ** 27;
