/*
 * Whether a process still runs, for cleaning up after one that was killed half-way (the warehouse build's
 * abandoned files, an import's work directory): signal 0 checks without signalling, and EPERM means it runs
 * under another user.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
