import type { RepositoryEvent } from '@herald/events';
import { hipchatColor, renderEvent } from '@herald/render';

/** The JSON of HipChat's "send room notification" (API v2; SPEC §3, Quay's shape). */
export interface HipchatPayload {
  color: string;
  message: string;
  notify: boolean;
  message_format: 'html';
}

/**
 * `POST {api}/v2/room/<room_id>/notification?auth_token=<token>`. HipChat takes the token in the
 * query; it is encoded, and the room id is digits (validated at creation and checked again here).
 */
export function hipchatUrl(apiUrl: string, roomId: string, token: string): string {
  if (!/^\d{1,20}$/.test(roomId)) throw new TypeError('room_id must be digits');
  return `${apiUrl.replace(/\/+$/, '')}/v2/room/${roomId}/notification?auth_token=${encodeURIComponent(token)}`;
}

/** The room notification: the HTML message coloured by level; only errors notify the room. */
export function hipchatPayload(event: RepositoryEvent): HipchatPayload {
  const r = renderEvent(event);
  return { color: hipchatColor(r.level), message: r.html, notify: r.level === 'error', message_format: 'html' };
}
