import { readFile } from "node:fs/promises";

/** Whether a process with this pid exists; one of another user (EPERM) counts, as the server runs as `postgres` under root. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid on the first line of a pid file (`postmaster.pid`, `dev.lock`); undefined when there is none. */
export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, "utf8")).split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
