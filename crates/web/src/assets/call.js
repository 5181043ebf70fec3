// The call page: clicking a transcript line plays the recording from that
// line, and the line being played is marked as playback goes on.
"use strict";

(function () {
  const audio = document.getElementById("recording");
  const turns = Array.from(document.querySelectorAll(".transcript .turn[data-start]"));
  if (!audio || turns.length === 0) {
    return;
  }
  function playFrom(turn) {
    audio.currentTime = Number(turn.dataset.start) / 1000;
    audio.play();
  }
  for (const turn of turns) {
    turn.addEventListener("click", () => playFrom(turn));
    turn.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        playFrom(turn);
      }
    });
  }
  audio.addEventListener("timeupdate", () => {
    const ms = audio.currentTime * 1000;
    for (const turn of turns) {
      const playing = ms >= Number(turn.dataset.start) && ms < Number(turn.dataset.end);
      turn.classList.toggle("playing", playing);
    }
  });
})();
