// Finding a project by name: names are how people think of projects, and the tools and the cut_to_script job
// reuse one by name (a rerun after a cancel then resumes its upload in the same place). The lookup walks every
// page: reading only the first would create a duplicate for anyone with more projects than one page holds.

import { paginate, type Project, type RoughyClient } from "../client/index.js";

export type FoundProject = { project: Project; created: boolean };

/** The first project (newest first, as the API lists them) named exactly `name`, else a new one. */
export async function findOrCreateProject(
  client: RoughyClient,
  name: string,
  options: { signal?: AbortSignal; description?: string } = {},
): Promise<FoundProject> {
  const { signal } = options;
  for await (const project of paginate((q) => client.projects.list({ ...q, signal }), { signal })) {
    if (project.name === name) return { project, created: false };
  }
  const project = await client.projects.create({ name, ...(options.description ? { description: options.description } : {}) }, { signal });
  return { project, created: true };
}
