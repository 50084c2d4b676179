/**
 * The worker side of parallel.ts: a worker entry module (engine/scan-worker.ts for the scan) calls
 * `serveReadJobs` with the function that compiles its job data; the loop then scans each piece it is
 * sent with the reader core and posts the result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nestingExceeds, tooDeepStandIn } from '../ecs/depth.js';
import type { ReadJob } from './job.js';
import { createPieceScanner, type PieceLimits, type PieceResult, type ScanPiece } from './range-scan.js';

/** What parallel.ts starts each worker with. */
export interface WorkerStart {
  data: unknown;
  limits: PieceLimits;
}

export function serveReadJobs(compile: (data: unknown) => ReadJob): void {
  const start = workerData as WorkerStart;
  const scan = createPieceScanner(compile(start.data), start.limits);
  // One piece at a time per worker (the pool waits for the answer before sending the next).
  parentPort!.on('message', (msg: { id: number; piece: ScanPiece }) => {
    const reply = (r: { result: unknown } | { error: string }): void => parentPort!.postMessage({ id: msg.id, ...r });
    const failed = (err: unknown): void => reply({ error: err instanceof Error ? err.message : String(err) });
    try {
      Promise.resolve(scan(msg.piece)).then((result) => reply({ result: postable(result) }), failed);
    } catch (err) {
      failed(err);
    }
  });
}

/**
 * An event nested deeper than Elasticsearch accepts cannot be posted either (structured clone
 * recurses): it crosses as a shallow stand-in that the engine counts like the event (ecs/depth.ts).
 */
function postable(result: PieceResult): PieceResult {
  if (!result.matches.some((ev) => nestingExceeds(ev.source))) return result;
  return { ...result, matches: result.matches.map((ev) => (nestingExceeds(ev.source) ? { ...ev, source: tooDeepStandIn() } : ev)) };
}
