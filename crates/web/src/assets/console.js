// Standardiste console: the little behaviour pages need. Pages work without
// it; it adds confirmation prompts and reads the CSRF token for requests.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// Forms with data-confirm ask before they are sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
