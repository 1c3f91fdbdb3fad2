import { parseConfig } from '@herald/config';
import { deliveryShape } from '@herald/delivery';

export const inAppShape = {
  ...deliveryShape('delivery-inapp', 9415),
};

export type InAppConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(inAppShape, env);
}
