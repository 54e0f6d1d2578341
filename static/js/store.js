/* Small enhancements on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // Filters: open beside the results on wide screens; a tap away on phones.
  var filters = document.querySelector("[data-filters]");
  if (filters && window.matchMedia("(min-width: 960px)").matches) {
    filters.open = true;
  }

  // Gallery: mark the thumbnail of the photo in view.
  var gallery = document.querySelector("[data-gallery]");
  if (gallery && "IntersectionObserver" in window) {
    var thumbs = document.querySelectorAll(".gallery__thumbs a");
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        thumbs.forEach(function (thumb) {
          thumb.setAttribute("aria-current", thumb.hash === "#" + entry.target.id ? "true" : "false");
        });
      });
    }, { root: gallery, threshold: 0.6 });
    gallery.querySelectorAll(".gallery__slide").forEach(function (slide) { observer.observe(slide); });
    thumbs.forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        var target = document.querySelector(thumb.hash);
        if (!target) return;
        event.preventDefault();
        gallery.scrollTo({ left: target.offsetLeft - gallery.offsetLeft, behavior: "smooth" });
      });
    });
  }
  // A return's slip: a print button where there is script to press it.
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
