// Small DOM helpers shared by the page scripts.

// A new <tag> holding `content` as text (never as HTML), with an optional class.
export function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}
