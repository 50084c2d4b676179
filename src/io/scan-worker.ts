/** Worker thread entry: scans the pieces it is sent with the job it was started with. */
import { parentPort, workerData } from 'node:worker_threads';
import { createPieceScanner, type ScanJob, type ScanPiece } from './range-scan.js';

const scan = createPieceScanner(workerData as ScanJob);
parentPort!.on('message', (msg: { id: number; piece: ScanPiece }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: scan(msg.piece) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
