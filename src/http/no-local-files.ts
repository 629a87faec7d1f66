// File access for remote HTTP mode. The caller's files are on their machine, not on this server's, so a
// path names nothing we may read or write: every call is refused with a message saying what to do instead.
// (Falling back to the server's working directory, as local mode does, would expose the server's disk.)

import { ToolError } from "../vocabulary/errors.js";
import type { FileAccess } from "../files/allowed-dirs.js";

export function remoteRefusal(argument: string): string {
  return (
    `${argument}: this roughy-mcp server runs remotely (MCP over HTTP) and cannot read or write files on your machine. ` +
    "To upload, call upload_media with path, size_bytes and duration_seconds: it answers with a command that uploads the file from your machine. " +
    "Exports come back inline (omit save_to) or as their roughy:// resource; a finished render's download_url is in get (kind render)."
  );
}

export function noLocalFiles(): FileAccess {
  const refuse = (argument: string): never => {
    throw new ToolError(remoteRefusal(argument));
  };
  return {
    allowedDirs: async () => [],
    openReadable: async (_input, argument) => refuse(argument),
    readText: async (_input, argument) => refuse(argument),
    resolveWritable: async (_input, argument) => refuse(argument),
    // Reached when a tool would save a file it was not told where to put (a large export, a render, a job).
    defaultDir: async () => refuse("Saving files (save_to, output_dir)"),
    writeAtomic: async () => refuse("Saving files (save_to, output_dir)"),
    writeVia: async () => refuse("Saving files (save_to, output_dir)"),
  };
}
