// create_project: a project is the container every asset lives in. upload_media can also create one by
// name, so this tool is for organising work up front.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { projectView, viewProject } from "./views.js";

export const createProject = defineTool({
  name: "create_project",
  title: "Create a project",
  description: "Creates a project (a folder for assets); its project_id goes to upload_media. Free.",
  inputSchema: {
    name: z.string().min(1).max(200).describe("project name"),
    description: z.string().max(2000).optional().describe("optional description"),
  },
  outputSchema: { project: projectView },
  toolsets: ["projects"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const project = viewProject(await client.projects.create({ name: args.name, description: args.description }, { signal: ctx.signal }));
    const next = `upload_media with project_id=${project.id}.`;
    return { data: { project, next_step: next }, summary: `Created project "${project.name}" (${project.id}). Next: ${next}` };
  },
});
