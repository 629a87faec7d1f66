// Projects [inferred]: the workflow container every asset lives in. Delete cascades to assets, cuts, renders.
import { z } from "zod";
import type { App } from "../app.js";
import { notFound } from "../errors.js";
import { body, pageReply, pagination, query, type Router } from "../http.js";
import { deleteProject } from "../lifecycle.js";
import { projectView } from "../serialize.js";

const CreateProject = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().max(2000).nullish(),
});

export function registerProjects(router: Router, app: App): void {
  router.add("POST", "/v1/projects", async (ctx) => {
    const b = await body(ctx, CreateProject);
    const p = app.store.createProject(b.name, b.description ?? null);
    return { status: 201, json: projectView(p), headers: { Location: `${app.baseUrl}/v1/projects/${p.id}` } };
  });

  router.add("GET", "/v1/projects", (ctx) => {
    const q = query(ctx, z.object(pagination));
    const page = app.store.listProjects(q.limit, q.offset);
    return pageReply(page.items.map(projectView), page.total, q.limit, q.offset);
  });

  router.add("GET", "/v1/projects/:project_id", (ctx) => {
    const p = app.store.getProject(ctx.params.project_id as string);
    if (!p) throw notFound("Project", ctx.params.project_id as string);
    return { status: 200, json: projectView(p) };
  });

  router.add("DELETE", "/v1/projects/:project_id", (ctx) => {
    const id = ctx.params.project_id as string;
    if (!app.store.getProject(id)) throw notFound("Project", id);
    deleteProject(app, id);
    return { status: 204 };
  });
}
