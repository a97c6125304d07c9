// Processor time spent by the server, by PostgreSQL and by the load generator during a run, read
// from /proc (Linux only). On a shared machine the rates of two runs vary with what else runs;
// the processor time each form costs varies much less, so the report gives both.
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** utime + stime of a process in seconds, 0 when it is gone. */
function processSeconds(pid: number): number {
  try {
    // the fields after the command name (which may hold spaces) start at ") "; utime and stime are the 12th and 13th of them
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/** The PostgreSQL server processes on this machine (postmaster and backends). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')
      } catch {
        return false
      }
    })
}

export interface CpuSeconds {
  server: number
  postgres: number
  loadGenerator: number
}

/**
 * Starts counting; the function returned gives the seconds used since. A PostgreSQL backend that
 * ends during the run is not counted (the runs keep their connections open throughout).
 */
export function measureCpu(serverPid?: number): () => CpuSeconds {
  const postgresAtStart = new Map(postgresPids().map((pid) => [pid, processSeconds(pid)]))
  const serverAtStart = serverPid === undefined ? 0 : processSeconds(serverPid)
  const ownAtStart = process.cpuUsage()
  return () => {
    let postgres = 0
    for (const pid of postgresPids()) postgres += processSeconds(pid) - (postgresAtStart.get(pid) ?? 0)
    const own = process.cpuUsage(ownAtStart)
    return {
      server: serverPid === undefined ? 0 : processSeconds(serverPid) - serverAtStart,
      postgres,
      loadGenerator: (own.user + own.system) / 1e6,
    }
  }
}
