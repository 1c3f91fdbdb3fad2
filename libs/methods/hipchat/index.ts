import { Type } from 'typebox';
import { MASK } from '../mask.js';
import { errorText, str, type MethodModule } from '../method-module.js';
import { RATE_LIMIT_FIELD, RateLimit, Token, withRateLimit } from '../shared-schemas.js';

export const hipchat: MethodModule = {
  method: 'hipchat',
  label: 'HipChat Room Notification',
  config: Type.Object(
    {
      // Quay's clients send the room as a number or a string; it is stored as a string.
      room_id: Type.Union([Type.String({ pattern: '^[0-9]{1,20}$' }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
        ...errorText('is required and must be digits'),
      }),
      notification_token: Token,
      rate_limit: RateLimit,
    },
    errorText('is required and must be an object'),
  ),
  secrets: { notification_token: () => MASK },
  form: [
    { key: 'config.room_id', label: 'Room ID', kind: 'text', required: true, placeholder: '12345', hint: 'The room’s number.' },
    { key: 'config.notification_token', label: 'Room notification token', kind: 'secret', required: true },
    RATE_LIMIT_FIELD,
  ],
  sender: 'delivery-hipchat',
  describe: (c) => `room ${str(c['room_id'])}, token ${str(c['notification_token'])}`,
  normalize: (c) => withRateLimit({ room_id: String(c['room_id']), notification_token: c['notification_token'] }, c),
};
