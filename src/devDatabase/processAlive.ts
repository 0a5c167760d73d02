/** Whether a process with this pid exists; one of another user (EPERM) counts, as the server runs as `postgres` under root. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
