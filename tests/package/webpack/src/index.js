import * as optin from "emporix-optin";

window.optin = optin;
window.startWorker = () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
