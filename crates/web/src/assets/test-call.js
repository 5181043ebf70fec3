// The test call page: fetches the call's newer events every half second
// and adds them, until the call has ended. The server sends each event as
// HTML it has already escaped.
"use strict";

(function () {
  const list = document.getElementById("test-call");
  const state = document.getElementById("test-call-state");
  if (!list || !state || state.dataset.running !== "true") {
    return;
  }
  async function poll() {
    const next = list.dataset.next;
    let reply;
    try {
      const response = await fetch("/system/test-call/events?from=" + encodeURIComponent(next), { credentials: "same-origin" });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      reply = await response.json();
    } catch (error) {
      state.textContent = "Lost contact with the box (" + error.message + "); retrying…";
      setTimeout(poll, 2000);
      return;
    }
    for (const html of reply.html) {
      const template = document.createElement("template");
      template.innerHTML = html;
      list.appendChild(template.content);
    }
    list.dataset.next = String(reply.next);
    if (reply.running) {
      state.textContent = "The call is in progress…";
      setTimeout(poll, 500);
    } else {
      state.textContent = "The call has ended.";
      state.dataset.running = "false";
    }
  }
  setTimeout(poll, 500);
})();
