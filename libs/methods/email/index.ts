import { Type } from 'typebox';
import { errorText, str, type MethodModule } from '../method-module.js';
import { RATE_LIMIT_FIELD, RateLimit } from '../shared-schemas.js';

export const MAX_EMAIL_LENGTH = 254;

export const email: MethodModule = {
  method: 'email',
  label: 'E-mail',
  config: Type.Object(
    {
      email: Type.String({
        minLength: 3,
        maxLength: MAX_EMAIL_LENGTH,
        pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$',
        format: 'email',
        description: 'Authorized and confirmed for the repository (POST …/authorizedemail/{email}) before the notification is created.',
        ...errorText('must be a valid e-mail address'),
      }),
      rate_limit: RateLimit,
    },
    errorText('is required and must be an object'),
  ),
  secrets: {},
  form: [
    {
      key: 'config.email',
      label: 'E-mail address',
      kind: 'email',
      required: true,
      placeholder: 'team@example.com',
      hint: 'Each address must be authorized for this repository: a confirmation link is mailed to it.',
    },
    RATE_LIMIT_FIELD,
  ],
  sender: 'delivery-email',
  describe: (c) => str(c['email']),
};
