// What scenarios/vendor/hyparquet.js holds: the Parquet reader and the ZSTD decoder the datasets need.
export { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
export { decompress as zstdDecompress } from 'fzstd';
