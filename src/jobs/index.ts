// Entry point of the job registry for tools. The server hands every tool one `jobs` object per server;
// this turns it into the JobManager (the same one for every call on that server), whether the server
// created a JobManager itself or passed any other object as the key.

import { JobManager } from "./manager.js";

export { JobManager, JobStepError } from "./manager.js";
export type { JobContext, JobError, JobProgress, JobSnapshot, JobStatus } from "./manager.js";

const managers = new WeakMap<object, JobManager>();

export function jobManagerFor(jobs: object): JobManager {
  if (jobs instanceof JobManager) return jobs;
  let manager = managers.get(jobs);
  if (!manager) {
    manager = new JobManager();
    managers.set(jobs, manager);
  }
  return manager;
}
