import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuotaBytes, quotaBody } from './quota.js';
import { sampleData } from './samples.js';

test('bytes are formatted as Quay formats them (binary steps, two decimals)', () => {
  assert.equal(formatQuotaBytes(0), '0 bytes');
  assert.equal(formatQuotaBytes(1023), '1023 bytes');
  assert.equal(formatQuotaBytes(1024), '1.00 KB');
  assert.equal(formatQuotaBytes(858993459), '819.20 MB');
  assert.equal(formatQuotaBytes(1073741824), '1.00 GB');
  assert.equal(formatQuotaBytes(5 * 1024 ** 5), '5120.00 TB');
});

test('quotaBody derives the percent and the formatted sizes; the samples are such bodies', () => {
  // Quay's own sample data (ours copies it) rounds: 80 for 79.99 %, 105 for 104.99 %; its producer's int() truncates.
  assert.deepEqual(quotaBody(858993459, 1073741824, 80), { ...sampleData('quota_warning').body, usage_percent: 79 });
  assert.deepEqual(quotaBody(1127428915, 1073741824, 100), { ...sampleData('quota_error').body, usage_percent: 104 });
  assert.equal(quotaBody(1073741824, 1073741824, 100).usage_percent, 100);
  assert.equal(quotaBody(10, 0, 100).usage_percent, 0);
});
