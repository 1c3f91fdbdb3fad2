// Masking is owned by each delivery method's module (libs/methods): its `secrets`.
export { MASK, maskConfig, maskPath, maskSlackUrl, maskWebhookUrl } from '@herald/methods';
