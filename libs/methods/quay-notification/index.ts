import { Type } from 'typebox';
import { errorText, str, type MethodModule } from '../method-module.js';
import { MAX_NAME_LENGTH } from '../shared-schemas.js';

/** Who sees an in-app notification (libs/store's INAPP_TARGET_KINDS; a test keeps them equal). */
export const TARGET_KINDS = ['user', 'team', 'org'] as const;

export const quayNotification: MethodModule = {
  method: 'quay_notification',
  label: 'In-app notification (the bell)',
  config: Type.Object(
    {
      target: Type.Object(
        {
          kind: Type.Enum(TARGET_KINDS, errorText(`must be one of ${TARGET_KINDS.join(', ')}`)),
          name: Type.String({
            minLength: 1,
            maxLength: MAX_NAME_LENGTH,
            // Not blank, no control characters.
            pattern: '^[^\\p{Cc}]*[^\\s\\p{Cc}][^\\p{Cc}]*$',
            ...errorText(`is required and must be a name of at most ${MAX_NAME_LENGTH} characters`),
          }),
        },
        errorText('is required and must be an object {kind, name}'),
      ),
    },
    errorText('is required and must be an object'),
  ),
  secrets: {},
  form: [
    {
      key: 'config.target.kind',
      label: 'Recipient kind',
      kind: 'select',
      options: [
        { value: 'user', label: 'User' },
        { value: 'team', label: 'Team' },
        { value: 'org', label: 'Organization admins' },
      ],
    },
    { key: 'config.target.name', label: 'Recipient name', kind: 'text', required: true, placeholder: 'alice, ns/owners or ns' },
  ],
  sender: 'delivery-inapp',
  describe: (c) => {
    const t = (c['target'] ?? {}) as Record<string, unknown>;
    return `${str(t['kind'])} ${str(t['name'])}`.trim();
  },
  normalize: (c) => {
    const t = c['target'] as Record<string, unknown>;
    return { target: { kind: t['kind'], name: t['name'] } };
  },
};
