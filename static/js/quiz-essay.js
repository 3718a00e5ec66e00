// Essay answers on a quiz attempt: a live word count, and no submit over twice the word limit.
//
// Each <textarea data-essay> may carry data-min-words and data-max-words. The count below it
// (its [data-word-count] sibling) says how many words there are and whether that is too few or
// too many. Submitting (not "Save and finish later") with an essay over twice the maximum is
// stopped, with the reason shown and the essay focused. The page may include this file once
// per essay: each textarea and form is set up only once.
(function () {
  "use strict";

  function words(text) {
    const trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function note(area) {
    const count = words(area.value);
    const min = Number(area.dataset.minWords) || 0;
    const max = Number(area.dataset.maxWords) || 0;
    if (max && count > 2 * max) return count + " words: more than twice the limit of " + max + ". Shorten it to submit.";
    if (max && count > max) return count + " words: more than the " + max + " asked for.";
    if (min && count && count < min) return count + " words: fewer than the " + min + " asked for.";
    return count + (count === 1 ? " word" : " words");
  }

  function tooLong(area) {
    const max = Number(area.dataset.maxWords) || 0;
    return max > 0 && words(area.value) > 2 * max;
  }

  function setUp(area) {
    if (area.dataset.essayReady) return;
    area.dataset.essayReady = "1";
    const counter = area.parentElement.querySelector("[data-word-count]");
    const update = () => {
      if (counter) counter.textContent = note(area);
      if (tooLong(area)) area.setAttribute("aria-invalid", "true");
      else area.removeAttribute("aria-invalid");
    };
    area.addEventListener("input", update);
    update();
    const form = area.form;
    if (!form || form.dataset.essayCheck) return;
    form.dataset.essayCheck = "1";
    // Capture: runs before the attempt page's own submit handler, which must not see a refused submit.
    form.addEventListener("submit", (event) => {
      if (event.submitter && event.submitter.hasAttribute("formaction")) return;  // saving a draft is fine
      const long = Array.from(form.querySelectorAll("textarea[data-essay]")).find(tooLong);
      if (!long) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const where = long.parentElement.querySelector("[data-word-count]");
      if (where) where.textContent = note(long);
      long.focus();
    }, true);
  }

  document.querySelectorAll("textarea[data-essay]").forEach(setUp);
})();
