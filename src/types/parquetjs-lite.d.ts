declare module 'parquetjs-lite';
