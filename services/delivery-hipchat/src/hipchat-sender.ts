import { configError, type Sender } from '@herald/delivery';
import type { GuardedHttpClient } from '@herald/http-guard';
import { postJson } from '@herald/delivery';
import { hipchatPayload, hipchatUrl } from './request.js';

/** HipChat delivery: a room notification to `config.room_id` with `config.notification_token` (a secret). */
export function createHipchatSender(opts: { http: GuardedHttpClient; apiUrl: string; userAgent: string }): Sender {
  return {
    method: 'hipchat',
    async send({ job, notification, cancel, trace, capture }) {
      const room = notification.config['room_id'];
      const token = notification.config['notification_token'];
      const roomId = typeof room === 'number' ? String(room) : room;
      if (typeof roomId !== 'string' || !/^\d{1,20}$/.test(roomId)) throw configError('config.room_id is missing or not digits');
      if (typeof token !== 'string' || token === '') throw configError('config.notification_token is missing');
      return postJson(opts.http, hipchatUrl(opts.apiUrl, roomId, token), hipchatPayload(job.event), { cancel, userAgent: opts.userAgent, trace, capture });
    },
  };
}
