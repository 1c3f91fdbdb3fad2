import { Type } from 'typebox';
import { MASK } from '../mask.js';
import { errorText, str, type MethodModule } from '../method-module.js';
import { RATE_LIMIT_FIELD, RateLimit, Token } from '../shared-schemas.js';

export const flowdock: MethodModule = {
  method: 'flowdock',
  label: 'Flowdock Team Notification',
  config: Type.Object({ flow_api_token: Token, rate_limit: RateLimit }, errorText('is required and must be an object')),
  secrets: { flow_api_token: () => MASK },
  form: [{ key: 'config.flow_api_token', label: 'Flow API token', kind: 'secret', required: true }, RATE_LIMIT_FIELD],
  sender: 'delivery-flowdock',
  describe: (c) => `flow token ${str(c['flow_api_token'])}`,
};
