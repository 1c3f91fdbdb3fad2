import type { Level } from './level.js';

/**
 * Slack attachment colours (SPEC §3). Info is white as in Quay, so receivers that match on it keep
 * working; the others are Slack's named colours.
 */
export const SLACK_COLORS: Readonly<Record<Level, string>> = {
  info: '#ffffff',
  warning: 'warning',
  error: 'danger',
  success: 'good',
  primary: 'good',
};

/** HipChat room notification colours (HipChat accepts only its named colours). */
export const HIPCHAT_COLORS: Readonly<Record<Level, string>> = {
  info: 'gray',
  warning: 'yellow',
  error: 'red',
  success: 'green',
  primary: 'purple',
};

/** Accent colours for HTML e-mail (a bar above the message). */
export const EMAIL_COLORS: Readonly<Record<Level, string>> = {
  info: '#6c757d',
  warning: '#f0ad4e',
  error: '#d9534f',
  success: '#5cb85c',
  primary: '#337ab7',
};

export function slackColor(l: Level): string {
  return SLACK_COLORS[l];
}

export function hipchatColor(l: Level): string {
  return HIPCHAT_COLORS[l];
}
