import type { QuotaBody } from './event-types.js';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * Bytes as Quay words them in quota events: binary steps (1024) labelled KB, MB, GB, TB, two
 * decimals, whole bytes below 1 KB ("512 bytes", "819.20 MB").
 */
export function formatQuotaBytes(bytes: number): string {
  let value = bytes;
  for (const unit of UNITS) {
    if (Math.abs(value) < 1024 || unit === 'TB') return unit === 'bytes' ? `${Math.trunc(value)} bytes` : `${value.toFixed(2)} ${unit}`;
    value /= 1024;
  }
  return `${bytes} bytes`; // not reached: the loop returns at TB
}

/**
 * A quota event's body from the usage, the limit and the threshold crossed, with the derived
 * fields computed as Quay computes them (usage_percent truncated to an integer, 0 without a limit).
 */
export function quotaBody(usageBytes: number, limitBytes: number, thresholdPercent: number): QuotaBody {
  return {
    threshold_percent: thresholdPercent,
    usage_bytes: usageBytes,
    limit_bytes: limitBytes,
    usage_percent: limitBytes > 0 ? Math.trunc((usageBytes * 100) / limitBytes) : 0,
    usage_bytes_formatted: formatQuotaBytes(usageBytes),
    limit_bytes_formatted: formatQuotaBytes(limitBytes),
  };
}
