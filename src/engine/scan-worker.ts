/** Worker thread entry: scans the pieces it is sent with the scan job it was started with. */
import { serveReadJobs } from '../io/worker-loop.js';
import { compileReadJob, type ReadJobSpec } from './read-job.js';

serveReadJobs((data) => compileReadJob(data as ReadJobSpec));
