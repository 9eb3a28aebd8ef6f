import * as optin from "emporix-optin/inline";

window.optin = optin;
// Rollup leaves worker URLs alone: the worker is an entry point of its own.
window.startWorker = () => new Worker("./dist/worker.js", { type: "module" });
