// SigV4 hashing on k6's native crypto (Go), never in JavaScript.
import crypto from 'k6/crypto';
import type { Hashing } from './sigv4.ts';

export const k6Hashing: Hashing = {
  sha256Hex: (data) => crypto.sha256(data, 'hex'),
  hmac: (key, data) => crypto.hmac('sha256', key, data, 'binary') as ArrayBuffer,
};
