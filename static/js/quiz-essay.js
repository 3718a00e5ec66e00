// Essay answers on a quiz attempt: a live word count, and no submit over twice the word limit.
//
// Each <textarea data-essay> may carry data-min-words and data-max-words. The count below it
// (its [data-word-count] sibling) says how many words there are and whether that is too few or
// too many. An essay over the characters one answer may have (the form's data-max-chars) gets
// that said beside it, in its [data-field-error] box: it is kept on the device but cannot be
// saved. Submitting (not "Save and finish later") with an essay over twice the maximum of words,
// or over the characters, is stopped, with the reason shown and the essay focused. The page may
// include this file once per essay: each textarea and form is set up only once.
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

  function characters(text) {
    return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
  }

  function maxChars(area) {
    return (area.form && Number(area.form.dataset.maxChars)) || 0;
  }

  function overCharacters(area) {
    const limit = maxChars(area);
    return limit > 0 && characters(area.value.trim()) > limit;
  }

  function tooLong(area) {
    const max = Number(area.dataset.maxWords) || 0;
    return (max > 0 && words(area.value) > 2 * max) || overCharacters(area);
  }

  // The refusal box beside the essay: the character limit, said before the server has to.
  function showLimit(area) {
    const box = area.parentElement.querySelector("[data-field-error]");
    if (!box) return;
    if (overCharacters(area)) {
      const limit = maxChars(area).toLocaleString("en-GB");
      box.textContent = "This answer is too long: at most " + limit + " characters (this has " +
        characters(area.value.trim()).toLocaleString("en-GB") + "). It is kept on this device, but it " +
        "cannot be saved or submitted until you shorten it.";
      box.hidden = false;
      box.dataset.limitShown = "1";
      const ids = (area.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (!ids.includes(box.id)) area.setAttribute("aria-describedby", [box.id].concat(ids).join(" "));
    } else if (box.dataset.limitShown || box.textContent.includes("too long")) {
      box.hidden = true;
      box.textContent = "";
      delete box.dataset.limitShown;
    }
  }

  function setUp(area) {
    if (area.dataset.essayReady) return;
    area.dataset.essayReady = "1";
    const counter = area.parentElement.querySelector("[data-word-count]");
    const update = () => {
      if (counter) counter.textContent = note(area);
      showLimit(area);
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
