// Data like the report's timeline: hosts × points, time in ms, kind 0..3.
export function data(hosts, perHost, seed = 1) {
  let s = seed; const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const t0 = Date.parse('2024-05-14T00:00:00Z'), span = 22 * 3600e3;
  const pts = [];
  for (let h = 0; h < hosts; h++) for (let i = 0; i < perHost; i++) pts.push([t0 + rnd() * span, h, Math.floor(rnd() * 4)]);
  pts.sort((a, b) => a[0] - b[0]);
  return pts;
}
