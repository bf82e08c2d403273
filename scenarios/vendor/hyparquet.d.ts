// Types of the bundled reader's few entry points (hyparquet's own are in node_modules/hyparquet).
export function parquetMetadata(buffer: ArrayBuffer, options?: { parsers?: Record<string, unknown> }): any;
export function parquetRead(options: Record<string, unknown>): Promise<void>;
export function parquetSchema(metadata: unknown): unknown;
export function zstdDecompress(input: Uint8Array, output?: Uint8Array): Uint8Array;
