// Settings pages: each Listen button sends the text of its text area (or, when the area is
// empty, the default shown in grey) to /settings/listen and plays the WAV file it returns.
"use strict";

(function () {
  const buttons = Array.from(document.querySelectorAll("button[data-listen]"));
  let playing = null;

  function show(button, message) {
    const status = button.parentElement.querySelector(".listen-status");
    if (status) {
      status.textContent = message;
    }
  }

  async function listen(button) {
    const area = document.getElementById(button.dataset.listen);
    if (!area) {
      return;
    }
    const text = area.value.trim() || area.placeholder.trim();
    if (!text) {
      show(button, "There is nothing to play: write the text first.");
      return;
    }
    if (playing) {
      playing.pause();
      playing = null;
    }
    button.disabled = true;
    show(button, "Making the voice…");
    try {
      const response = await fetch("/settings/listen", {
        method: "POST",
        headers: { "x-csrf-token": csrfToken() },
        body: new URLSearchParams({ text: text, language: button.dataset.language }),
        credentials: "same-origin",
      });
      const type = response.headers.get("content-type") || "";
      if (!response.ok || !type.startsWith("audio/")) {
        show(button, response.ok ? "The console sent no audio; reload the page and sign in again." : await response.text());
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const audio = new Audio(url);
      audio.addEventListener("ended", () => URL.revokeObjectURL(url));
      playing = audio;
      show(button, "");
      await audio.play();
    } catch (error) {
      show(button, "Cannot play the voice: " + error.message);
    } finally {
      button.disabled = false;
    }
  }

  for (const button of buttons) {
    button.addEventListener("click", () => listen(button));
  }
})();
