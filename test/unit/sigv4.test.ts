import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, sign } from '../../scenarios/lib/sigv4.js';
import { nodeHashing as node } from '../../src/hosts/s3node.js';

describe('SigV4', () => {
  it("matches AWS's published example (GET /test.txt with Range)", () => {
    const headers = sign(
      node,
      { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' },
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: '/test.txt',
        headers: { Range: 'bytes=0-9' },
        payloadHash: EMPTY_SHA256,
        amzDate: '20130524T000000Z',
      },
    );
    expect(headers.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('changes with the secret', () => {
    const req = { method: 'GET', host: 'h', path: '/b/k', payloadHash: EMPTY_SHA256, amzDate: '20130524T000000Z' };
    const a = sign(node, { accessKey: 'A', secretKey: 'one', region: 'r' }, req).Authorization;
    const b = sign(node, { accessKey: 'A', secretKey: 'two', region: 'r' }, req).Authorization;
    expect(a).not.toBe(b);
  });
});
