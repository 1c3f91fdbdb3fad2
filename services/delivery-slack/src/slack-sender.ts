import { configError, type Sender } from '@herald/delivery';
import type { GuardedHttpClient } from '@herald/http-guard';
import { postJson } from '@herald/delivery';
import { slackPayload } from './request.js';

/** Slack delivery: `POST config.url` (an incoming-webhook URL, a secret) with the Slack payload. */
export function createSlackSender(opts: { http: GuardedHttpClient; username: string; userAgent: string }): Sender {
  return {
    method: 'slack',
    send({ job, notification, cancel, trace, capture }) {
      const url = notification.config['url'];
      if (typeof url !== 'string' || url === '') throw configError('config.url is missing');
      return postJson(opts.http, url, slackPayload(job.event, { username: opts.username }), { cancel, userAgent: opts.userAgent, trace, capture });
    },
  };
}
