/**
 * The reader's job for `--follow`: the scan's job plus a probe of each line batch's newest event
 * time. On a live stream most lines are passed over by the prefilter and never decoded, yet their
 * times must move the watermark, or a quiet rule would wait for its next match to write the alerts
 * of runs long over. The probe parses the last few lines of each batch (ingest order is roughly time
 * order) and reports their times; it never changes which lines are decoded or what matches.
 *
 * Any time it reports is the time of an event actually seen, so the watermark stays a lower bound of
 * the newest event time and finality is never decided early: the follower's output does not depend
 * on how many lines are probed, only how soon it comes.
 */
import { eventTimeOf, type TimestampFields } from '../ecs/time.js';
import type { LineBatch } from '../io/lines.js';
import type { ReadJob } from '../io/job.js';
import { recognizeShape } from '../io/shapes.js';

/** Lines probed at the end of each batch: a few parses per read are noise next to the read. */
export const PROBED_LINES = 4;

/** The newest event time among the last `lines` non-blank lines of `batch`, if any parses. */
export function newestTimeIn(batch: LineBatch, fields: TimestampFields, lines = PROBED_LINES): number | undefined {
  let newest: number | undefined;
  let probed = 0;
  for (let i = batch.count - 1; i >= 0 && probed < lines; i--) {
    const s = batch.starts[i]!;
    const e = batch.ends[i]!;
    if (e <= s) continue;
    probed++;
    let v: unknown;
    try {
      v = JSON.parse(batch.buf.toString('utf8', s, e));
    } catch {
      continue; // a malformed line is the reader's to report
    }
    const shape = recognizeShape(v);
    if (!shape.ok) continue;
    for (const ev of shape.events) {
      const t = eventTimeOf(ev.source, fields);
      if (t.ok && (newest === undefined || t.ms > newest)) newest = t.ms;
    }
  }
  return newest;
}

/**
 * `job` with the probe in front of its prefilter. The probe only runs on this thread: a follower
 * reads its stream here (a worker's pieces would report their matches' times only).
 */
export function withWatermarkProbe(job: ReadJob, fields: TimestampFields, observe: (ms: number) => void): ReadJob {
  const inner = job.prefilter;
  const { portable: _portable, ...rest } = job;
  return {
    ...rest,
    prefilter: (batch) => {
      const t = newestTimeIn(batch, fields);
      if (t !== undefined) observe(t);
      return inner?.(batch);
    },
  };
}
