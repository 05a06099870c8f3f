// Follow an upload while a background worker loads it (templates/decisions/upload*_report.html):
// poll its status, show what has been read in each [data-field] (a progress bar's value, or a
// number's text), and reload the page when its state changes or, where the page says how many
// of its files are decided (data-decided), when that changes. Without JavaScript, the page's
// Refresh link does the same.
(() => {
  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const poll = () => fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.json();
    })
    .then((status) => {
      const decided = box.dataset.decided;
      if (status.state !== box.dataset.state
          || (decided !== undefined && String(status.decided) !== decided)) {
        location.reload();
        return;
      }
      for (const shown of document.querySelectorAll("[data-field]")) {
        const value = status[shown.dataset.field];
        if (shown.tagName === "PROGRESS") shown.value = value;
        else shown.textContent = value.toLocaleString("en-US");
      }
      setTimeout(poll, 2000);
    })
    .catch((error) => {
      box.querySelector("[data-poll-stopped]").hidden = false;
      console.error("Following the upload stopped:", error);
    });
  setTimeout(poll, 2000);
})();
