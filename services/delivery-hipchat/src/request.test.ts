import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { hipchatPayload, hipchatUrl } from './request.js';

test('HipChat URL: room id path, token in the query, encoded', () => {
  assert.equal(hipchatUrl('https://api.hipchat.com', '123', 'tok'), 'https://api.hipchat.com/v2/room/123/notification?auth_token=tok');
  assert.equal(hipchatUrl('http://127.0.0.1:9/', '7', 'a&b=c'), 'http://127.0.0.1:9/v2/room/7/notification?auth_token=a%26b%3Dc');
  assert.throws(() => hipchatUrl('https://api.hipchat.com', '1/../2', 't'), /digits/);
});

test('HipChat payload: colour by level, notify only on error, HTML message', () => {
  const fail = hipchatPayload(sampleData('build_failure'));
  assert.deepEqual(Object.keys(fail), ['color', 'message', 'notify', 'message_format']);
  assert.equal(fail.color, 'red');
  assert.equal(fail.notify, true);
  assert.equal(fail.message_format, 'html');
  assert.match(fail.message, /<b>Error:<\/b> Could not pull base image: manifest unknown$/);
  const push = hipchatPayload(sampleData('repo_push'));
  assert.deepEqual([push.color, push.notify], ['purple', false]);
  const vuln = sampleData('vulnerability_found');
  vuln.body.vulnerability.priority = 'Medium';
  assert.deepEqual([hipchatPayload(vuln).color, hipchatPayload(vuln).notify], ['yellow', false]);
});

test('HipChat: bidi and invisible format characters in event text are neutralized', () => {
  const e = sampleData('repo_push');
  e.body.updated_tags = ['v1\u202Egnp.exe', 'x\u200By\u2068'];
  const p = hipchatPayload({ ...e, repository: 'acme/\u202Dweb' });
  assert.ok(!/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/.test(p.message), JSON.stringify(p.message));
  assert.ok(p.message.includes('v1gnp.exe') && p.message.includes('xy'), p.message);
});
