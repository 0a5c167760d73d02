/** What the numbers were measured on, printed and stored with every run. */
import os from "node:os";
import { serverVersion } from "./database.js";

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
}

export async function describeMachine(): Promise<MachineInfo> {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await serverVersion(),
  };
}
