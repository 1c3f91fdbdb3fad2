import { Type } from 'typebox';
import { maskWebhookUrl } from '../mask.js';
import { errorText, str, type MethodModule } from '../method-module.js';
import { HttpUrl, RATE_LIMIT_FIELD, RateLimit, withRateLimit } from '../shared-schemas.js';

export const webhook: MethodModule = {
  method: 'webhook',
  label: 'Webhook POST',
  config: Type.Object(
    {
      url: HttpUrl,
      template: Type.Optional(
        Type.Union([Type.String(), Type.Null()], {
          description:
            "A JSON document whose strings may contain `${jsonpath}` expressions, rendered as Quay's util/jsontemplate.py does; " +
            'at most 32 levels deep and 64 KiB (400 naming the limit beyond).',
          ...errorText('must be a string holding a JSON document'),
        }),
      ),
      rate_limit: RateLimit,
    },
    errorText('is required and must be an object'),
  ),
  secrets: { url: maskWebhookUrl },
  form: [
    { key: 'config.url', label: 'Webhook URL', kind: 'url', required: true, placeholder: 'https://ci.example.com/hooks/registry' },
    {
      key: 'config.template',
      label: 'JSON body template (optional)',
      kind: 'textarea',
      placeholder: '{"text": "${repository} updated: ${updated_tags}"}',
      hint: 'A JSON document; strings may hold ${jsonpath} expressions over the event. Empty: the event JSON as is.',
    },
    RATE_LIMIT_FIELD,
  ],
  sender: 'delivery-webhook',
  describe: (c) => str(c['url']),
  normalize: (c) => {
    const t = c['template'];
    return withRateLimit(t === undefined || t === null || t === '' ? { url: c['url'] } : { url: c['url'], template: t }, c);
  },
};
