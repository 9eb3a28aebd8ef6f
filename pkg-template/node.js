// The entry for Node (the `node` export condition). Node's fetch cannot read
// file: URLs, so the wasm bytes are read from disk instead; everything else is
// the browser entry.
import { readFile } from "node:fs/promises";
import { setWasmSource } from "./wasm.js";

setWasmSource(() => readFile(new URL("./emporix_optin_bg.wasm", import.meta.url)));

export * from "./index.js";
