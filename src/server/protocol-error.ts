// A JSON-RPC error for request handlers to throw: the SDK's own (v2 keeps the message as written, so the
// agent reads it once), re-exported so that our modules name one place for it.
export { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";
