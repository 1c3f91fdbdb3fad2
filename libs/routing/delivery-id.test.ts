import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryId } from './delivery-id.js';

test('delivery id is stable and distinct per (event, notification)', () => {
  const a = deliveryId('e1', 'n1');
  assert.equal(a, deliveryId('e1', 'n1'));
  assert.notEqual(a, deliveryId('e1', 'n2'));
  assert.notEqual(a, deliveryId('e2', 'n1'));
  // The separator keeps ("ab","c") and ("a","bc") apart.
  assert.notEqual(deliveryId('ab', 'c'), deliveryId('a', 'bc'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
