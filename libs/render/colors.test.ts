import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hipchatColor, slackColor } from './colors.js';
import { LEVELS } from './level.js';

test('colours per level for Slack and HipChat (SPEC §3)', () => {
  assert.deepEqual(LEVELS.map(slackColor), ['good', '#ffffff', 'good', 'warning', 'danger']);
  assert.deepEqual(LEVELS.map(hipchatColor), ['purple', 'gray', 'green', 'yellow', 'red']);
});
