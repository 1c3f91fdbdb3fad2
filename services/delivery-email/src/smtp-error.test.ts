import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySmtpError } from './smtp-error.js';

test('SMTP 4xx replies are retried, 5xx replies dead-lettered', () => {
  const busy = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 Try again later' }));
  assert.deepEqual([busy.code, busy.retriable, busy.message], ['SMTP_TRANSIENT', true, 'SMTP 451: 451 4.7.1 Try again later']);
  const gone = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user' }));
  assert.deepEqual([gone.code, gone.retriable, gone.message], ['SMTP_REJECTED', false, 'SMTP 550: 550 5.1.1 No such user']);
  assert.deepEqual([gone.statusCode, gone.errorClass, busy.errorClass], [550, 'smtp_5xx', 'smtp_4xx']);
});

test('connection and authentication failures are retried', () => {
  for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EAUTH']) {
    const e = classifySmtpError(Object.assign(new Error('down'), { code, responseCode: code === 'EAUTH' ? 535 : undefined }));
    assert.deepEqual([e.code, e.retriable], ['SMTP_UNAVAILABLE', true], code);
  }
  assert.equal(classifySmtpError('weird').retriable, true);
});
