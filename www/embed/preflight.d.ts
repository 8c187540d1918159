// Types for Preflight's embed script (preflight-embed.js).

export type Status = 'pass' | 'warn' | 'fail' | 'manual' | 'unknown';
export type Verdict = 'pass' | 'warn' | 'fail';

export interface PreflightError {
  /** e.g. "bad_profile", "unknown_profile", "bad_config", "profile_src_cross_origin",
   *  "profile_src_failed", "load_failed" (the element); "bad_options", "unknown_slot", … (the API). */
  code: string;
  message_zh: string;
  message_en: string;
}

export interface MediaInfo {
  file: string;
  size_bytes: number;
  container: string;
  brands: string[];
  duration_s: number | null;
  faststart: boolean | null;
  fragmented: boolean;
  bytes_read: number;
  reads: number;
  creation_time: string | null;
  location: { latitude: number; longitude: number; altitude: number | null; source: string } | null;
  video: {
    codec: string; width: number; height: number; display_width: number; display_height: number;
    rotation: 0 | 90 | 180 | 270; pixel_aspect: string; frame_rate: number | null;
    bitrate_bps: number | null; duration_s: number | null;
  } | null;
  audio: { codec: string; channels: number | null; sample_rate: number | null; bitrate_bps: number | null; duration_s: number | null } | null;
  top_level: string[];
  notes: string[];
}

export interface RuleResult {
  id: string;
  status: Status;
  measured: string;
  expected: string;
  message_zh: string;
  message_en: string;
  fix_zh: string;
  fix_en: string;
  source: string;
  kind: 'video' | 'form' | 'attachment' | 'checklist';
  preview?: 'start' | 'end';
}

export interface Report {
  profile: string;
  category: string | null;
  channel: string | null;
  verdict: Verdict;
  rules: RuleResult[];
  media: MediaInfo | null;
}

/** A built-in profile id, a profile as JSON text, or a profile object (docs/PROFILES.md). */
export type ProfileInput = string | object;

export type FormValues = Record<string, string | string[]>;

export interface CheckOptions {
  category?: string;
  channel?: string;
  /** Keyed by the profile's field ids; a key that is not a field rejects (`bad_form`). */
  form?: FormValues;
}

export interface BundleOptions extends CheckOptions {
  profile: ProfileInput;
  /**
   * Left out only where the form says the video comes later (the profile's
   * `video.later`, e.g. 科普之光's 视频线索): the bundle then holds the form and
   * the scans, and its manifest's `video_later` says by when. Otherwise no
   * video rejects with `video_required`.
   */
  video?: File;
  attachments?: { slot: string; file: File }[];
  /** Bundle although a rule fails; the manifest records the failures. */
  force?: boolean;
}

export interface Bundle {
  blob: Blob;
  name: string;
  /** `manifest.json`; `media` is absent and `video_later` ({due?, text, text_en}) present when the video comes later. */
  manifest: object;
  report: Report;
}

/** Options of `fix`: each operation defaults to on (only where it applies),
 * `stripDevice` to off. With `profile`, `report` is the fixed file's check. */
export interface FixOptions {
  faststart?: boolean;
  mp4?: boolean;
  stripLocation?: boolean;
  stripDevice?: boolean;
  profile?: ProfileInput;
  category?: string;
  channel?: string;
}

export interface FixChange {
  /** `faststart`, `mp4`, `track_dropped`, `location_removed`, `device_removed`, `co64`. */
  code: string;
  zh: string;
  en: string;
}

/** A remux without re-encoding: `blob` is the new header bytes and slices of
 * the original File (never a copy); the File itself when `changes` is empty. */
export interface Fixed {
  blob: Blob;
  name: string;
  changes: FixChange[];
  media: MediaInfo;
  report: Report | null;
  bytesRead: number;
}

export interface PreflightApi {
  ready(): Promise<true>;
  profiles(): Promise<string[]>;
  probe(file: Blob): Promise<MediaInfo>;
  check(file: Blob, profile: ProfileInput, options?: CheckOptions): Promise<Report>;
  bundle(options: BundleOptions): Promise<Bundle>;
  fix(file: Blob, options?: FixOptions): Promise<Fixed>;
}

declare global {
  interface Window {
    Preflight: PreflightApi;
  }
  interface HTMLElementEventMap {
    'preflight-report': CustomEvent<Report>;
    'preflight-bundle': CustomEvent<{ blob: Blob; name: string; manifest: object }>;
    'preflight-error': CustomEvent<PreflightError>;
  }
}
