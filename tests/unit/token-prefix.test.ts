import { describe, expect, it } from 'vitest';
import { generateToken, tokenPrefix } from '@biomon/auth';

describe('tokenPrefix', () => {
  // Regression: the prefix was cut at the last '_', and base64url secrets contain '_' — so most of a
  // token could end up stored in clear beside its hash.
  it('keeps only the role and 6 random characters even when the secret contains underscores', () => {
    const token = 'bm_evaluator_ab_cd_efghijklmnopqrstuvwxyz0123456789ABCDEFG_h';
    expect(tokenPrefix(token)).toBe('bm_evaluator_ab_cd_');
    for (let i = 0; i < 200; i++) {
      const t = generateToken('surveyor');
      expect(tokenPrefix(t)).toHaveLength('bm_surveyor_'.length + 6);
      expect(t.startsWith(tokenPrefix(t))).toBe(true);
    }
  });
});
