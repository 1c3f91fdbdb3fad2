import { configError, type Sender } from '@herald/delivery';
import type { GuardedHttpClient } from '@herald/http-guard';
import { postJson } from '@herald/delivery';
import { flowdockPayload, flowdockUrl } from './request.js';

export interface FlowdockSenderOptions {
  http: GuardedHttpClient;
  apiUrl: string;
  source: string;
  fromAddress: string;
  userAgent: string;
}

/** Flowdock delivery: the Team Inbox message, to the flow named by `config.flow_api_token` (a secret). */
export function createFlowdockSender(opts: FlowdockSenderOptions): Sender {
  return {
    method: 'flowdock',
    async send({ job, notification, cancel, trace, capture }) {
      const token = notification.config['flow_api_token'];
      if (typeof token !== 'string' || token === '') throw configError('config.flow_api_token is missing');
      return postJson(opts.http, flowdockUrl(opts.apiUrl, token), flowdockPayload(job.event, opts), { cancel, userAgent: opts.userAgent, trace, capture });
    },
  };
}
