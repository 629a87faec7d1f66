// The one name of the cut timeline view, shared by the tools that link it (create_cut, get) and the
// resource that serves it. Kept free of imports so that tool files can use it without loading the app.

export const CUT_TIMELINE_URI = "ui://roughy/cut-timeline.html";

/** `_meta` for a tool whose result the timeline view can show (MCP Apps, SEP-1865). */
export const CUT_TIMELINE_META = { ui: { resourceUri: CUT_TIMELINE_URI } } as const;
