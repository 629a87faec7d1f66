// The kinds of thing an agent names through the tools (project, asset, cut, render, webhook, the credit
// ledger, a cut_to_script job), in one typed table: what each is called in the plural, which toolset holds
// it, the argument that carries its id, its roughy:// URI, which of get/list/delete serve it, its states,
// which of those are final and in what order they come, and what to do next in each state. get, list,
// delete, wait, the progress follower, toolsets, error hints and resources read it instead of spelling
// kinds and states out again.

/** Groups of tools a user can enable (--toolsets); a tool may sit in several (get/list serve every kind). */
export const TOOLSETS = ["projects", "assets", "cuts", "renders", "credits", "webhooks", "jobs"] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** The least of an item that choosing its next step needs. */
export type StepSubject = { id: string; state: string; asset_id?: unknown };

export type KindSpec = {
  plural: string;
  toolset: Toolset;
  /** The argument that names one of these (asset_id, cut_id, ...). */
  idArg: string;
  /** roughy:// JSON view of one item, when there is one. */
  uri: ((id: string) => string) | null;
  get: boolean;
  list: boolean;
  delete: boolean;
  /** States in lifecycle order; an item never moves to a lower rank (a stale read must not move it back). */
  rank: Readonly<Record<string, number>>;
  terminal: readonly string[];
  /** What to call next for an item in a state (no "Next: " prefix); null for kinds without states. */
  next: ((item: StepSubject) => string) | null;
};

const waitAgain = (kind: string, id: string) => `call roughy_wait with kind=${kind}, id=${id}`;

export const KINDS = {
  project: {
    plural: "projects",
    toolset: "projects",
    idArg: "project_id",
    uri: (id: string) => `roughy://projects/${id}`,
    get: true,
    list: true,
    delete: true,
    rank: {},
    terminal: [],
    next: null,
  },
  asset: {
    plural: "assets",
    toolset: "assets",
    idArg: "asset_id",
    uri: (id: string) => `roughy://assets/${id}`,
    get: true,
    list: true,
    delete: true,
    // pending_payment sits before ready because a top-up moves it on.
    rank: { pending_upload: 0, processing: 1, pending_payment: 2, ready: 3, failed: 3 },
    terminal: ["ready", "failed", "pending_payment"],
    next: (a: StepSubject) => {
      switch (a.state) {
        case "ready":
          return `create_cut asset_id=${a.id} (add a script to cut to the intended message), or cut_to_script asset_id=${a.id}.`;
        case "pending_payment":
          return `top up credits (get_credits shows the balance); the asset becomes ready once paid, then ${waitAgain("asset", a.id)}.`;
        case "failed":
          return "check that the file is playable media, then upload it again with upload_media.";
        case "pending_upload":
          return "call upload_media again with the same path to resume the transfer.";
        default:
          return `${waitAgain("asset", a.id)} until it is ready (then create_cut).`;
      }
    },
  },
  cut: {
    plural: "cuts",
    toolset: "cuts",
    idArg: "cut_id",
    uri: (id: string) => `roughy://cuts/${id}`,
    get: true,
    list: true,
    delete: true,
    rank: { pending: 0, processing: 1, completed: 2, failed: 2 },
    terminal: ["completed", "failed"],
    next: (c: StepSubject) => {
      switch (c.state) {
        case "completed":
          return `export_cut cut_id=${c.id} (format edl, xmeml, fcpxml, otio, srt or vtt), or create_render asset_id=${String(c.asset_id)} cut_id=${c.id}.`;
        case "failed":
          return `read the error; create_cut asset_id=${String(c.asset_id)} starts a fresh attempt (perhaps without a script).`;
        default:
          return `${waitAgain("cut", c.id)} (a cut takes a fraction of the source's length).`;
      }
    },
  },
  render: {
    plural: "renders",
    toolset: "renders",
    idArg: "render_id",
    uri: (id: string) => `roughy://renders/${id}`,
    get: true,
    list: true,
    // A render is canceled (cancel_render), not deleted; deleting its cut removes it.
    delete: false,
    rank: { pending: 0, processing: 1, completed: 2, failed: 2, canceled: 2 },
    terminal: ["completed", "failed", "canceled"],
    next: (r: StepSubject) => {
      switch (r.state) {
        case "completed":
          return `download_render render_id=${r.id}.`;
        case "failed":
          return `read the error, then create_render asset_id=${String(r.asset_id)} again.`;
        case "canceled":
          return `create_render asset_id=${String(r.asset_id)} again if you still need the file.`;
        default:
          return `${waitAgain("render", r.id)}, then download_render.`;
      }
    },
  },
  webhook: {
    plural: "webhooks",
    toolset: "webhooks",
    idArg: "webhook_id",
    uri: null,
    get: false,
    list: true,
    delete: true,
    rank: {},
    terminal: [],
    next: null,
  },
  ledger: {
    plural: "ledger",
    toolset: "credits",
    idArg: "entry_id",
    uri: null,
    get: false,
    list: true,
    delete: false,
    rank: {},
    terminal: [],
    next: null,
  },
  job: {
    plural: "jobs",
    toolset: "jobs",
    idArg: "job_id",
    uri: null,
    get: false,
    list: false,
    delete: false,
    rank: { running: 0, completed: 1, failed: 1, canceled: 1 },
    terminal: ["completed", "failed", "canceled"],
    next: null,
  },
} as const satisfies Record<string, KindSpec>;

export type Kind = keyof typeof KINDS;
const ALL = Object.keys(KINDS) as Kind[];

/** The kinds a tool serves, as a tuple for z.enum: `kindsWhere("delete")` -> ["project", "asset", "cut", "webhook"]. */
export function kindsWhere(op: "get" | "list" | "delete"): [Kind, ...Kind[]] {
  return ALL.filter((k) => KINDS[k][op]) as [Kind, ...Kind[]];
}

/** The plural names list takes (kind=projects, ..., kind=ledger). */
export function pluralsWhere(op: "list"): [string, ...string[]] {
  return kindsWhere(op).map((k) => KINDS[k].plural) as [string, ...string[]];
}

/** The toolsets of the kinds a tool serves: delete serves project/asset/cut/webhook, so not renders. */
export function toolsetsOf(kinds: readonly Kind[]): Toolset[] {
  return [...new Set(kinds.map((k) => KINDS[k].toolset))];
}

/** A kind by its singular or plural name ("cut", "cuts", "ledger"), or null. */
export function kindNamed(name: string): Kind | null {
  if ((ALL as string[]).includes(name)) return name as Kind;
  return ALL.find((k) => KINDS[k].plural === name) ?? null;
}

/** Kinds with a lifecycle the progress follower can follow. */
export type FollowKind = "asset" | "cut" | "render";

export function isTerminal(kind: Kind, state: string): boolean {
  return (KINDS[kind].terminal as readonly string[]).includes(state);
}

/** The state's place in the kind's lifecycle (undefined for a state the table does not know). */
export function stateRank(kind: Kind, state: string): number | undefined {
  return (KINDS[kind].rank as Readonly<Record<string, number>>)[state];
}

/** What to call next for an item of a kind with states; a neutral line for the others. */
export function nextStep(kind: Kind, item: StepSubject): string {
  const next = KINDS[kind].next as ((item: StepSubject) => string) | null;
  return next ? next(item) : `roughy_list kind=${KINDS[kind].plural} to see what there is.`;
}
