import { readFileSync } from 'node:fs';

/** application_name of the benchmark's worker connections (to find its PostgreSQL backends). */
export const BENCH_APP = 'biomon-bench-worker';

/** Memory lines of /proc/PID/status in bytes (VmHWM = peak resident, VmRSS, RssAnon = private, RssShmem = shared buffers touched). */
export function procStatus(pid: number | 'self'): Record<string, number> {
  try {
    const out: Record<string, number> = {};
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(Vm\w+|Rss\w+):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * 1024;
    }
    return out;
  } catch {
    return {};
  }
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s). */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
