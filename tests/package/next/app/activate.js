"use client";
// The package in a client component: the tests call it through window.optin.
import * as optin from "emporix-optin";
import { useEffect, useState } from "react";

export default function Activate() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    window.optin = optin;
    window.startWorker = () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    setReady(true);
  }, []);
  return <p id="status">{ready ? "ready" : "loading"}</p>;
}
