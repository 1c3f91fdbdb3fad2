import { Type } from 'typebox';
import { maskSlackUrl } from '../mask.js';
import { errorText, str, type MethodModule } from '../method-module.js';
import { HttpUrl, RATE_LIMIT_FIELD, RateLimit } from '../shared-schemas.js';

export const slack: MethodModule = {
  method: 'slack',
  label: 'Slack Notification',
  config: Type.Object({ url: HttpUrl, rate_limit: RateLimit }, errorText('is required and must be an object')),
  secrets: { url: maskSlackUrl },
  form: [
    { key: 'config.url', label: 'Slack incoming webhook URL', kind: 'url', required: true, placeholder: 'https://hooks.slack.com/services/…' },
    RATE_LIMIT_FIELD,
  ],
  sender: 'delivery-slack',
  describe: (c) => str(c['url']),
};
