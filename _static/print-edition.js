// The download menu offers the print edition (`make pdf`), which the publishing workflow puts
// beside the HTML as wide-two-layer-networks.pdf at the root of the site.
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector(".dropdown-download-buttons ul, .dropdown-download-buttons .dropdown-menu");
  if (!menu) return;
  const root = document.documentElement.dataset.content_root || "./";
  const item = document.createElement("li");
  item.innerHTML =
    '<a href="' + root + 'wide-two-layer-networks.pdf" class="btn btn-sm dropdown-item" ' +
    'title="The whole book as one PDF (print edition)" data-bs-placement="left" download>' +
    '<span class="btn__icon-container"><i class="fas fa-book" aria-hidden="true"></i></span>' +
    '<span class="btn__text-container">Book (PDF)</span></a>';
  menu.appendChild(item);
});
